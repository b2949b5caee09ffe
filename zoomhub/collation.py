"""People's names sorted as the reader's language sorts them.

On PostgreSQL an ICU collation per language: Estonian puts Š Z Ž after S and Õ Ä Ö Ü after W,
Russian puts Cyrillic before Latin and sorts Ё with its base letter; English keeps them in Latin order. SQLite has
no ICU: names sort case-insensitively there (its NOCASE folds ASCII letters only).
"""

from django.db import connections
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.translation import get_language

ICU_COLLATIONS = {"en": "en-x-icu", "ru": "ru-x-icu", "et": "et-x-icu"}
ROOT_COLLATION = "und-x-icu"


def name_collation(*, using: str = "default") -> str | None:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        language = (get_language() or "en").split("-")[0]
        return ICU_COLLATIONS.get(language, ROOT_COLLATION)
    if vendor == "sqlite":
        return "NOCASE"
    return None


def by_name(field: str = "name", *, descending: bool = False, using: str = "default"):
    """An order_by() term: `.order_by(by_name())`, `.order_by("-role", by_name("person__name"))`."""
    collation = name_collation(using=using)
    term = Collate(F(field), collation) if collation else F(field)
    return term.desc() if descending else term.asc()
