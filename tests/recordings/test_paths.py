"""Object names from a source's path template: safe, bounded, and a clear message for a bad template."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from recordings.models import DEFAULT_PATH_TEMPLATE, Recording, RecordingFile
from recordings.services.paths import MAX_KEY, MAX_SEGMENT, check_template, file_values, render, unique_name


def a_file(topic: str, *, host_email: str = "teacher@school.example") -> RecordingFile:
    recording = Recording(
        uuid="4444AAAiAAAAAiAiAiiAii==",
        zoom_meeting_id=85746065432,
        topic=topic,
        host_email=host_email,
        start_time=datetime(2026, 1, 31, 7, 30, tzinfo=UTC),  # 09:30 in Tallinn
        recording_count=2,
    )
    return RecordingFile(
        recording=recording,
        zoom_file_id="ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8",
        file_type="MP4",
        file_extension="MP4",
        recording_type="shared_screen_with_speaker_view",
    )


def test_the_default_template_gives_folders_by_date_host_and_lesson():
    key = render(DEFAULT_PATH_TEMPLATE, file_values(a_file("Алгебра, 7 класс")), prefix="zoom/")

    assert key == "zoom/2026/01/teacher@school.example/2026-01-31_0930 Алгебра, 7 класс/MP4.mp4"


def test_values_cannot_add_folders_or_control_characters():
    key = render(DEFAULT_PATH_TEMPLATE, file_values(a_file("../../etc/passwd\x00\x1b[31m\tend")))

    folders = key.split("/")
    assert len(folders) == 5 and ".." not in folders
    assert folders[3] == "2026-01-31_0930 ..-..-etc-passwd [31m end"
    assert not any(ord(c) < 32 for c in key)


def test_a_value_that_is_only_dots_becomes_a_harmless_name():
    key = render("{topic}/{file_type}.{ext}", file_values(a_file("..")))
    assert key == "_/MP4.mp4"


def test_long_names_are_cut_by_bytes_keeping_the_extension_and_the_key_bounded():
    key = render("{topic}/{topic}{topic}/{topic}.{ext}", file_values(a_file("Ж" * 400)))

    assert all(len(segment.encode()) <= MAX_SEGMENT for segment in key.split("/"))
    assert key.endswith(".mp4") and len(key.encode()) <= MAX_KEY
    # The longest prefix a destination takes (200 bytes), with folders that pass the key limit.
    many_folders = "/".join(["{topic}"] * 6) + "/{file_type}.{ext}"
    long_prefix = render(many_folders, file_values(a_file("Ж" * 400)), prefix="p" * 200)
    assert len(long_prefix.encode()) <= MAX_KEY and long_prefix.endswith("MP4.mp4")


def test_a_taken_key_gets_the_zoom_file_id_before_the_extension():
    assert unique_name("zoom/Lesson/MP4.mp4", a_file("x")) == "zoom/Lesson/MP4-ed6c2f27-2ae.mp4"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{year}/{teacher}/{file_type}", "Unknown field {teacher}"),
        ("{year}/{topic}", "must name the file"),
        ("/{year}/{file_type}", "must be relative"),
        ("{year}/{file_type", "cannot be read"),
        ("", "Give a path template"),
    ],
)
def test_a_bad_template_is_refused_with_a_reason(template, message):
    with pytest.raises(ValidationError, match=message):
        check_template(template)


@pytest.mark.django_db
def test_the_source_form_refuses_a_bad_template(staff_client, credential):
    from django.urls import reverse

    from tests.recordings.test_pages import source_post

    response = staff_client.post(
        reverse("recordings:source_create"), source_post(credential, path_template="{year}/{teacher}/{ext}")
    )

    assert response.status_code == 200
    assert "Unknown field {teacher}" in response.content.decode()
