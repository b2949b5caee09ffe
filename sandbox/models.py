"""The sandbox's records: accounts, users, apps, tokens, meetings, held instances, recordings."""

import zlib
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.clock import iso


@dataclass
class Account:
    id: str
    name: str
    plan: str = "pro"  # zoomhub.zoom.limits.Plan value
    owner_email: str = ""
    master_id: str | None = None  # set on a sub-account
    is_master: bool = False
    created_at: datetime | None = None

    def as_zoom(self) -> dict:
        return {
            "id": self.id,
            "account_name": self.name,
            "owner_email": self.owner_email,
            "account_type": self.plan.capitalize(),
            "seats": 10,
            "subscription_start_time": iso(self.created_at) if self.created_at else "",
            "subscription_end_time": "",
            "created_at": iso(self.created_at) if self.created_at else "",
            "account_number": zlib.crc32(self.id.encode()) % 10**9,
        }


@dataclass
class User:
    id: str
    account_id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    type: int = 2  # 1 basic, 2 licensed
    timezone: str = "UTC"
    status: str = "active"
    pmi: int = 0
    dept: str = ""
    created_at: datetime | None = None
    webinar: bool = False  # the paid webinar add-on (settings feature.webinar)

    def as_zoom(self) -> dict:
        created = iso(self.created_at) if self.created_at else ""
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": f"{self.first_name} {self.last_name}".strip(),
            "email": self.email,
            "type": self.type,
            "pmi": self.pmi,
            "timezone": self.timezone,
            "verified": 1,
            "dept": self.dept,
            "created_at": created,
            "user_created_at": created,
            "last_login_time": created,
            "last_client_version": "5.17.11.34827(mac)",
            "language": "en-US",
            "phone_number": "",
            "status": self.status,
            "role_id": "0" if self.type == 2 else "2",
            "employee_unique_id": "",
            "group_ids": [],
            "plan_united_type": "1",
            "account_id": self.account_id,
        }


@dataclass
class App:
    client_id: str
    client_secret: str
    kind: str  # "server_to_server" or "oauth"
    name: str = "Sandbox app"
    account_id: str = ""  # a Server-to-Server app's own account
    scopes: set[str] = field(default_factory=set)
    redirect_uris: list[str] = field(default_factory=list)
    webhook_secret: str = ""
    webhook_urls: list[str] = field(default_factory=list)
    # False: the report API answers "only available for paid accounts" to this app's tokens.
    report_allowed: bool = True


@dataclass
class AccessToken:
    token: str
    client_id: str
    account_id: str
    user_id: str | None  # the authorizing user for a user-OAuth token
    scopes: set[str]
    expires_at: float
    revoked: bool = False
    grant_id: str = ""  # shared by the access and refresh tokens of one authorization


@dataclass
class RefreshToken:
    token: str
    client_id: str
    account_id: str
    user_id: str
    scopes: set[str]
    grant_id: str
    used: bool = False
    revoked: bool = False


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    code_challenge: str
    code_challenge_method: str
    expires_at: float
    used: bool = False


@dataclass
class Meeting:
    id: int
    uuid: str
    host_id: str
    account_id: str
    topic: str
    type: int
    start_time: datetime | None
    duration: int
    timezone: str
    agenda: str
    password: str
    settings: dict
    recurrence: dict | None
    occurrences: list[dict]
    created_at: datetime
    join_url: str
    start_url: str
    status: str = "waiting"
    # Webinars only (types 5 and 9): [{"id", "name", "email", "join_url"}] and
    # [{"id", "email", "first_name", "last_name", "status", "join_url", "create_time"}].
    panelists: list[dict] = field(default_factory=list)
    registrants: list[dict] = field(default_factory=list)
    # What the registration page asks: {"questions": [...], "custom_questions": [...]} (webinar_questions.py).
    questions: dict = field(default_factory=lambda: {"questions": [], "custom_questions": []})


@dataclass
class Segment:
    """One join -> leave interval of one participant (a row of the participants report)."""

    participant_uuid: str
    id: str  # the Zoom user id; "" for guests (hidden by Zoom since 2023)
    user_id: str  # a per-join numeric id
    name: str
    user_email: str
    join_time: datetime
    leave_time: datetime | None
    registrant_id: str = ""
    participant_user_id: str = ""
    status: str = "in_meeting"
    leave_reason: str = ""

    def duration(self) -> int:
        if self.leave_time is None:
            return 0
        return int((self.leave_time - self.join_time).total_seconds())


@dataclass
class RecordingFile:
    id: str
    meeting_uuid: str
    meeting_id: int
    recording_type: str
    file_type: str
    file_extension: str
    recording_start: datetime
    recording_end: datetime
    file_size: int
    seed: int  # the bytes are generated from it (see storage.py)
    status: str = "completed"
    deleted_time: datetime | None = None


@dataclass
class Recording:
    uuid: str
    meeting_id: int
    account_id: str
    host_id: str
    host_email: str
    topic: str
    type: int
    start_time: datetime
    duration: int
    password: str
    files: list[RecordingFile]
    trashed_at: datetime | None = None


@dataclass
class Instance:
    """A held instance of a meeting (its own UUID), with who came and when."""

    uuid: str
    meeting_id: int
    host_id: str
    account_id: str
    topic: str
    type: int
    start_time: datetime
    end_time: datetime | None
    segments: list[Segment] = field(default_factory=list)
    report_ready_at: float = 0.0  # clock time from which the report API has the rows
    # Rows seeded verbatim through the control API (None: computed from `segments`). A seeded
    # instance without report rows has no report, as Zoom makes none for some meetings.
    report_rows: list[dict] | None = None
    past_rows: list[dict] | None = None
    seeded: bool = False
