"""People's names sort the way the reader's language sorts them."""

import pytest
from django.db import connection
from django.utils import translation

from meetings.models import Person
from zoomhub.collation import by_name

pytestmark = pytest.mark.django_db

NAMES = [
    "Õnne Mets",
    "Zoja Ivanova",
    "Šarlota Kask",
    "Ülle Tamm",
    "anton Saar",
    "Sander Põld",
    "Борис Орлов",
    "Ёлка Петрова",
    "Елена Жукова",
]


def _sorted(language: str) -> list[str]:
    with translation.override(language):
        return list(Person.objects.order_by(by_name()).values_list("name", flat=True))


@pytest.fixture
def people():
    Person.objects.bulk_create([Person(name=name) for name in NAMES])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collations are PostgreSQL's")
def test_each_language_sorts_names_its_own_way(people):
    # Estonian: Š and Z after S, then Õ and Ü after W; Latin before Cyrillic.
    assert _sorted("et") == [
        "anton Saar",
        "Sander Põld",
        "Šarlota Kask",
        "Zoja Ivanova",
        "Õnne Mets",
        "Ülle Tamm",
        "Борис Орлов",
        "Елена Жукова",
        "Ёлка Петрова",
    ]
    # Russian: Cyrillic first, Ё beside its base letter; accented Latin letters beside their base letters.
    assert _sorted("ru") == [
        "Борис Орлов",
        "Елена Жукова",
        "Ёлка Петрова",
        "anton Saar",
        "Õnne Mets",
        "Sander Põld",
        "Šarlota Kask",
        "Ülle Tamm",
        "Zoja Ivanova",
    ]
    assert _sorted("en")[:6] == [
        "anton Saar",
        "Õnne Mets",
        "Sander Põld",
        "Šarlota Kask",
        "Ülle Tamm",
        "Zoja Ivanova",
    ]


def test_names_ignore_letter_case_on_any_database(people):
    assert _sorted("en")[0] == "anton Saar"
    # A name still matches whatever script it is written in: sorting changes no value.
    assert sorted(_sorted("ru")) == sorted(NAMES)
