"""/v2 webinars (a paid add-on per host): create, read, update, delete, list; panelists;
registrants and their approval; the host's settings that say whether they have the add-on; and
the webinar report. https://developers.zoom.us/docs/api/meetings/#tag/webinars

A host without the add-on gets Zoom's 400 code 200 "Webinar plan is missing…" on every webinar
endpoint. Each change sends the webinar.* event Zoom sends for it.
"""

import secrets
from typing import TYPE_CHECKING

from sandbox import api, errors, meetings, reports, webinar_questions
from sandbox.clock import iso
from sandbox.models import Meeting
from sandbox.router import Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox

PLAN_MISSING = (
    "Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this "
    "user in order to perform this action."
)
WEBINAR_TYPES = (5, 6, 9)
DEFAULT_SETTINGS = {
    "host_video": False,
    "panelists_video": True,
    "practice_session": False,
    "approval_type": 2,
    "registration_type": 1,
    "audio": "both",
    "auto_recording": "none",
    "alternative_hosts": "",
    "question_and_answer": {"enable": True},
}


def routes(sb: "Sandbox") -> Router:
    router = Router()
    api.add(router, sb, "GET", "/v2/users/{userId}/settings", lambda c: user_settings(sb, c))
    api.add(router, sb, "POST", "/v2/users/{userId}/webinars", lambda c: create(sb, c))
    api.add(router, sb, "GET", "/v2/users/{userId}/webinars", lambda c: list_webinars(sb, c))
    api.add(router, sb, "GET", "/v2/webinars/{webinarId}", lambda c: get(sb, c))
    api.add(router, sb, "PATCH", "/v2/webinars/{webinarId}", lambda c: update(sb, c))
    api.add(router, sb, "DELETE", "/v2/webinars/{webinarId}", lambda c: delete(sb, c))
    api.add(router, sb, "GET", "/v2/webinars/{webinarId}/panelists", lambda c: list_panelists(sb, c))
    api.add(router, sb, "POST", "/v2/webinars/{webinarId}/panelists", lambda c: add_panelists(sb, c))
    api.add(
        router,
        sb,
        "DELETE",
        "/v2/webinars/{webinarId}/panelists/{panelistId}",
        lambda c: remove_panelist(sb, c),
    )
    api.add(router, sb, "GET", "/v2/webinars/{webinarId}/registrants", lambda c: list_registrants(sb, c))
    api.add(router, sb, "POST", "/v2/webinars/{webinarId}/registrants", lambda c: add_registrant(sb, c))
    api.add(
        router, sb, "PUT", "/v2/webinars/{webinarId}/registrants/status", lambda c: registrants_status(sb, c)
    )
    api.add(
        router,
        sb,
        "GET",
        "/v2/report/webinars/{meetingId}/participants",
        lambda c: reports.report_participants(sb, c),
    )
    api.add(router, sb, "GET", "/v2/past_webinars/{meetingId}/absentees", lambda c: absentees(sb, c))
    api.add(
        router,
        sb,
        "GET",
        "/v2/past_webinars/{meetingId}/participants",
        lambda c: reports.past_participants(sb, c),
    )
    return router


def plan_missing() -> Response:
    return errors.zoom_error(400, 200, PLAN_MISSING)


def webinar_not_found(webinar_id) -> Response:
    return errors.zoom_error(404, 3001, f"Webinar does not exist: {webinar_id}.")


def user_settings(sb: "Sandbox", call: api.Call) -> Response:
    user = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(user, Response):
        return user
    return Response.json(
        {
            "feature": {"meeting_capacity": 300, "large_meeting": False, "webinar": user.webinar},
            "in_meeting": {"waiting_room": False},
            "recording": {"cloud_recording": user.type == 2},
        }
    )


def _event(sb: "Sandbox", call: api.Call | None, webinar: Meeting, event: str, obj: dict, **extra) -> None:
    operator = meetings._operator(sb, call) if call is not None else {}
    sb.webhooks.publish(
        account_id=webinar.account_id, event=event, payload={**operator, "object": obj, **extra}
    )


def _summary(webinar: Meeting) -> dict:
    return {
        "uuid": webinar.uuid,
        "id": webinar.id,
        "host_id": webinar.host_id,
        "topic": webinar.topic,
        "type": webinar.type,
        "start_time": iso(webinar.start_time) if webinar.start_time else "",
        "duration": webinar.duration,
        "timezone": webinar.timezone,
    }


def webinar_json(sb: "Sandbox", webinar: Meeting) -> dict:
    data = meetings.meeting_json(sb, webinar)
    for key in ("status", "pre_schedule", "assistant_id", "h323_password", "pstn_password"):
        data.pop(key, None)
    if webinar.settings.get("approval_type", 2) != 2:
        data["registration_url"] = f"{sb.base_url}/webinar/register/{webinar.id}"
    return data


