"""Which scope each endpoint needs (granular scopes: plain for user OAuth, :admin for S2S).

https://developers.zoom.us/docs/integrations/oauth-scopes-granular/ — a token needs any one of
the alternatives; Zoom's error names them all.
"""

REQUIRED: dict[str, list[str]] = {
    "GET /v2/users": ["user:read:list_users:admin"],
    "GET /v2/users/{userId}": ["user:read:user", "user:read:user:admin"],
    "GET /v2/accounts": ["account:read:list_sub_accounts:master"],
    "GET /v2/accounts/{accountId}/users": ["user:read:list_users:master"],
    "POST /v2/users/{userId}/meetings": ["meeting:write:meeting", "meeting:write:meeting:admin"],
    "GET /v2/users/{userId}/meetings": ["meeting:read:list_meetings", "meeting:read:list_meetings:admin"],
    "GET /v2/meetings/{meetingId}": ["meeting:read:meeting", "meeting:read:meeting:admin"],
    "PATCH /v2/meetings/{meetingId}": ["meeting:update:meeting", "meeting:update:meeting:admin"],
    "DELETE /v2/meetings/{meetingId}": ["meeting:delete:meeting", "meeting:delete:meeting:admin"],
    "GET /v2/users/{userId}/recordings": [
        "cloud_recording:read:list_user_recordings",
        "cloud_recording:read:list_user_recordings:admin",
        "cloud_recording:read:list_user_recordings:master",
    ],
    "GET /v2/meetings/{meetingId}/recordings": [
        "cloud_recording:read:list_recording_files",
        "cloud_recording:read:list_recording_files:admin",
    ],
    "GET /v2/report/meetings/{meetingId}/participants": ["report:read:list_meeting_participants:admin"],
    "GET /v2/past_meetings/{meetingId}/participants": [
        "meeting:read:list_past_participants",
        "meeting:read:list_past_participants:admin",
    ],
    "GET /v2/past_meetings/{meetingId}/instances": [
        "meeting:read:list_past_instances",
        "meeting:read:list_past_instances:admin",
    ],
}

ALL_SCOPES = sorted({scope for alternatives in REQUIRED.values() for scope in alternatives})
# What a new app is granted unless configured otherwise.
DEFAULT_S2S_SCOPES = sorted(s for s in ALL_SCOPES if s.endswith((":admin", ":master")))
DEFAULT_OAUTH_SCOPES = sorted(s for s in ALL_SCOPES if not s.endswith((":admin", ":master")))


def missing(pattern_key: str, granted: set[str]) -> list[str] | None:
    """The alternatives to name in the error when `granted` has none of them; None when allowed."""
    alternatives = REQUIRED.get(pattern_key)
    if not alternatives or granted.intersection(alternatives):
        return None
    return alternatives
