"""Which Zoom scopes ZoomHub needs, by capability, and whether a grant covers them.

Zoom's granular scopes: https://developers.zoom.us/docs/integrations/oauth-scopes-granular/ .
Server-to-Server apps are usually granted the `:admin` form, user OAuth apps the plain one, master
accounts the `:master` form for their sub-accounts; setup guides (and Zoom's own app pages) also
show S2S apps with the plain names (`meeting:write:meeting`), and apps made before granular
scopes hold classic scopes (`meeting:write:admin`, `recording:read`, ...) that Zoom still honours.
So a need is covered by any form of its granular scope or of its classic scope: Zoom, not
ZoomHub, is the final judge, and a capability it refuses shows up as a 4711 answer at call time.

ZoomHub checks by capability (users, lessons, attendance, recordings, deleting recordings, webinars) and
requires only the capabilities an account is used for, so an account that only records is not
told to add meeting scopes (Cal.com #14172 is what happens when a missing scope is found only
when a lesson cannot be cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

GRANULAR_SUFFIXES = ("", ":admin", ":master")


@dataclass(frozen=True)
class Need:
    """One thing a capability does; covered by any form of one of its granular or classic scopes."""

    granular: tuple[str, ...]  # plain granular names; the first is the one to suggest
    classic: tuple[str, ...]  # plain classic names ("meeting:write"); ":admin" forms count too
    purpose: str  # lazily translated
    oauth_form: bool = True  # False: the first granular scope has no plain (user OAuth) form
    server_to_server_only: bool = False  # a user OAuth token sees only its own user

    def covered_by(self, granted: set[str]) -> bool:
        forms = {g + suffix for g in self.granular for suffix in GRANULAR_SUFFIXES}
        forms |= {c + suffix for c in self.classic for suffix in ("", ":admin", ":master")}
        return bool(forms & granted)

    def scope_to_add(self, *, server_to_server: bool, master: bool = False) -> str:
        granular = self.granular
        if not server_to_server and not self.oauth_form and len(granular) > 1:
            granular = granular[1:]
        if not server_to_server:
            return granular[0]
        if master and granular[0].startswith("cloud_recording:read:list_user_recordings"):
            return granular[0] + ":master"
        return granular[0] + ":admin"


@dataclass(frozen=True)
class Capability:
    key: str
    label: str
    needs: tuple[Need, ...]


USERS = "users"
LESSONS = "lessons"
ATTENDANCE = "attendance"
RECORDINGS = "recordings"
DELETING_RECORDINGS = "deleting_recordings"
WEBINARS = "webinars"

CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        USERS,
        _("users (hosts)"),
        (
            Need(("user:read:user",), ("user:read", "user:write"), _("read Zoom users")),
            Need(
                ("user:read:list_users",),
                ("user:read", "user:write"),
                _("list the account's hosts"),
                server_to_server_only=True,
            ),
        ),
    ),
    Capability(
        LESSONS,
        _("lessons"),
        (
            Need(("meeting:write:meeting",), ("meeting:write",), _("schedule lessons")),
            Need(("meeting:update:meeting",), ("meeting:write",), _("move lessons")),
            Need(("meeting:delete:meeting",), ("meeting:write",), _("cancel lessons")),
            Need(("meeting:read:meeting",), ("meeting:read", "meeting:write"), _("read lessons")),
        ),
    ),
    Capability(
        ATTENDANCE,
        _("attendance"),
        (
            # Either list will do: the report where the plan has it, past-meeting participants else.
            Need(
                ("report:read:list_meeting_participants", "meeting:read:list_past_participants"),
                ("report:read", "meeting:read", "meeting:write"),
                _("read attendance"),
                oauth_form=False,
            ),
            Need(
                ("meeting:read:list_past_instances",),
                ("meeting:read", "meeting:write"),
                _("find held lessons"),
            ),
        ),
    ),
    Capability(
        RECORDINGS,
        _("recordings"),
        (
            Need(
                ("cloud_recording:read:list_user_recordings",),
                ("recording:read", "recording:write"),
                _("list recordings"),
            ),
            Need(
                # The recordings service's guide grants `cloud_recording:read:recording` for this.
                ("cloud_recording:read:list_recording_files", "cloud_recording:read:recording"),
                ("recording:read", "recording:write"),
                _("read a lesson's recordings"),
            ),
        ),
    ),
    Capability(
        DELETING_RECORDINGS,
        _("deleting recordings"),
        (
            Need(
                # Zoom's docs name the first; integrators also report `cloud_recording:delete:recording`.
                (
                    "cloud_recording:delete:meeting_recording",
                    "cloud_recording:delete:recording_file",
                    "cloud_recording:delete:recording",
                ),
                ("recording:write",),
                _("free Zoom's cloud (trash verified recordings)"),
            ),
        ),
    ),
)
CAPABILITIES += (
    Capability(
        WEBINARS,
        _("webinars"),
        (
            # Seed 003's app holds the classic webinar:read/write:admin and report_webinars:read:admin.
            Need(("webinar:write:webinar",), ("webinar:write",), _("schedule webinars")),
            Need(("webinar:update:webinar",), ("webinar:write",), _("move webinars")),
            Need(("webinar:delete:webinar",), ("webinar:write",), _("cancel webinars")),
            Need(("webinar:read:webinar",), ("webinar:read", "webinar:write"), _("read webinars")),
            Need(
                ("webinar:update:registrant_status",),
                ("webinar:write",),
                _("approve and deny registrants"),
            ),
            Need(
                ("report:read:list_webinar_participants", "webinar:read:list_past_participants"),
                ("report:read", "report_webinars:read", "webinar:read", "webinar:write"),
                _("read webinar attendance"),
                oauth_form=False,
            ),
        ),
    ),
)
CAPABILITY_KEYS = tuple(capability.key for capability in CAPABILITIES)


def _needs_for(kind: str):
    from accounts.models import Credential

    server_to_server = kind == Credential.Kind.SERVER_TO_SERVER
    for capability in CAPABILITIES:
        for need in capability.needs:
            if not server_to_server and need.server_to_server_only:
                continue
            yield capability, need


def missing_by_capability(
    *,
    granted: set[str],
    kind: str,
    is_master_account: bool = False,
    capabilities: tuple[str, ...] | list[str] | None = None,
) -> dict[str, list[str]]:
    """{capability: [scope to add, ...]} for each required capability a need of which is uncovered.

    `capabilities`: the capabilities the account is used for (None: all of them).
    """
    from accounts.models import Credential

    server_to_server = kind == Credential.Kind.SERVER_TO_SERVER
    missing: dict[str, list[str]] = {}
    for capability, need in _needs_for(kind):
        if capabilities is not None and capability.key not in capabilities:
            continue
        if not need.covered_by(granted):
            scope = need.scope_to_add(server_to_server=server_to_server, master=is_master_account)
            missing.setdefault(capability.key, []).append(scope)
    return missing


def missing_scopes(
    *,
    granted: set[str],
    kind: str,
    is_master_account: bool = False,
    capabilities: tuple[str, ...] | list[str] | None = None,
) -> list[str]:
    """The scopes to add, in the order of CAPABILITIES, each once."""
    found = missing_by_capability(
        granted=granted, kind=kind, is_master_account=is_master_account, capabilities=capabilities
    )
    return list(dict.fromkeys(scope for scopes in found.values() for scope in scopes))


def capability_labels() -> dict[str, str]:
    return {capability.key: str(capability.label) for capability in CAPABILITIES}


def scope_purposes() -> dict[str, str]:
    """What each needed scope (any form) is for, for messages."""
    purposes = {}
    for capability in CAPABILITIES:
        for need in capability.needs:
            for granular in need.granular:
                for suffix in GRANULAR_SUFFIXES:
                    purposes[granular + suffix] = str(need.purpose)
    return purposes
