"""Attendance settings that make no sense stop the app with a clear message."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTENDANCE_"))}


def _check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ATTENDANCE_MIN_PRESENT_SHARE": "1.5"}, "ATTENDANCE_MIN_PRESENT_SHARE must be a fraction above 0"),
        ({"ATTENDANCE_MIN_PRESENT_SHARE": "half"}, "ATTENDANCE_MIN_PRESENT_SHARE must be a number"),
        ({"ATTENDANCE_LATE_AFTER_MINUTES": "-1"}, "ATTENDANCE_*_MINUTES cannot be negative"),
        (
            {"ATTENDANCE_GROUP_COMPLETED_WHEN": "most"},
            "ATTENDANCE_GROUP_COMPLETED_WHEN must be 'any' or 'all'",
        ),
    ],
)
def test_bad_attendance_settings_fail_loudly(env, message):
    result = _check(**env)

    assert result.returncode != 0
    assert message in result.stderr


def test_good_attendance_settings_are_accepted():
    result = _check(ATTENDANCE_MIN_PRESENT_SHARE="0.5", ATTENDANCE_GROUP_COMPLETED_WHEN="all")

    assert result.returncode == 0, result.stderr