def create(sb: "Sandbox", call: api.Call) -> Response:
    host = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(host, Response):
        return host
    if not host.webinar:
        return plan_missing()
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    state = sb.state
    webinar = meetings.blank_meeting(sb, host, topic="Zoom webinar", type=5, join_path="w", join_key="tk")
    invalid = _apply(sb, webinar, body, creating=True)
    if invalid:
        return invalid
    with state.lock:
        state.webinars[webinar.id] = webinar
    _event(sb, call, webinar, "webinar.created", _summary(webinar))
    return Response.json(webinar_json(sb, webinar), status=201)


def _apply(sb: "Sandbox", webinar: Meeting, body: dict, *, creating: bool) -> Response | None:
    """The meeting rules, with webinar types (5 one, 9 recurring with a fixed time, 6 without)."""
    kind = body.get("type", webinar.type)
    if kind not in WEBINAR_TYPES:
        return meetings.validation_failed("type")
    as_meeting = {**body, "type": {5: 2, 6: 3, 9: 8}[kind]}
    invalid = meetings._apply(sb, webinar, as_meeting, creating=creating)
    if invalid:
        return invalid
    webinar.type = kind
    return None


def find_webinar(sb: "Sandbox", call: api.Call) -> Meeting | Response:
    raw = call.request.params["webinarId"]
    if not raw.isdigit():
        return webinar_not_found(raw)
    with sb.state.lock:
        webinar = sb.state.webinars.get(int(raw))
        if webinar is None or not meetings._visible(sb, call, webinar):
            return webinar_not_found(raw)
        host = sb.state.users.get(webinar.host_id)
    if host is not None and not host.webinar:
        return plan_missing()
    return webinar


