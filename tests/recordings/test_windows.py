"""Windows never exceed a month, whichever month they fall in, and cover a range exactly."""

import itertools
from datetime import date, timedelta

import pytest

from recordings.planning import default_from_date, windows
from tests.recordings.school_zoom import one_month_before


def test_a_short_range_is_one_window():
    assert [(w.start, w.end) for w in windows(date(2024, 1, 20), date(2024, 2, 16))] == [
        (date(2024, 1, 20), date(2024, 2, 16))
    ]


def test_a_long_range_is_walked_in_calendar_months_clipped_at_the_ends():
    got = [(w.start, w.end) for w in windows(date(2023, 12, 15), date(2024, 3, 10))]
    assert got == [
        (date(2023, 12, 15), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 10)),
    ]


@pytest.mark.parametrize("span_days", [1, 27, 28, 29, 30, 31, 59, 61, 365, 800])
def test_every_window_fits_zooms_month_and_the_windows_tile_the_range(span_days):
    for first in (date(2023, 1, 1) + timedelta(days=d) for d in range(0, 400, 7)):
        last = first + timedelta(days=span_days - 1)
        parts = windows(first, last)
        assert parts[0].start == first and parts[-1].end == last
        for previous, following in itertools.pairwise(parts):
            assert following.start == previous.end + timedelta(days=1)  # no gap, no overlap
        for window in parts:
            # Zoom keeps only [to - 1 month, to]: a window must start inside it to be listed whole.
            assert window.start >= one_month_before(window.end)
            assert window.days <= 31


def test_default_from_date_is_incremental_with_an_overlap():
    today = date(2024, 5, 20)
    assert default_from_date(last_success_to=None, today=today, overlap_days=2, first_days=30) == date(
        2024, 4, 20
    )
    assert default_from_date(
        last_success_to=date(2024, 5, 19), today=today, overlap_days=2, first_days=30
    ) == date(2024, 5, 17)
