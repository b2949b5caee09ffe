"""The writes on people: add, change, archive, restore, and merge two records of one person.

Merging moves everything that points at the duplicate to the person who stays, whichever app
the pointing rows belong to: the relations are read from Django's model metadata, so this module
names no app that builds on `meetings`. A row that cannot move because the person who stays
already has its twin (say, both records were marked present in the same lesson) is dropped with
the duplicate: the kept person's row wins.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Person


@dataclass(frozen=True)
class PersonDetails:
    name: str
    role: str
    email: str = ""
    other_emails: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()
    language: str = ""
    time_zone: str = ""
    zoom_user_id: int | None = None
    notes: str = ""


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _clean_list(values, *, exclude: str = "", lower: bool = False) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = value.strip()
        if lower:
            value = value.lower()
        if value and value.casefold() != exclude.casefold() and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


def email_owner(email: str, *, exclude_pk: int | None = None) -> Person | None:
    """The active person who already uses this email (main or other), if any."""
    email = _normalise_email(email)
    if not email:
        return None
    people = Person.objects.active().filter(
        models.Q(email__iexact=email) | models.Q(other_emails__contains=[email])
    )
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    return people.order_by("pk").first()


def _apply(person: Person, details: PersonDetails) -> None:
    person.name = details.name.strip()
    person.role = details.role
    person.email = _normalise_email(details.email)
    person.other_emails = _clean_list(details.other_emails, exclude=person.email, lower=True)
    person.other_names = _clean_list(details.other_names, exclude=person.name)
    if details.language:
        person.language = details.language
    if details.time_zone:
        person.time_zone = details.time_zone
    person.zoom_user_id = details.zoom_user_id
    person.notes = details.notes


def _check_emails(person: Person) -> None:
    for email in person.all_emails:
        owner = email_owner(email, exclude_pk=person.pk)
        if owner is not None:
            raise ValidationError(
                {
                    "email": _("%(email)s already belongs to %(name)s: merge the two instead.")
                    % {"email": email, "name": owner.name}
                }
            )


def person_create(*, details: PersonDetails) -> Person:
    person = Person()
    _apply(person, details)
    if not person.name:
        raise ValidationError({"name": _("Write the person's name.")})
    with transaction.atomic():
        _check_emails(person)
        person.save()
    return person


def person_update(*, person: Person, details: PersonDetails) -> Person:
    _apply(person, details)
    if not person.name:
        raise ValidationError({"name": _("Write the person's name.")})
    with transaction.atomic():
        _check_emails(person)
        person.save()
    return person


def person_archive(*, person: Person) -> None:
    Person.objects.filter(pk=person.pk, archived_at__isnull=True).update(archived_at=timezone.now())


def person_restore(*, person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(archived_at=None)


def _move_rows(relation, *, duplicate: Person, keep: Person) -> None:
    """Point one relation's rows at `keep`; a row whose move would break a unique rule goes."""
    model = relation.related_model
    field_name = relation.field.name
    for pk in model._default_manager.filter(**{field_name: duplicate}).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=pk).update(**{field_name: keep})
        except IntegrityError:
            model._default_manager.filter(pk=pk).delete()


def _move_many_to_many(relation, *, duplicate: Person, keep: Person) -> None:
    through = relation.through if hasattr(relation, "through") else relation.field.remote_field.through
    target = relation.field.m2m_reverse_field_name()
    source = relation.field.m2m_field_name()
    already = set(through.objects.filter(**{target: keep}).values_list(source, flat=True))
    rows = through.objects.filter(**{target: duplicate})
    rows.filter(**{f"{source}__in": already}).delete()
    rows.update(**{target: keep})


def person_merge(*, keep: Person, duplicate: Person) -> Person:
    """Fold `duplicate` into `keep`: its lessons, history, emails and names; then delete it."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different people to merge."))
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
        for relation in Person._meta.related_objects:
            if relation.many_to_many:
                _move_many_to_many(relation, duplicate=duplicate, keep=keep)
            elif relation.one_to_many and relation.field.model is not Person:
                _move_rows(relation, duplicate=duplicate, keep=keep)
        keep.other_emails = _clean_list(
            [*keep.other_emails, *duplicate.all_emails], exclude=keep.email, lower=True
        )
        if not keep.email and keep.other_emails:
            keep.email = keep.other_emails.pop(0)
        keep.other_names = _clean_list(
            [*keep.other_names, duplicate.name, *duplicate.other_names], exclude=keep.name
        )
        if duplicate.notes and duplicate.notes not in keep.notes:
            keep.notes = "\n\n".join(note for note in (keep.notes, duplicate.notes) if note)
        if keep.zoom_user_id is None:
            keep.zoom_user_id = duplicate.zoom_user_id
        duplicate.delete()
        keep.save()
    return keep
