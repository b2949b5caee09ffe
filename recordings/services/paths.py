"""Object names from a source's path template, made safe for every filesystem and S3.

`{year}/{month}/{host_email}/{start:%Y-%m-%d_%H%M} {topic}/{file_type}.{ext}` — each value is
cleaned before it is put in (Cyrillic and other letters kept; slashes, backslashes and control
characters removed; runs of spaces collapsed), so only the template's own slashes make folders.
Each folder or file name is cut to MAX_SEGMENT bytes of UTF-8 and the whole key to MAX_KEY (S3
allows 1024). Uniqueness is the database's job (one key per destination); see `unique_name`.
"""

from __future__ import annotations

import hashlib
import string
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_SEGMENT = 150
MAX_KEY = 900
FIELDS = (
    "year",
    "month",
    "day",
    "start",
    "topic",
    "host_email",
    "meeting_id",
    "uuid",
    "file_type",
    "recording_type",
    "file_id",
    "ext",
    "source",
)
_SAMPLE = {
    "year": "2026",
    "month": "01",
    "day": "31",
    "start": datetime(2026, 1, 31, 9, 30),
    "topic": "Lesson",
    "host_email": "teacher@school.example",
    "meeting_id": "85746065432",
    "uuid": "4444AAAiAAAAAiAiAiiAii==",
    "file_type": "MP4",
    "recording_type": "shared_screen_with_speaker_view",
    "file_id": "ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8",
    "ext": "mp4",
    "source": "School",
}


def clean(value: str) -> str:
    """One value made safe inside a single path segment."""
    value = unicodedata.normalize("NFC", str(value))
    kept = []
    for char in value:
        if char in "/\\":
            kept.append("-")
        elif unicodedata.category(char)[0] == "C":  # control, format, unassigned, private use
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def _cut(segment: str, limit: int) -> str:
    encoded = segment.encode()
    if len(encoded) <= limit:
        return segment
    return encoded[:limit].decode("utf-8", "ignore").rstrip()


def _segment(raw: str) -> str:
    segment = raw.strip().strip(".").strip()  # no "." / ".." folders, no hidden names
    if not segment:
        return "_"
    if len(segment.encode()) > MAX_SEGMENT:
        stem, dot, extension = segment.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            segment = _cut(stem, MAX_SEGMENT - len(extension) - 1) + "." + extension
        else:
            segment = _cut(segment, MAX_SEGMENT)
    return segment


class _Formatter(string.Formatter):
    def get_value(self, key, args, kwargs):
        if key not in kwargs:
            raise KeyError(key)
        return kwargs[key]

    def format_field(self, value, format_spec):
        return clean(super().format_field(value, format_spec))


def check_template(template: str) -> None:
    """A ValidationError naming what is wrong with the template; None when it renders."""
    if not template.strip():
        raise ValidationError(_("Give a path template, e.g. {year}/{month}/{topic}/{file_type}.{ext}."))
    if template.startswith("/") or "\\" in template:
        raise ValidationError(_("The path template must be relative and use / between folders."))
    try:
        _Formatter().format(template, **_SAMPLE)
    except KeyError as error:
        raise ValidationError(
            _("Unknown field {%(field)s} in the path template; known fields: %(fields)s.")
            % {"field": error.args[0], "fields": ", ".join(f"{{{name}}}" for name in FIELDS)}
        ) from None
    except (ValueError, IndexError) as error:
        raise ValidationError(_("The path template cannot be read: %(error)s") % {"error": error}) from None
    if "{file_id}" not in template and "{file_type}" not in template and "{recording_type}" not in template:
        raise ValidationError(
            _("The path template must name the file: include {file_type}, {recording_type} or {file_id}.")
        )


def render(template: str, values: dict, *, prefix: str = "") -> str:
    rendered = _Formatter().format(template, **values)
    segments = [_segment(part) for part in rendered.split("/") if part.strip()]
    prefix_segments = [_segment(part) for part in prefix.split("/") if part.strip()]
    key = "/".join(prefix_segments + segments)
    if len(key.encode()) > MAX_KEY:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = "/".join([*prefix_segments, digest, segments[-1]])
    return key


def file_values(file, *, source_name: str = "") -> dict:
    recording = file.recording
    # Folders by the school's calendar, not UTC: a 00:30 lesson belongs to its own day.
    start = timezone.localtime(recording.start_time, ZoneInfo(settings.SCHOOL_TIMEZONE))
    return {
        "year": f"{start:%Y}",
        "month": f"{start:%m}",
        "day": f"{start:%d}",
        "start": start,
        "topic": recording.topic or str(recording.zoom_meeting_id),
        "host_email": recording.host_email or recording.target or recording.host_id or "host",
        "meeting_id": str(recording.zoom_meeting_id),
        "uuid": recording.uuid,
        "file_type": file.file_type or "file",
        "recording_type": file.recording_type or file.file_type or "file",
        "file_id": file.zoom_file_id,
        "ext": (file.file_extension or file.file_type or "bin").lower(),
        "source": source_name,
    }


def unique_name(key: str, file) -> str:
    """The key with the Zoom file id's start before the extension: used when `key` is taken."""
    folder, slash, name = key.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    suffix = f"-{file.zoom_file_id[:12]}"
    name = _segment(f"{_cut(stem, MAX_SEGMENT - len(suffix) - len(extension) - 1)}{suffix}{dot}{extension}")
    return f"{folder}{slash}{name}"
