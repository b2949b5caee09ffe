# ruff: noqa: RUF001  (Cyrillic names)
"""Attendance computation for a big lesson: 300 participants, 3 hours, 2,000 segments.

Pure Python, no database: the time a worker spends turning a session's segments into its
attendance. Names are Cyrillic on the lesson and partly Latin in Zoom, as at the school.
"""

import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from attendance.computation import AttendanceRules, compute_attendance
from attendance.matching import ExpectedPerson, match_participants
from attendance.names import name_skeleton
from attendance.segments import Segment, merge_segments
from benchmarks.common import Row

START = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)
LESSON_MINUTES = 180
PARTICIPANTS = 300
SEGMENTS = 2000
RUNS = 7

# fmt: off
FIRST = ("Иван", "Пётр", "Мария", "Юлия", "Дмитрий", "Ксения", "Сергей", "Наталья", "Фёдор", "Яна",
         "Алексей", "Ольга", "Михаил", "Елена", "Артём")
LAST = ("Петров", "Смирнов", "Соловьёв", "Хрущёв", "Цветков", "Жуков", "Васильев", "Ёлкин", "Зайцев",
        "Кузнецов", "Орлов", "Ким", "Щукин", "Попов")
# How a student might type the name in Latin letters (one of the spellings names.py folds).
LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ы": "y",
    "э": "e", "ю": "yu", "я": "ya",
}
# fmt: on


def _latin(name: str) -> str:
    return "".join(LATIN.get(ch.lower(), ch) for ch in name).title()


def build(rng: random.Random) -> tuple[list[ExpectedPerson], list[Segment]]:
    names = [f"{first} {last}{suffix}" for suffix in ("", "а") for first in FIRST for last in LAST]
    rng.shuffle(names)
    people = [ExpectedPerson(id=0, role="teacher", name="Анна Сергеева", email="anna@school.example")]
    identities = [("Anna Sergeeva", "anna@school.example")]
    for index in range(1, PARTICIPANTS):
        name = names[index % len(names)] + ("" if index < len(names) else f" {index}")
        email = f"student{index}@mail.example"
        kind = index % 10
        if kind < 7:  # signed in with the email we know
            people.append(ExpectedPerson(id=index, role="student", name=name, email=email))
            identities.append((name, email))
        elif kind < 9:  # a guest with no email, under the Latin spelling of the name
            people.append(ExpectedPerson(id=index, role="student", name=name))
            identities.append((f"{_latin(name)} (iPhone)", ""))
        else:  # a nickname staff matched once: a learned alias
            people.append(ExpectedPerson(id=index, role="student", name=name, aliases=(f"nick{index}",)))
            identities.append((f"nick{index}", ""))
    segments = []
    per_participant = SEGMENTS // PARTICIPANTS
    extra = SEGMENTS - per_participant * PARTICIPANTS
    for index, (name, email) in enumerate(identities):
        for _ in range(per_participant + (1 if index < extra else 0)):
            join = rng.uniform(-5, LESSON_MINUTES - 10)
            leave = min(LESSON_MINUTES + 5, join + rng.uniform(1, 60))
            segments.append(
                Segment(
                    join=START + timedelta(minutes=join),
                    leave=START + timedelta(minutes=leave),
                    source="report",
                    user_id=str(16778240 + len(segments)),
                    name=name,
                    email=email,
                )
            )
    return people, segments


def _best_ms(function) -> float:
    best = float("inf")
    for _ in range(RUNS):
        name_skeleton.cache_clear()  # a worker meets a session's names for the first time
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def run() -> list[Row]:
    people, segments = build(random.Random(20240304))
    rules = AttendanceRules()
    end = START + timedelta(minutes=LESSON_MINUTES)
    live = [replace(s, source="live", leave=None) for s in segments]

    def full():
        return compute_attendance(
            segments=segments, people=people, scheduled_start=START, scheduled_end=end, rules=rules
        )

    result = full()
    matched = sum(1 for row in result.people if row.segment_count)
    label = f"{PARTICIPANTS} participants, {len(segments):,} segments, 3 h"
    return [
        Row(
            "attendance",
            f"full computation ({label}), best of {RUNS}",
            f"{_best_ms(full):.1f} ms",
            "< 100 ms",
        ),
        Row(
            "attendance",
            f"matching only, best of {RUNS}",
            f"{_best_ms(lambda: match_participants(segments, people)):.1f} ms",
            "< 50 ms",
        ),
        Row(
            "attendance",
            f"merge live + report ({len(live):,} + {len(segments):,} segments), best of {RUNS}",
            f"{_best_ms(lambda: merge_segments(reported=segments, live=live)):.1f} ms",
            "< 100 ms",
        ),
        Row(
            "attendance",
            "people matched / ambiguous / guests",
            f"{matched} / {len(result.ambiguous)} / {len(result.guests)}",
            f"{PARTICIPANTS} / 0 / 0",
        ),
    ]
