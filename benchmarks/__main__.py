"""`make bench`: run every benchmarks/bench_*.py and print one table of figures.

Each module defines `run() -> list[Row]`; a benchmark measures, it does not assert. Pass
names to run a subset: `python -m benchmarks webhooks attendance`. After the full table comes
the headline figures against their aims (✓/✗); a run of every benchmark also writes them to
benchmarks/results/<date>.json and redraws benchmarks/results/history.svg.
"""

import importlib
import os
import platform
import sys
import time
from pathlib import Path

from benchmarks.common import Row, print_table


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    wanted = [f"bench_{a}" if not a.startswith("bench_") else a for a in argv]
    rows: list[Row] = []
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.monotonic()
        print(f"running {name} …", file=sys.stderr, flush=True)
        rows.extend(module.run())
        print(f"  {name} took {time.monotonic() - started:.1f}s", file=sys.stderr, flush=True)
    print(
        f"\nZoomHub benchmarks, {time.strftime('%Y-%m-%d')}, {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print_table(rows)
    headline = [r for r in rows if r.key]
    if headline:
        print("\nAims (issue 19):")
        print_table(headline, column=f"this run ({time.strftime('%Y-%m-%d')})")
    if not wanted:
        from benchmarks import results

        saved = results.save(rows)
        drawn = results.write_svg(results.history(), results.RESULTS / "history.svg")
        print(f"\nWritten: {saved}, {drawn}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
