"""The demo world `make run` starts with: a school's master account with a sub-account, its
Server-to-Server app, a user-OAuth app for "Connect with Zoom", a tutor outside the school, some
recording history and one held lesson. The secrets are sandbox values, public on purpose.
"""

import zlib
from datetime import timedelta
from typing import TYPE_CHECKING

from sandbox.models import Account, App, User
from sandbox.scenarios import play_lesson, seed_history
from sandbox.scopes import DEFAULT_OAUTH_SCOPES, DEFAULT_S2S_SCOPES

if TYPE_CHECKING:
    from sandbox.server import Sandbox

SCHOOL_ACCOUNT_ID = "sandboxSchoolAcct"
BRANCH_ACCOUNT_ID = "sandboxBranchAcct"
TUTOR_ACCOUNT_ID = "sandboxTutorAcct"
S2S_CLIENT_ID = "sandboxS2SClient"
S2S_CLIENT_SECRET = "sandbox-s2s-secret-not-a-real-one"
S2S_WEBHOOK_SECRET = "sandbox-s2s-webhook-secret"
OAUTH_CLIENT_ID = "sandboxOAuthClient"
OAUTH_CLIENT_SECRET = "sandbox-oauth-secret-not-a-real-one"
OAUTH_WEBHOOK_SECRET = "sandbox-oauth-webhook-secret"
OAUTH_REDIRECT_URIS = [
    "http://127.0.0.1:8000/zoom-accounts/oauth/callback/",
    "http://localhost:8000/zoom-accounts/oauth/callback/",
]


def seed_demo(sb: "Sandbox", *, redirect_uris: list[str] | None = None) -> dict:
    state = sb.state
    now = state.clock.now().replace(microsecond=0)
    with state.lock:
        accounts = [
            Account(SCHOOL_ACCOUNT_ID, "Sandbox School", "business", "owner@school.example", None, True, now),
            Account(
                BRANCH_ACCOUNT_ID,
                "Sandbox School Branch",
                "pro",
                "branch@school.example",
                SCHOOL_ACCOUNT_ID,
                False,
                now,
            ),
            Account(TUTOR_ACCOUNT_ID, "Independent tutor", "pro", "tutor@example.com", None, False, now),
        ]
        for account in accounts:
            state.accounts[account.id] = account
        people = [
            ("sbOwner0000000000000001", SCHOOL_ACCOUNT_ID, "owner@school.example", "Olga", "Owner"),
            ("sbTeacher00000000000001", SCHOOL_ACCOUNT_ID, "anna@school.example", "Anna", "Teacher"),
            ("sbTeacher00000000000002", SCHOOL_ACCOUNT_ID, "boris@school.example", "Boris", "Teacher"),
            ("sbBranch000000000000001", BRANCH_ACCOUNT_ID, "branch@school.example", "Bea", "Branch"),
            ("sbTutor0000000000000001", TUTOR_ACCOUNT_ID, "tutor@example.com", "Tom", "Tutor"),
        ]
        for user_id, account_id, email, first, last in people:
            state.users[user_id] = User(
                user_id,
                account_id,
                email,
                first,
                last,
                timezone="Europe/Tallinn",
                created_at=now,
                pmi=5_000_000_000 + zlib.crc32(user_id.encode()) % 1_000_000_000,
            )
        state.apps[S2S_CLIENT_ID] = App(
            S2S_CLIENT_ID,
            S2S_CLIENT_SECRET,
            "server_to_server",
            "ZoomHub (sandbox S2S)",
            SCHOOL_ACCOUNT_ID,
            set(DEFAULT_S2S_SCOPES),
            [],
            S2S_WEBHOOK_SECRET,
            [],
        )
        state.apps[OAUTH_CLIENT_ID] = App(
            OAUTH_CLIENT_ID,
            OAUTH_CLIENT_SECRET,
            "oauth",
            "ZoomHub (sandbox OAuth)",
            "",
            set(DEFAULT_OAUTH_SCOPES),
            list(redirect_uris or OAUTH_REDIRECT_URIS),
            OAUTH_WEBHOOK_SECRET,
            [],
        )
    seed_history(sb, account_id=SCHOOL_ACCOUNT_ID, users=3, months=3, per_month=4, mp4_size=8 * 1024 * 1024)
    play_lesson(
        sb,
        {
            "host": "anna@school.example",
            "topic": "English B1 with Anna",
            "start_time": (now - timedelta(days=1)).replace(hour=9, minute=0, second=0).isoformat(),
            "duration_minutes": 60,
            "participants": [
                {
                    "name": "Sam Student",
                    "email": "sam@student.example",
                    "guest": True,
                    "segments": [[2, 30], [33, 60]],
                },
                {"name": "iPhone", "guest": True, "segments": [[5, 50]]},
            ],
            "speed": 0,
        },
    )
    return {
        "server_to_server": {"account_id": SCHOOL_ACCOUNT_ID, "client_id": S2S_CLIENT_ID},
        "oauth": {"client_id": OAUTH_CLIENT_ID, "redirect_uris": redirect_uris or OAUTH_REDIRECT_URIS},
    }
