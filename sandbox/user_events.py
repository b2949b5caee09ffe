"""Control routes for what a Zoom admin or host does in Zoom's web portal, with the events Zoom
sends for it: users changed, deactivated, activated or deleted, and meetings a host makes in
Zoom itself. https://developers.zoom.us/docs/api/users/events/ and
https://developers.zoom.us/docs/api/meetings/events/

    PATCH  /_sandbox/users/{userId}            {"first_name", "last_name", "email", "type", "timezone", "status"}
    DELETE /_sandbox/users/{userId}
    POST   /_sandbox/users/{userId}/meetings   a meeting body as for POST /v2/users/{userId}/meetings
    GET    /_sandbox/webinars                  every webinar, with its panelists, registrants and questions
    POST   /_sandbox/webinars/{webinarId}/registrants   someone registers on Zoom's registration page
"""

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox import meetings, webinar_questions, webinars
from sandbox.models import User
from sandbox.router import Request, Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox

P = "/_sandbox"
CHANGEABLE = {"first_name": str, "last_name": str, "email": str, "type": int, "timezone": str, "status": str}
STATUSES = ("active", "inactive", "pending")


def routes(sb: "Sandbox") -> Router:
    router = Router()

    def add(method: str, path: str, handler: Callable[[Request], object], status: int = 200) -> None:
        def wrapped(request: Request) -> Response:
            try:
                result = handler(request)
            except json.JSONDecodeError:
                return Response.json({"error": "the body must be JSON"}, status=400)
            except (ValueError, TypeError, KeyError) as error:
                return Response.json({"error": str(error) or type(error).__name__}, status=400)
            return result if isinstance(result, Response) else Response.json(result, status=status)

        router.add(method, P + path, wrapped)

    add("PATCH", "/users/{userId}", lambda r: change_user(sb, r.params["userId"], r.json()))
    add("DELETE", "/users/{userId}", lambda r: delete_user(sb, r.params["userId"]))
    add("GET", "/webinars", lambda r: list_webinars(sb))
    add(
        "POST",
        "/webinars/{webinarId}/registrants",
        lambda r: register(sb, r.params["webinarId"], r.json()),
        201,
    )
    add(
        "POST",
        "/users/{userId}/meetings",
        lambda r: meeting_made_in_zoom(sb, r.params["userId"], r.json()),
        201,
    )
    return router


def _user(sb: "Sandbox", ref: str) -> User:
    user = sb.state.find_user(ref)
    if user is None:
        raise ValueError(f"no user {ref}")
    return user


def _admin(sb: "Sandbox", user: User) -> dict:
    """The operator Zoom names: the account's owner, acting in the web portal."""
    account = sb.state.accounts.get(user.account_id)
    owner = sb.state.find_user(account.owner_email) if account and account.owner_email else None
    return {"operator": owner.email if owner else user.email, "operator_id": owner.id if owner else user.id}


def user_event_object(user: User) -> dict:
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "type": user.type,
    }


def publish_user_event(sb: "Sandbox", user: User, event: str, obj: dict, **extra) -> list[str]:
    return sb.webhooks.publish(
        account_id=user.account_id,
        event=event,
        payload={**_admin(sb, user), "object": obj, **extra},
    )


def change_user(sb: "Sandbox", ref: str, data: dict) -> dict:
    """user.updated with only the changed fields (and old_object); a status change from or to
    "inactive" is user.deactivated / user.activated instead, as Zoom sends it."""
    if not isinstance(data, dict) or not data:
        raise ValueError("send the fields to change")
    for name, value in data.items():
        kind = CHANGEABLE.get(name)
        if kind is None:
            raise ValueError(f"{name} cannot be changed here")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{name} must be a {kind.__name__}")
    if "status" in data and data["status"] not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    with sb.state.lock:
        user = _user(sb, ref)
        before = {name: getattr(user, name) for name in data}
        for name, value in data.items():
            setattr(user, name, value)
    changed = {name: value for name, value in data.items() if before[name] != value}
    deliveries = []
    status = changed.pop("status", None)
    if changed:
        deliveries += publish_user_event(
            sb,
            user,
            "user.updated",
            {"id": user.id, **changed},
            old_object={"id": user.id, **{name: before[name] for name in changed}},
            time_stamp=int(sb.state.clock.time() * 1000),
        )
    if status == "inactive":
        deliveries += publish_user_event(sb, user, "user.deactivated", user_event_object(user))
    elif status == "active" and before.get("status") == "inactive":
        deliveries += publish_user_event(sb, user, "user.activated", user_event_object(user))
    return {"user": user.as_zoom(), "deliveries": deliveries}


def delete_user(sb: "Sandbox", ref: str) -> dict:
    with sb.state.lock:
        user = _user(sb, ref)
        del sb.state.users[user.id]
    return {"deliveries": publish_user_event(sb, user, "user.deleted", user_event_object(user))}


def meeting_made_in_zoom(sb: "Sandbox", ref: str, data: dict) -> dict | Response:
    """The host schedules a meeting in Zoom's app or web portal (not through the API)."""
    if not isinstance(data, dict):
        raise ValueError("the body must be a meeting object")
    user = _user(sb, ref)
    made = meetings.create_meeting(sb, user, data, operator={"operator": user.email, "operator_id": user.id})
    if isinstance(made, Response):
        return made
    return meetings.meeting_json(sb, made)


def list_webinars(sb: "Sandbox") -> list[dict]:
    with sb.state.lock:
        return [
            {
                **webinars.webinar_json(sb, w),
                "panelists": [dict(p) for p in w.panelists],
                "registrants": [dict(r) for r in w.registrants],
                "registration_questions": webinar_questions.questions_copy(w.questions),
            }
            for w in sb.state.webinars.values()
        ]


def register(sb: "Sandbox", webinar_id: str, data: dict) -> dict | Response:
    webinar = sb.state.webinars.get(int(webinar_id)) if webinar_id.isdigit() else None
    if webinar is None:
        raise ValueError(f"no webinar {webinar_id}")
    if not isinstance(data, dict):
        raise ValueError("the body must be an object")
    return webinars.register(sb, webinar, data)
