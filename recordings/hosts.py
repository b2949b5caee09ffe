"""Who hosted a recording, by name: the teacher whose Zoom user it is, else the Zoom user's name."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse

from accounts.models import ZoomUser
from meetings.models import Person
from recordings.models import Recording


@dataclass(frozen=True)
class RecordingHost:
    name: str
    email: str
    url: str  # the teacher's page, when the host is a teacher ZoomHub knows


def recording_host(recording: Recording) -> RecordingHost | None:
    """Two queries at most; None when Zoom told us nothing about the host."""
    email = recording.host_email or ""
    users = ZoomUser.objects.filter(zoom_id=recording.host_id) if recording.host_id else None
    if users is None and email:
        users = ZoomUser.objects.filter(email__iexact=email)
    if users is not None and recording.source is not None:
        users = users.order_by(_same_account_first(recording))
    user = users.first() if users is not None else None
    if user is not None:
        email = email or user.email
        teacher = Person.objects.filter(zoom_user=user).only("pk", "name").first()
        if teacher is not None:
            return RecordingHost(teacher.name, email, reverse("people:person_detail", args=[teacher.pk]))
        name = user.display_name or f"{user.first_name} {user.last_name}".strip()
        return RecordingHost(name or email, email, "")
    if email or recording.target:
        return RecordingHost(email or recording.target, email, "")
    return None


def _same_account_first(recording: Recording):
    return Case(
        When(credential_id=recording.source.credential_id, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def recording_host_names(host_ids: set[str]) -> dict[str, str]:
    """Host ID → the name to show for a page of recordings: two queries, whatever the page's size."""
    host_ids = {host_id for host_id in host_ids if host_id}
    if not host_ids:
        return {}
    # Plain values in the users' own order (by email), not model instances.
    users = list(
        ZoomUser.objects.filter(zoom_id__in=host_ids).values_list(
            "pk", "zoom_id", "display_name", "first_name", "last_name"
        )
    )
    teachers = dict(
        Person.objects.filter(zoom_user__in=[user[0] for user in users]).values_list("zoom_user_id", "name")
    )
    names = {}
    for pk, zoom_id, display_name, first_name, last_name in users:
        name = teachers.get(pk) or display_name or f"{first_name} {last_name}".strip()
        if name:
            names.setdefault(zoom_id, name)
    return names
