"""Which scope each endpoint needs (granular scopes: plain for user OAuth, :admin for S2S).

https://developers.zoom.us/docs/integrations/oauth-scopes-granular/ — a token needs any one of
the alternatives; Zoom's error names them all. Apps made before granular scopes hold classic
scopes (`meeting:write:admin`, `recording:read`, ...), which Zoom still honours: CLASSIC lists the
ones that also open each endpoint (they are accepted, never named in an error).
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
    "DELETE /v2/meetings/{meetingId}/recordings": [
        "cloud_recording:delete:meeting_recording",
        "cloud_recording:delete:meeting_recording:admin",
        "recording:write",
        "recording:write:admin",
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
    "GET /v2/users/{userId}/settings": ["user:read:settings", "user:read:settings:admin"],
    "POST /v2/users/{userId}/webinars": ["webinar:write:webinar", "webinar:write:webinar:admin"],
    "GET /v2/users/{userId}/webinars": ["webinar:read:list_webinars", "webinar:read:list_webinars:admin"],
    "GET /v2/webinars/{webinarId}": ["webinar:read:webinar", "webinar:read:webinar:admin"],
    "PATCH /v2/webinars/{webinarId}": ["webinar:update:webinar", "webinar:update:webinar:admin"],
    "DELETE /v2/webinars/{webinarId}": ["webinar:delete:webinar", "webinar:delete:webinar:admin"],
    "GET /v2/webinars/{webinarId}/panelists": [
        "webinar:read:list_panelists",
        "webinar:read:list_panelists:admin",
    ],
    "POST /v2/webinars/{webinarId}/panelists": ["webinar:write:panelist", "webinar:write:panelist:admin"],
    "DELETE /v2/webinars/{webinarId}/panelists/{panelistId}": [
        "webinar:delete:panelist",
        "webinar:delete:panelist:admin",
    ],
    "GET /v2/webinars/{webinarId}/registrants": [
        "webinar:read:list_registrants",
        "webinar:read:list_registrants:admin",
    ],
    "POST /v2/webinars/{webinarId}/registrants": [
        "webinar:write:registrant",
        "webinar:write:registrant:admin",
    ],
    "PUT /v2/webinars/{webinarId}/registrants/status": [
        "webinar:update:registrant_status",
        "webinar:update:registrant_status:admin",
    ],
    "GET /v2/report/webinars/{meetingId}/participants": ["report:read:list_webinar_participants:admin"],
    "GET /v2/past_webinars/{meetingId}/participants": [
        "webinar:read:list_past_participants",
        "webinar:read:list_past_participants:admin",
    ],
    "GET /v2/past_webinars/{meetingId}/absentees": [
        "webinar:read:list_absentees",
        "webinar:read:list_absentees:admin",
    ],
}

CLASSIC: dict[str, list[str]] = {
    "GET /v2/users": ["user:read:admin", "user:write:admin"],
    "GET /v2/users/{userId}": ["user:read", "user:read:admin", "user:write", "user:write:admin"],
    "POST /v2/users/{userId}/meetings": ["meeting:write", "meeting:write:admin"],
    "GET /v2/users/{userId}/meetings": [
        "meeting:read",
        "meeting:read:admin",
        "meeting:write",
        "meeting:write:admin",
    ],
    "GET /v2/meetings/{meetingId}": [
        "meeting:read",
        "meeting:read:admin",
        "meeting:write",
        "meeting:write:admin",
    ],
    "PATCH /v2/meetings/{meetingId}": ["meeting:write", "meeting:write:admin"],
    "DELETE /v2/meetings/{meetingId}": ["meeting:write", "meeting:write:admin"],
    "GET /v2/users/{userId}/recordings": ["recording:read", "recording:read:admin", "recording:write:admin"],
    "GET /v2/meetings/{meetingId}/recordings": [
        "recording:read",
        "recording:read:admin",
        "recording:write:admin",
    ],
    "GET /v2/report/meetings/{meetingId}/participants": ["report:read:admin"],
    "GET /v2/past_meetings/{meetingId}/participants": [
        "meeting:read",
        "meeting:read:admin",
        "meeting:write:admin",
    ],
    "GET /v2/past_meetings/{meetingId}/instances": [
        "meeting:read",
        "meeting:read:admin",
        "meeting:write:admin",
    ],
    "GET /v2/users/{userId}/settings": ["user:read", "user:read:admin", "user:write", "user:write:admin"],
    "GET /v2/report/webinars/{meetingId}/participants": ["report:read:admin", "report_webinars:read:admin"],
}
# The classic webinar scopes (seed 003's app) open every webinar endpoint: read or write.
for _key in REQUIRED:
    if "/webinars" in _key and "/report/" not in _key:
        CLASSIC[_key] = ["webinar:write", "webinar:write:admin"] + (
            ["webinar:read", "webinar:read:admin"] if _key.startswith("GET ") else []
        )

ALL_SCOPES = sorted({scope for alternatives in REQUIRED.values() for scope in alternatives})
# What a new app is granted unless configured otherwise.
DEFAULT_S2S_SCOPES = sorted(s for s in ALL_SCOPES if s.endswith((":admin", ":master")))
DEFAULT_OAUTH_SCOPES = sorted(s for s in ALL_SCOPES if not s.endswith((":admin", ":master")))


def missing(pattern_key: str, granted: set[str]) -> list[str] | None:
    """The alternatives to name in the error when `granted` has none of them; None when allowed."""
    alternatives = REQUIRED.get(pattern_key)
    if (
        not alternatives
        or granted.intersection(alternatives)
        or granted.intersection(CLASSIC.get(pattern_key, ()))
    ):
        return None
    return alternatives
