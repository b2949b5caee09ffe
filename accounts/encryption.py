"""Re-encrypting every stored secret with the newest key (docs/security.md, "Rotating the encryption keys").

django-fernet-encrypted-fields decrypts with every key derived from SECRET_KEY, its fallbacks
and each salt in FIELD_ENCRYPTION_SALTS, and encrypts with the first. Rotation reads each
encrypted column's raw ciphertext, decrypts it, and writes it back through the ORM so the
first key encrypts it. Fields are found generically (any EncryptedFieldMixin field of any
installed model), so secrets added by later apps are rotated too.
"""

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import connection, transaction
from encrypted_fields.fields import EncryptedFieldMixin

BATCH_SIZE = 500


@dataclass
class RotationReport:
    rotated: dict[str, int] = field(default_factory=dict)  # "app.Model.field" -> values re-encrypted
    unreadable: dict[str, list] = field(default_factory=dict)  # "app.Model.field" -> primary keys

    @property
    def ok(self) -> bool:
        return not self.unreadable


def encrypted_fields() -> list[tuple[type, EncryptedFieldMixin]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedFieldMixin):
                found.append((model, model_field))
    return found


def forget_derived_keys(model_field: EncryptedFieldMixin) -> None:
    """Keys are cached per field; settings may have changed since (tests, long shells)."""
    model_field.__dict__.pop("keys", None)
    model_field.__dict__.pop("f", None)


def rotate_encryption_keys() -> RotationReport:
    """Re-encrypt every encrypted value with the newest key; never overwrite what cannot be read."""
    report = RotationReport()
    quote = connection.ops.quote_name
    for model, model_field in encrypted_fields():
        forget_derived_keys(model_field)
        label = f"{model._meta.label}.{model_field.name}"
        pk_column = model._meta.pk.column
        select = (
            f"SELECT {quote(pk_column)}, {quote(model_field.column)} FROM {quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {quote(model_field.column)} IS NOT NULL AND {quote(pk_column)} IN "
        )
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        rotated = 0
        for start in range(0, len(pks), BATCH_SIZE):
            batch = pks[start : start + BATCH_SIZE]
            with transaction.atomic():
                # Lock the rows so a value the app writes meanwhile is not overwritten by its old one.
                list(model._default_manager.select_for_update().filter(pk__in=batch).values_list("pk"))
                with connection.cursor() as cursor:
                    cursor.execute(select + "(" + ", ".join(["%s"] * len(batch)) + ")", batch)
                    rows = cursor.fetchall()
                for pk, ciphertext in rows:
                    if not ciphertext:
                        continue
                    try:
                        plaintext = model_field.f.decrypt(ciphertext.encode()).decode()
                    except InvalidToken:
                        report.unreadable.setdefault(label, []).append(pk)
                        continue
                    model._default_manager.filter(pk=pk).update(**{model_field.attname: plaintext})
                    rotated += 1
        report.rotated[label] = rotated
    return report