def get(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    return Response.json(webinar_json(sb, webinar))


def update(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    with sb.state.lock:
        before = webinar_json(sb, webinar)
        invalid = _apply(sb, webinar, body, creating=False)
        if invalid:
            return invalid
        after = webinar_json(sb, webinar)
    changed = {k: v for k, v in after.items() if before.get(k) != v and k != "start_url"}
    _event(
        sb,
        call,
        webinar,
        "webinar.updated",
        {"id": webinar.id, **changed},
        old_object={"id": webinar.id, **{k: before.get(k) for k in changed}},
        time_stamp=int(sb.state.clock.time() * 1000),
    )
    return Response.empty(204)


def delete(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    with sb.state.lock:
        del sb.state.webinars[webinar.id]
        sb.state.deleted_meetings.add(webinar.id)
    _event(sb, call, webinar, "webinar.deleted", _summary(webinar), operation="all")
    return Response.empty(204)


def list_webinars(sb: "Sandbox", call: api.Call) -> Response:
    host = api.resolve_user(sb, call, call.request.params["userId"])
    if isinstance(host, Response):
        return host
    if not host.webinar:
        return plan_missing()
    with sb.state.lock:
        items = [
            {**_summary(w), "agenda": w.agenda, "join_url": w.join_url, "created_at": iso(w.created_at)}
            for w in sorted(sb.state.webinars.values(), key=lambda w: w.id)
            if w.host_id == host.id
        ]
    return Response.json(
        {"page_size": 300, "total_records": len(items), "next_page_token": "", "webinars": items}
    )


# Panelists -----------------------------------------------------------------------------------


def list_panelists(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    return Response.json({"total_records": len(webinar.panelists), "panelists": list(webinar.panelists)})


def add_panelists(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    wanted = body.get("panelists") if isinstance(body, dict) else None
    if not isinstance(wanted, list) or not wanted or len(wanted) > 100:
        return meetings.validation_failed("panelists")
    with sb.state.lock:
        for panelist in wanted:
            if not isinstance(panelist, dict) or "@" not in str(panelist.get("email", "")):
                return meetings.validation_failed("panelists.email")
        known = {p["email"].lower() for p in webinar.panelists}
        for panelist in wanted:
            if panelist["email"].lower() in known:
                continue  # Zoom keeps one entry per email
            panelist_id = sb.state.new_user_id()
            webinar.panelists.append(
                {
                    "id": panelist_id,
                    "name": str(panelist.get("name") or panelist["email"])[:64],
                    "email": panelist["email"],
                    "join_url": f"{sb.base_url}/w/{webinar.id}?tk={secrets.token_urlsafe(16)}&uuid={panelist_id}",
                }
            )
    return Response.json({"id": str(webinar.id), "updated_at": iso(sb.state.clock.now())}, status=201)


def remove_panelist(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    panelist_id = call.request.params["panelistId"]
    with sb.state.lock:
        before = len(webinar.panelists)
        webinar.panelists = [p for p in webinar.panelists if p["id"] != panelist_id]
        if len(webinar.panelists) == before:
            return errors.zoom_error(404, 3001, f"Panelist does not exist: {panelist_id}.")
    return Response.empty(204)


# Registrants ---------------------------------------------------------------------------------


def _registration_on(webinar: Meeting) -> bool:
    return webinar.settings.get("approval_type", 2) in (0, 1)


def list_registrants(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    if not _registration_on(webinar):
        return errors.bad_request("Webinar registration has not been enabled.", code=200)
    status = call.request.query.get("status", "approved")
    with sb.state.lock:
        items = [dict(r) for r in webinar.registrants if r["status"] == status]
    return Response.json(
        {"page_size": 300, "total_records": len(items), "next_page_token": "", "registrants": items}
    )


def register(sb: "Sandbox", webinar: Meeting, data: dict, call: api.Call | None = None) -> dict | Response:
    """Someone registers (through the API, or on Zoom's registration page): approved at once when
    the webinar approves automatically, else pending. webinar.registration_created follows."""
    if not _registration_on(webinar):
        return errors.bad_request("Webinar registration has not been enabled.", code=200)
    email = str(data.get("email") or "")
    if "@" not in email or not data.get("first_name"):
        return meetings.validation_failed("email" if "@" not in email else "first_name")
    with sb.state.lock:
        existing = next((r for r in webinar.registrants if r["email"].lower() == email.lower()), None)
        if existing is not None:
            return errors.bad_request(f"Registrant already exists: {email}.", code=3027)
        answers = webinar_questions.answers_of(webinar, data)
        if isinstance(answers, Response):
            return answers
        approved = webinar.settings.get("approval_type") == 0
        registrant = {
            "id": sb.state.new_user_id(),
            "email": email,
            "first_name": str(data["first_name"])[:64],
            "last_name": str(data.get("last_name") or "")[:64],
            "status": "approved" if approved else "pending",
            "create_time": iso(sb.state.clock.now().replace(microsecond=0)),
            "join_url": _registrant_link(sb, webinar) if approved else "",
            **answers,
        }
        webinar.registrants.append(registrant)
    _event(
        sb,
        call,
        webinar,
        "webinar.registration_created",
        {**_summary(webinar), "registrant": dict(registrant)},
    )
    return registrant


def _registrant_link(sb: "Sandbox", webinar: Meeting) -> str:
    return f"{sb.base_url}/w/{webinar.id}?tk={secrets.token_urlsafe(16)}"


def add_registrant(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    registrant = register(sb, webinar, body if isinstance(body, dict) else {}, call)
    if isinstance(registrant, Response):
        return registrant
    return Response.json(
        {
            "id": webinar.id,
            "registrant_id": registrant["id"],
            "topic": webinar.topic,
            "start_time": iso(webinar.start_time) if webinar.start_time else "",
            "join_url": registrant["join_url"] or webinar.join_url,
        },
        status=201,
    )


ACTION_STATUS = {"approve": "approved", "deny": "denied", "cancel": "cancelled"}
ACTION_EVENT = {
    "approve": "webinar.registration_approved",
    "deny": "webinar.registration_denied",
    "cancel": "webinar.registration_cancelled",
}


def registrants_status(sb: "Sandbox", call: api.Call) -> Response:
    webinar = find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    action = body.get("action") if isinstance(body, dict) else None
    wanted = body.get("registrants") if isinstance(body, dict) else None
    if action not in ACTION_STATUS:
        return meetings.validation_failed("action")
    if not isinstance(wanted, list) or not wanted or len(wanted) > 30:
        return meetings.validation_failed("registrants")
    changed = []
    with sb.state.lock:
        by_id = {r["id"]: r for r in webinar.registrants}
        for item in wanted:
            registrant = by_id.get(item.get("id")) if isinstance(item, dict) else None
            if registrant is None:
                return errors.bad_request(f"Registrant does not exist: {item}.", code=3027)
        for item in wanted:
            registrant = by_id[item["id"]]
            registrant["status"] = ACTION_STATUS[action]
            if action == "approve" and not registrant["join_url"]:
                registrant["join_url"] = _registrant_link(sb, webinar)
            changed.append(dict(registrant))
    for registrant in changed:
        _event(sb, call, webinar, ACTION_EVENT[action], {**_summary(webinar), "registrant": registrant})
    return Response.empty(204)


def absentees(sb: "Sandbox", call: api.Call) -> Response:
    """Approved registrants who never joined the held instance (matched by registrant id or email)."""
    instance = reports.find_instance(sb, call)
    if instance is None or instance.end_time is None:
        return webinar_not_found(call.request.params["meetingId"])
    with sb.state.lock:
        webinar = sb.state.webinars.get(instance.meeting_id)
        came = {s.registrant_id for s in instance.segments} | {
            s.user_email.lower() for s in instance.segments
        }
        items = [
            dict(r)
            for r in (webinar.registrants if webinar else [])
            if r["status"] == "approved" and r["id"] not in came and r["email"].lower() not in came
        ]
    return Response.json(
        {"page_size": 300, "total_records": len(items), "next_page_token": "", "registrants": items}
    )


def registrant_for(webinar: Meeting, email: str) -> dict | None:
    return next((r for r in webinar.registrants if r["email"].lower() == email.lower()), None)
