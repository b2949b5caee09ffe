"""The recording list's rows, written in Python.

A list page shows 50 rows of seven cells; through the template engine every cell is a handful of
variable lookups, filters and translation calls, which made the rows most of the page's CPU.
Here a row is one format_html call (every value escaped as in a template), with the same markup.
"""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from recordings.labels import file_type_label
from recordings.models import Recording
from zoomhub import clock
from zoomhub.humanize import duration_text

ROW = (
    '<tr id="recording-row-{}">'
    '<td>{}<br><span class="muted">{}</span></td>'
    '<td><a href="{}">{}</a><br><span class="muted">{}</span></td>'
    "<td>{}</td>"
    "<td>{}</td>"
    '<td>{}<br><span class="muted">{}</span></td>'
    "<td>{}{}</td>"
    '<td><span class="badge state-{}">{}</span></td>'
    "</tr>"
)


def recording_rows(recordings: list[Recording], *, host_names: dict[str, str] | None = None) -> SafeString:
    """The <tr>s of the recording list for recordings with `file_list` and `local_size` set;
    `host_names` (host ID → name) shows hosts by name, with the email beneath."""
    host_names = host_names or {}
    local = _("local")
    stored = _("stored")
    detail = reverse("recordings:recording_detail", args=[0])[:-2]  # ".../0/" without "0/"
    lesson = reverse("meetings:lesson_detail", args=[0])[:-2]
    rows = []
    for recording in recordings:
        meeting = recording.meeting
        lesson_cell = (
            format_html('<a href="{}{}/">{}</a>', lesson, recording.meeting_id, meeting.topic)
            if meeting
            else "—"
        )
        local_cell = (
            format_html('<br><span class="muted">{} {}</span>', stored, filesizeformat(recording.local_size))
            if recording.local_size
            else ""
        )
        rows.append(
            format_html(
                ROW,
                recording.pk,
                clock.local_time(recording.start_time),
                duration_text(recording.duration),
                f"{detail}{recording.pk}/",
                recording.topic or recording.zoom_meeting_id,
                (recording.source.name if recording.source else "") or "—",
                _host_cell(recording, host_names),
                lesson_cell,
                len(recording.file_list),
                ", ".join(_file_label(f, local) for f in recording.file_list),
                filesizeformat(recording.total_size),
                local_cell,
                recording.state,
                recording.get_state_display(),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308  (each row built by format_html above)


def _file_label(file, local: str) -> str:
    """ "Video (bucket-name)" for a stored copy, "Video" for one still only in Zoom."""
    kind = file_type_label(file.file_type)
    if file.download_state != "done":
        return kind
    where = file.stored_where
    place = (where.bucket or where.name) if where else local
    return f"{kind} ({place})"


def _host_cell(recording: Recording, host_names: dict[str, str]) -> SafeString | str:
    email = recording.host_email or recording.target or recording.host_id
    name = host_names.get(recording.host_id)
    if name and name != email:
        return format_html('{}<br><span class="muted">{}</span>', name, email)
    return email
