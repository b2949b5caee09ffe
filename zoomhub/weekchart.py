"""A small stacked bar chart of the last weeks, as inline SVG geometry computed here.

Apps give `weekly_bars` their counts per week and series; the template draws the rectangles,
so the dashboard needs no chart library and no JavaScript.
"""

import datetime as dt
from dataclasses import dataclass

BAR_WIDTH = 28
GAP = 12
HEIGHT = 100


@dataclass(frozen=True)
class Segment:
    series: str
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    week: dt.date
    x: int
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class WeekChart:
    bars: list[Bar]
    series: list[tuple[str, str]]  # (key, label) in stacking order
    width: int
    height: int
    empty: bool


def week_starts(today: dt.date, weeks: int) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=weeks - 1 - n) for n in range(weeks)]


def weekly_bars(
    counts: dict[dt.date, dict[str, int]], weeks: list[dt.date], series: list[tuple[str, str]]
) -> WeekChart:
    top = max([sum(counts.get(week, {}).values()) for week in weeks] + [1])
    bars = []
    for index, week in enumerate(weeks):
        values = counts.get(week, {})
        y = float(HEIGHT)
        segments = []
        for key, _label in series:
            value = values.get(key, 0)
            height = HEIGHT * value / top
            y -= height
            segments.append(Segment(series=key, value=value, y=round(y, 1), height=round(height, 1)))
        bars.append(
            Bar(week=week, x=index * (BAR_WIDTH + GAP), total=sum(values.values()), segments=segments)
        )
    return WeekChart(
        bars=bars,
        series=series,
        width=len(weeks) * (BAR_WIDTH + GAP) - GAP,
        height=HEIGHT,
        empty=all(bar.total == 0 for bar in bars),
    )
