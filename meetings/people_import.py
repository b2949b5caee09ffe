"""Importing people from a CSV file: read and check every row first, then add all or nothing.

The office exports lists from spreadsheets, which write UTF-8 (with or without a byte-order
mark) or, in Russian-language Excel, Windows-1251 with semicolons; both are read. Columns are
found by their header, in any order: name, email, role, other names, other emails, language.
Several other names or emails in one cell are separated by ";" or "|" (or "," when the file
itself is separated by semicolons).
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Person
from meetings.people import PersonDetails, email_owner, person_create

MAX_BYTES = 1_000_000
MAX_ROWS = 5000

# Header spellings people use, lower-cased and without spaces, dashes or underscores.
COLUMNS = {
    "name": {"name", "fullname", "имя", "фио", "nimi"},
    "email": {"email", "e-mail", "mail", "почта", "epost"},
    "role": {"role", "роль", "roll"},
    "other_names": {"othernames", "aliases", "другиеимена"},
    "other_emails": {"otheremails", "другиепочты"},
    "language": {"language", "lang", "язык", "keel"},
}
ROLE_WORDS = {
    Person.Role.TEACHER: {"teacher", "tutor", "учитель", "преподаватель", "õpetaja"},
    Person.Role.STUDENT: {"student", "client", "pupil", "ученик", "студент", "клиент", "õpilane"},
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; str() is a message for people."""


@dataclass
class ImportRow:
    number: int  # the line in the file, counting the header as 1
    details: PersonDetails | None
    errors: list[str] = field(default_factory=list)
    existing: Person | None = None  # the same person is already here: the row is left out

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        return "existing" if self.existing else "new"


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == "new"]


STATUS_LABELS = {
    "error": gettext_lazy("Error"),
    "existing": gettext_lazy("Already here, left as is"),
    "new": gettext_lazy("Will be added"),
}


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB; split it into smaller files."))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is not text in UTF-8 or Windows-1251; save it as “CSV UTF-8”."))


def _header_key(text: str) -> str | None:
    compact = "".join(ch for ch in text.strip().lower() if ch not in " _-")
    for key, spellings in COLUMNS.items():
        if compact in {s.replace("-", "") for s in spellings}:
            return key
    return None


def _split(cell: str, delimiter: str) -> list[str]:
    separators = ";|" if delimiter != ";" else ",|"
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [part.strip() for part in cell.split(separators[0]) if part.strip()]


def _role(value: str) -> str | None:
    value = value.strip().lower()
    if not value:
        return Person.Role.STUDENT
    for role, words in ROLE_WORDS.items():
        if value in words or value == str(role.label).lower():
            return role
    return None


def _check_row(number: int, cells: dict[str, str], delimiter: str, seen_emails: dict[str, int]) -> ImportRow:
    errors: list[str] = []
    name = cells.get("name", "").strip()
    if not name:
        errors.append(_("The name is empty."))
    elif len(name) > 200:
        errors.append(_("The name is longer than 200 characters."))
    email = cells.get("email", "").strip().lower()
    other_emails = [e.lower() for e in _split(cells.get("other_emails", ""), delimiter)]
    for address in [email, *other_emails]:
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors.append(_("“%(email)s” is not an email address.") % {"email": address})
            continue
        if address in seen_emails:
            errors.append(
                _("%(email)s is also on line %(line)s of this file.")
                % {"email": address, "line": seen_emails[address]}
            )
        else:
            seen_emails[address] = number
    role = _role(cells.get("role", ""))
    if role is None:
        errors.append(
            _("Role “%(role)s” is neither teacher nor student.") % {"role": cells.get("role", "").strip()}
        )
    language = cells.get("language", "").strip().lower()
    known_languages = {code for code, _name in settings.LANGUAGES}
    if language and language not in known_languages:
        errors.append(
            _("Language “%(language)s” is not one of %(known)s.")
            % {"language": language, "known": ", ".join(sorted(known_languages))}
        )
    details = PersonDetails(
        name=name,
        role=role or Person.Role.STUDENT,
        email=email,
        other_emails=tuple(other_emails),
        other_names=tuple(_split(cells.get("other_names", ""), delimiter)),
        language=language,
    )
    row = ImportRow(number=number, details=details, errors=errors)
    if not errors:
        for address in [email, *other_emails]:
            owner = email_owner(address) if address else None
            if owner is None:
                continue
            if owner.name.casefold() == name.casefold():
                row.existing = owner
            else:
                row.errors.append(
                    _("%(email)s already belongs to %(name)s.") % {"email": address, "name": owner.name}
                )
            break
    return row


def preview(text: str) -> ImportPreview:
    """Every row with what would happen to it; raises ImportFileError for an unreadable file."""
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ImportFileError(_("The file is empty."))
    first = lines[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
        keys = [_header_key(cell) for cell in header]
        if "name" not in keys:
            raise ImportFileError(
                _(
                    "The first line must name the columns, with at least “name” (also: email, role, other names, other emails, language)."
                )
            )
        rows: list[ImportRow] = []
        seen_emails: dict[str, int] = {}
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(_("The file has more than 5000 people; split it into smaller files."))
            by_key = {key: cell for key, cell in zip(keys, cells, strict=False) if key}
            rows.append(_check_row(number, by_key, delimiter, seen_emails))
    except csv.Error as error:
        raise ImportFileError(_("The file is not a valid CSV file: %(error)s") % {"error": error}) from error
    if not rows:
        raise ImportFileError(_("The file names its columns but has no people in it."))
    return ImportPreview(rows=rows)


def people_import(*, text: str) -> list[Person]:
    """Add every new person of the file, or nobody when any row has an error."""
    result = preview(text)
    if result.has_errors:
        raise ValidationError(
            _("Nothing was imported: correct the rows with errors and upload the file again.")
        )
    with transaction.atomic():
        return [person_create(details=row.details) for row in result.new_rows]
