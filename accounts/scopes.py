"""Which Zoom scopes ZoomHub needs, and whether a grant covers them.

Zoom's granular scopes: https://developers.zoom.us/docs/integrations/oauth-scopes-granular/ .
Server-to-Server apps take the `:admin` form, user OAuth apps the plain one; master accounts
list their sub-accounts' users' recordings with the `:master` form. Apps created before
granular scopes hold classic scopes (`meeting:write:admin`, `recording:read`, ...), which Zoom
still honours, so each classic scope counts as covering the granular ones it includes. A
credential is checked against this list so a missing scope is named up front, not discovered
when a lesson cannot be cancelled (Cal.com #14172).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NeededScope:
    granular: str  # the plain (user OAuth) form; S2S adds ":admin"
    purpose: str  # lazily translated
    classic: str  # the classic scope that covers it (plain form); its ":write" sibling does too
    oauth: bool = True  # False: no plain form exists, user OAuth apps cannot have it


NEEDED_SCOPES = [
    NeededScope("meeting:write:meeting", _("schedule lessons"), "meeting:write"),
    NeededScope("meeting:update:meeting", _("move lessons"), "meeting:write"),
    NeededScope("meeting:delete:meeting", _("cancel lessons"), "meeting:write"),
    NeededScope("meeting:read:meeting", _("read lessons"), "meeting:read"),
    NeededScope("cloud_recording:read:list_user_recordings", _("list recordings"), "recording:read"),
    NeededScope(
        "cloud_recording:read:list_recording_files", _("read a lesson's recordings"), "recording:read"
    ),
    NeededScope("meeting:read:list_past_participants", _("read attendance"), "meeting:read"),
    NeededScope(
        "report:read:list_meeting_participants", _("read attendance reports"), "report:read", oauth=False
    ),
    NeededScope("user:read:user", _("read Zoom users"), "user:read"),
    NeededScope("user:read:list_users", _("list the account's hosts"), "user:read", oauth=False),
]


def _writes(classic: str) -> str:
    return classic.replace(":read", ":write")


def required_scopes(*, kind: str, is_master_account: bool = False) -> dict[str, set[str]]:
    """Each scope the credential needs, mapped to the granted scopes that would cover it."""
    from accounts.models import Credential

    server_to_server = kind == Credential.Kind.SERVER_TO_SERVER
    needed = {}
    for scope in NEEDED_SCOPES:
        if not server_to_server and not scope.oauth:
            continue
        suffix = ":admin" if server_to_server else ""
        classic_suffix = suffix
        if (
            server_to_server
            and is_master_account
            and scope.granular == "cloud_recording:read:list_user_recordings"
        ):
            suffix = classic_suffix = ":master"
        name = scope.granular + suffix
        needed[name] = {
            name,
            scope.classic + classic_suffix,
            _writes(scope.classic) + classic_suffix,
        }
    return needed


def missing_scopes(*, granted: set[str], kind: str, is_master_account: bool = False) -> list[str]:
    """The needed scopes no granted scope covers, in the order of NEEDED_SCOPES."""
    return [
        name
        for name, covered_by in required_scopes(kind=kind, is_master_account=is_master_account).items()
        if not covered_by & granted
    ]


def scope_purposes() -> dict[str, str]:
    """What each needed scope (any form) is for, for messages."""
    purposes = {}
    for scope in NEEDED_SCOPES:
        for suffix in ("", ":admin", ":master"):
            purposes[scope.granular + suffix] = str(scope.purpose)
    return purposes
