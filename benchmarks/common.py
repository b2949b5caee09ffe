from dataclasses import dataclass


@dataclass
class Row:
    benchmark: str
    metric: str
    value: str
    aim: str = ""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "metric", "value", "aim")
    table = [headers] + [(r.benchmark, r.metric, r.value, r.aim) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(4)]
    for index, row in enumerate(table):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
