# ruff: noqa: RUF001  (Cyrillic names)
"""Attendance: the computation for a big lesson, and the review page over 10,000 sessions.

The computation (300 participants, 3 hours, 2,000 segments) is pure Python, no database: the time
a worker spends turning a session's segments into its attendance. The review page runs on its own
PostgreSQL database (`<DATABASE_URL's name>_bench_attendance`, created and dropped here) with
10,000 sessions and 40,000 attendance rows: SQL queries per request and the best time. Names are Cyrillic on the lesson and partly Latin in Zoom, as at the school.
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


def _computation_rows() -> list[Row]:
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


# -- the attendance review page over many sessions (needs a database) ----------------------------

PAGE_SESSIONS = 10_000
PAGE_RUNS = 5


def _with_bench_database(work):
    """Run `work()` on a fresh database (`<DATABASE_URL's name>_bench_attendance`), then drop it."""
    from django.conf import settings
    from django.db import connection

    original = connection.settings_dict["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original}_bench_attendance"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return work()
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


def _seed_sessions(count: int):
    from accounts.models import Credential, User, ZoomUser
    from attendance.models import Attendance, Session
    from meetings.models import Meeting, Person

    credential = Credential.objects.create(
        kind="oauth", name="bench@school.example", access_token="bench-token-0001"
    )
    host = ZoomUser.objects.create(credential=credential, zoom_id="bench-host", email="bench@school.example")
    teachers = [Person.objects.create(name=f"Teacher {i}", role="teacher") for i in range(20)]
    students = [Person.objects.create(name=f"Student {i}") for i in range(300)]
    lessons = [
        Meeting.objects.create(
            host=host,
            topic=f"Group {i}",
            start_at=START,
            duration=60,
            teacher=teachers[i % 20],
            push_state="synced",
        )
        for i in range(100)
    ]
    statuses = ["completed"] * 7 + ["no_show", "teacher_absent", "never_took_place"]
    sessions = Session.objects.bulk_create(
        Session(
            meeting=lessons[i % 100],
            zoom_uuid=f"bench-{i}==",
            scheduled_start=START + timedelta(hours=i),
            scheduled_end=START + timedelta(hours=i, minutes=60),
            teacher=lessons[i % 100].teacher,
            computed_status=statuses[i % 10],
            status=statuses[i % 10],
            data_state="ready",
        )
        for i in range(count)
    )
    rows = []
    for i, session in enumerate(sessions):
        rows.append(
            Attendance(session=session, person=session.teacher, role="teacher", minutes=60, present=True)
        )
        for k in range(3):
            student = students[(i % 100) * 3 + k]
            rows.append(
                Attendance(session=session, person=student, role="student", minutes=40 + k, present=k < 2)
            )
    Attendance.objects.bulk_create(rows, batch_size=5000)
    staff = User.objects.create_user(username="bench-staff", password="bench-password-0001", is_staff=True)
    return staff, teachers[3], students[10]


def _page_rows() -> list[Row]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    staff, teacher, student = _seed_sessions(PAGE_SESSIONS)
    client = Client()
    client.force_login(staff)
    url = reverse("attendance:session_list")
    rows = []
    for label, query in [
        ("first page", {}),
        ("page 200", {"page": "200"}),
        ("filtered by teacher + status", {"teacher": str(teacher.pk), "status": "completed"}),
        ("filtered by student", {"student": str(student.pk)}),
    ]:
        best = float("inf")
        for _ in range(PAGE_RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, query)
                best = min(best, time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        rows.append(
            Row(
                "attendance",
                f"review page over {PAGE_SESSIONS:,} sessions, {label}: queries / best of {PAGE_RUNS}",
                f"{len(queries)} / {best * 1000:.1f} ms",
                "constant / < 150 ms",
            )
        )
    return rows


def _review_page_rows() -> list[Row]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return [Row("attendance", "review page", "skipped: needs PostgreSQL (DATABASE_URL)")]
    return _with_bench_database(_page_rows)


def run() -> list[Row]:
    return _computation_rows() + _review_page_rows()
