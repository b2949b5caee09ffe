"""The recording list's rows, written in Python from plain values.

A list page shows 50 rows of seven cells; through the template engine every cell is a handful of
variable lookups, filters and translation calls, which made the rows most of the page's CPU.
Here a row is one row_html call (format_html's escaping, without its per-call overhead), with the
same markup, and the rows are read as values: no model instance per recording, source, lesson or
file. Sizes and durations, which many rows share, are written once per page.
"""

from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from recordings.labels import file_type_label
from recordings.models import Destination, Recording, RecordingFile
from zoomhub import clock
from zoomhub.humanize import duration_text
from zoomhub.rowhtml import memo, row_html

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

COLUMNS = (
    "id",
    "start_time",
    "duration",
    "topic",
    "zoom_meeting_id",
    "host_email",
    "target",
    "host_id",
    "meeting_id",
    "total_size",
    "state",
)


def recording_page_rows(ids: list[int]) -> list[dict]:
    """The list's rows for these recording ids, newest first: the columns the cells show, the
    source's name, the lesson's topic, and `files` as (file_type, file_size, download_state,
    destination_id) in the files' own order."""
    rows = list(
        Recording.objects.filter(pk__in=ids)
        .order_by("-start_time", "-id")
        .values(*COLUMNS, source_name=F("source__name"), meeting_topic=F("meeting__topic"))
    )
    files: dict[int, list[tuple]] = {row["id"]: [] for row in rows}
    for recording_id, *file in (
        RecordingFile.objects.filter(recording_id__in=ids)
        .order_by("recording_start", "id")
        .values_list("recording_id", "file_type", "file_size", "download_state", "destination_id")
    ):
        files[recording_id].append(tuple(file))
    for row in rows:
        row["files"] = files[row["id"]]
    return rows


def recording_rows(rows: list[dict], *, host_names: dict[str, str] | None = None) -> SafeString:
    """The <tr>s of the recording list for rows from recording_page_rows; `host_names` (host ID →
    name) shows hosts by name, with the email beneath."""
    host_names = host_names or {}
    local = _("local")
    stored = _("stored")
    detail = reverse("recordings:recording_detail", args=[0])[:-2]  # ".../0/" without "0/"
    lesson = reverse("meetings:lesson_detail", args=[0])[:-2]
    when = clock.local_time_writer()
    size_text = memo(filesizeformat)
    length_text = memo(duration_text)
    states = {value: str(label) for value, label in Recording.State.choices}
    done = RecordingFile.Download.DONE
    # The few destinations by id (bucket, else name), only when a copy is stored in one.
    used = {file[3] for row in rows for file in row["files"] if file[2] == done and file[3]}
    places = (
        {
            pk: bucket or name
            for pk, bucket, name in Destination.objects.filter(pk__in=used).values_list(
                "pk", "bucket", "name"
            )
        }
        if used
        else {}
    )
    out = []
    for row in rows:
        lesson_cell = (
            row_html('<a href="{}{}/">{}</a>', lesson, row["meeting_id"], row["meeting_topic"])
            if row["meeting_id"]
            else "—"
        )
        local_size = sum(size for _type, size, state, _where in row["files"] if state == done)
        local_cell = (
            row_html('<br><span class="muted">{} {}</span>', stored, size_text(local_size))
            if local_size
            else ""
        )
        out.append(
            row_html(
                ROW,
                row["id"],
                when(row["start_time"]),
                length_text(row["duration"]),
                f"{detail}{row['id']}/",
                row["topic"] or row["zoom_meeting_id"],
                row["source_name"] or "—",
                _host_cell(row, host_names),
                lesson_cell,
                len(row["files"]),
                ", ".join(_file_label(file, local, places) for file in row["files"]),
                size_text(row["total_size"]),
                local_cell,
                row["state"],
                states.get(row["state"], row["state"]),
            )
        )
    return mark_safe("".join(out))  # noqa: S308  (each row built by row_html above)


def _file_label(file: tuple, local: str, places: dict[int, str]) -> str:
    """ "Video (bucket-name)" for a stored copy, "Video" for one still only in Zoom."""
    file_type, _size, download_state, destination_id = file
    kind = file_type_label(file_type)
    if download_state != RecordingFile.Download.DONE:
        return kind
    return f"{kind} ({places.get(destination_id, local)})"


def _host_cell(row: dict, host_names: dict[str, str]) -> SafeString | str:
    email = row["host_email"] or row["target"] or row["host_id"]
    name = host_names.get(row["host_id"])
    if name and name != email:
        return row_html('{}<br><span class="muted">{}</span>', name, email)
    return email
