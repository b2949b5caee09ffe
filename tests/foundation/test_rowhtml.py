"""row_html writes what format_html writes, and a page's lesson times what format_lesson_time writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from meetings.timezones import format_lesson_time, lesson_time_writer
from zoomhub.rowhtml import memo, row_html
from zoomhub.viewer import activate_viewer_zone

VALUES = [
    "Tom & Jerry <b>\"x\"</b> 'y'",
    42,
    -7,
    True,
    None,
    3.5,
    Decimal("1.50"),
    mark_safe("<em>kept</em>"),
    gettext_lazy("Lesson"),
    "Ёлкин Šarlota",
    "",
]


def test_row_html_escapes_as_format_html():
    template = "<td>{}</td>" * len(VALUES)
    assert row_html(template, *VALUES) == format_html(template, *VALUES)
    assert type(row_html("{}", "a")) is type(format_html("{}", "a"))  # SafeString


def test_memo_answers_once_per_value():
    calls = []

    def double(value):
        calls.append(value)
        return value * 2

    twice = memo(double)
    assert [twice(1), twice(2), twice(1)] == [2, 4, 2]
    assert calls == [1, 2]


@pytest.mark.parametrize("language", ["en", "ru", "et"])
@pytest.mark.parametrize(
    "viewer", [None, "Europe/Tallinn", "Europe/Moscow", "America/Los_Angeles", "No/Such_Zone"]
)
def test_lesson_time_writer_writes_what_format_lesson_time_writes(language, viewer):
    moments = [
        dt.datetime(2027, 2, 23, 13, 0, tzinfo=dt.UTC),
        dt.datetime(2027, 2, 23, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 28, 0, 30, tzinfo=dt.UTC),  # Tallinn's clocks go forward that night
        dt.datetime(2027, 2, 24, 5, 0, tzinfo=dt.UTC),
    ]
    zones = ["Europe/Tallinn", "Europe/Moscow", "America/New_York"]
    with translation.override(language):
        activate_viewer_zone(viewer)
        try:
            write = lesson_time_writer()
            for moment in moments:
                for zone in zones:
                    assert write(moment, zone) == format_lesson_time(moment, zone)
        finally:
            activate_viewer_zone(None)
