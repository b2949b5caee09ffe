"""`make bench`'s record: benchmarks/results/<date>.json per run and history.svg over all of them.

A row with a `key` is a headline figure: its number is kept and drawn. The plot is plain SVG
written here (no plotting library): one small panel per figure, its runs left to right, the aim
as a dashed line where it has one.
"""

from __future__ import annotations

import json
import os
import platform
import time
from html import escape
from pathlib import Path

from benchmarks.common import Row

RESULTS = Path(__file__).resolve().parent / "results"


def save(rows: list[Row], *, directory: Path = RESULTS) -> Path:
    """Write this run's rows to <directory>/<date>.json (a second run that day gets -2, -3 …)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    path = directory / f"{stamp}.json"
    n = 2
    while path.exists():
        path = directory / f"{stamp}-{n}.json"
        n += 1
    record = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "host": platform.node(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "quick": os.environ.get("BENCH_QUICK") == "1",
        "load_average": list(os.getloadavg()),
        "rows": [row.as_dict() for row in rows],
    }
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return path


def history(directory: Path = RESULTS) -> list[dict]:
    runs = []
    for path in sorted(directory.glob("*.json")):
        try:
            runs.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return [r for r in runs if not r.get("quick")]


def write_svg(runs: list[dict], path: Path) -> Path:
    """One panel per headline figure over `runs` (oldest first)."""
    figures: dict[str, dict] = {}
    for index, run in enumerate(runs):
        for row in run.get("rows", []):
            if row.get("key") and row.get("number") is not None:
                figure = figures.setdefault(
                    row["key"], {"title": f"{row['benchmark']}: {row['metric']}", "points": [], "limit": None}
                )
                figure["points"].append((index, float(row["number"]), run.get("date", ""), row.get("ok")))
                if row.get("limit") is not None:
                    figure["limit"] = float(row["limit"])
    width, panel_height, left, right = 720, 120, 70, 20
    height = 30 + panel_height * len(figures)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11">',
        f'<text x="10" y="18" font-size="13" font-weight="bold">ZoomHub benchmarks over {len(runs)} full runs</text>',
    ]
    span = max(1, len(runs) - 1)
    for number, (_key, figure) in enumerate(sorted(figures.items())):
        top = 30 + number * panel_height
        plot_top, plot_bottom = top + 22, top + panel_height - 22
        values = [p[1] for p in figure["points"]] + ([figure["limit"]] if figure["limit"] is not None else [])
        low, high = min(0.0, min(values)), max(values) * 1.15 or 1.0

        def y(value: float, plot_top=plot_top, plot_bottom=plot_bottom, low=low, high=high) -> float:
            return plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

        def x(index: int) -> float:
            return left + index / span * (width - left - right) if len(runs) > 1 else (width + left) / 2

        parts.append(f'<text x="10" y="{top + 14}" font-weight="bold">{escape(figure["title"])}</text>')
        parts.append(
            f'<line x1="{left}" y1="{plot_bottom}" x2="{width - right}" y2="{plot_bottom}" stroke="#999"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(high) + 4:.1f}" text-anchor="end">{high:.3g}</text>')
        parts.append(f'<text x="{left - 6}" y="{plot_bottom + 4}" text-anchor="end">{low:.3g}</text>')
        if figure["limit"] is not None:
            aim_y = y(figure["limit"])
            parts.append(
                f'<line x1="{left}" y1="{aim_y:.1f}" x2="{width - right}" y2="{aim_y:.1f}" '
                f'stroke="#2a7" stroke-dasharray="4 3"/>'
                f'<text x="{width - right}" y="{aim_y - 3:.1f}" text-anchor="end" fill="#2a7">'
                f"aim {figure['limit']:.3g}</text>"
            )
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v, _d, _ok in figure["points"])
        parts.append(f'<polyline points="{points}" fill="none" stroke="#36c" stroke-width="1.5"/>')
        for i, value, date, ok in figure["points"]:
            colour = "#2a7" if ok else ("#c33" if ok is False else "#36c")
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(date)}: {value:.4g}</title></circle>"
                f'<text x="{x(i):.1f}" y="{y(value) - 6:.1f}" text-anchor="middle">{value:.3g}</text>'
            )
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")
    return path
