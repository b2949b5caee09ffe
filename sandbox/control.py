"""The control API under /_sandbox/: configure the world, script faults, play scenarios, read
what happened. JSON in, JSON out; bad input answers 400 {"error": ...} and changes nothing.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from sandbox import demo, scopes, seeding
from sandbox.clock import iso, parse_iso
from sandbox.models import Account, App, User
from sandbox.oauth import revoke_user_grants
from sandbox.router import Request, Response, Router
from sandbox.scenarios import ScenarioError, play_lesson, seed_history
from sandbox.user_events import publish_user_event, user_event_object
from zoomhub.zoom.limits import Plan

if TYPE_CHECKING:
    from sandbox.server import Sandbox

P = "/_sandbox"


class Invalid(ValueError):
    pass


def routes(sb: "Sandbox") -> Router:
    router = Router()

    def add(method: str, path: str, handler: Callable[[Request], object], status: int = 200) -> None:
        def wrapped(request: Request) -> Response:
            try:
                result = handler(request)
            except json.JSONDecodeError:
                return Response.json({"error": "the body must be JSON"}, status=400)
            except (Invalid, ScenarioError, ValueError, TypeError, KeyError, AttributeError) as error:
                return Response.json({"error": str(error) or type(error).__name__}, status=400)
            return result if isinstance(result, Response) else Response.json(result, status=status)

        router.add(method, P + path, wrapped)

    add("GET", "/", lambda r: {"endpoints": sorted({p for _, _, p, _ in router._routes})})
    add("GET", "/state", lambda r: summary(sb))
    add("POST", "/reset", lambda r: reset(sb, r))
    add("POST", "/seed/demo", lambda r: demo.seed_demo(sb, redirect_uris=_body(r).get("redirect_uris")))
    add("POST", "/seed/history", lambda r: history(sb, r), 201)
    add("POST", "/accounts", lambda r: add_account(sb, _body(r)), 201)
    add("POST", "/users", lambda r: add_user(sb, _body(r)), 201)
    add("POST", "/apps", lambda r: add_app(sb, _body(r)), 201)
    add("PATCH", "/apps/{clientId}", lambda r: update_app(sb, r.params["clientId"], _body(r)))
    add("GET", "/settings", lambda r: sb.state.settings.as_dict())
    add("PUT", "/settings", lambda r: settings(sb, _body(r)))
    add("GET", "/clock", lambda r: clock(sb))
    add("POST", "/clock", lambda r: set_clock(sb, _body(r)))
    add("GET", "/faults", lambda r: [f.as_dict() for f in sb.faults.rules])
    add("POST", "/faults", lambda r: sb.faults.add(_body(r)).as_dict(), 201)
    add("DELETE", "/faults", lambda r: clear_faults(sb))
    add("POST", "/faults/{faultId}/wait", lambda r: wait_hold(sb, r))
    add("POST", "/faults/{faultId}/release", lambda r: release_hold(sb, r))
    add("GET", "/latency", lambda r: sb.faults.latency())
    add("PUT", "/latency", lambda r: set_latency(sb, _body(r)))
    add("POST", "/scenarios/lesson", lambda r: lesson(sb, _body(r)), 201)
    add("GET", "/calls", lambda r: dict(sb.state.calls))
    add("DELETE", "/calls", lambda r: clear_calls(sb))
    add("GET", "/requests", lambda r: list(sb.state.request_log)[-int(r.query.get("limit", 100)) :])
    add("GET", "/webhooks/deliveries", lambda r: deliveries(sb, r))
    add("GET", "/webhooks/events", lambda r: list(sb.webhooks.events))
    add("POST", "/webhooks/send", lambda r: send_event(sb, _body(r)), 201)
    add("POST", "/webhooks/validate", lambda r: validate(sb, _body(r)))
    add("POST", "/deauthorize", lambda r: deauthorize(sb, _body(r)))
    add("POST", "/recordings/trash", lambda r: trash(sb, _body(r)))
    add("POST", "/recordings", lambda r: seeding.add_recordings(sb, _body(r)), 201)
    add("DELETE", "/recordings", lambda r: seeding.delete_recording(sb, _text(_body(r), "uuid")))
    add("POST", "/tokens", lambda r: seeding.grant_token(sb, _body(r)), 201)
    add("POST", "/past_meetings", lambda r: seeding.add_past_meeting(sb, _body(r)), 201)
    add("GET", "/meetings", lambda r: seeding.list_meetings(sb))
    add("DELETE", "/meetings/{meetingId}", lambda r: seeding.delete_meeting(sb, r.params["meetingId"]))
    return router


def _body(request: Request) -> dict:
    return request.json()


def _text(data: dict, name: str, *, required: bool = True, default: str = "") -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or (required and not value):
        raise Invalid(f"{name} is required (a string)")
    return value


def summary(sb: "Sandbox") -> dict:
    state = sb.state
    with state.lock:
        return {
            "base_url": sb.base_url,
            "clock": clock(sb),
            "accounts": [
                {"id": a.id, "name": a.name, "plan": a.plan, "master_id": a.master_id}
                for a in state.accounts.values()
            ],
            "users": len(state.users),
            "apps": [_app_public(a) for a in state.apps.values()],
            "meetings": len(state.meetings),
            "instances": len(state.instances),
            "recordings": len(state.recordings),
            "histories": [
                {
                    "account_id": h.account_id,
                    "users": len(h.user_ids),
                    "months": h.months,
                    "per_month": h.per_month,
                }
                for h in state.histories
            ],
            "settings": state.settings.as_dict(),
        }


def _app_public(app: App) -> dict:
    """An app without its secrets."""
    return {
        "client_id": app.client_id,
        "kind": app.kind,
        "name": app.name,
        "account_id": app.account_id,
        "scopes": sorted(app.scopes),
        "redirect_uris": app.redirect_uris,
        "webhook_urls": app.webhook_urls,
        "report_allowed": app.report_allowed,
    }


def reset(sb: "Sandbox", request: Request) -> dict:
    body = _body(request)
    sb.reset()
    if body.get("seed") == "demo":
        demo.seed_demo(sb, redirect_uris=body.get("redirect_uris"))
    return {"reset": True}


def add_account(sb: "Sandbox", data: dict) -> dict:
    account_id = _text(data, "id")
    plan = data.get("plan", "pro")
    if plan not in {p.value for p in Plan}:
        raise Invalid(f"plan must be one of {', '.join(p.value for p in Plan)}")
    master_id = data.get("master_id")
    with sb.state.lock:
        if master_id is not None and master_id not in sb.state.accounts:
            raise Invalid(f"no master account {master_id}")
        account = Account(
            account_id,
            _text(data, "name", required=False, default=account_id),
            plan,
            _text(data, "owner_email", required=False),
            master_id,
            bool(data.get("is_master", False)),
            sb.state.clock.now().replace(microsecond=0),
        )
        sb.state.accounts[account_id] = account
        if master_id:
            sb.state.accounts[master_id].is_master = True
    return {"id": account_id}


def add_user(sb: "Sandbox", data: dict) -> dict:
    account_id = _text(data, "account_id")
    email = _text(data, "email")
    if "@" not in email:
        raise Invalid("email must be an email address")
    user_type = data.get("type", 2)
    if user_type not in (1, 2, 3, 99):
        raise Invalid("type must be 1 (basic) or 2 (licensed)")
    with sb.state.lock:
        if account_id not in sb.state.accounts:
            raise Invalid(f"no account {account_id}")
        if sb.state.find_user(email):
            raise Invalid(f"a user with email {email} exists")
        user = User(
            id=_text(data, "id", required=False) or sb.state.new_user_id(),
            account_id=account_id,
            email=email,
            first_name=_text(data, "first_name", required=False),
            last_name=_text(data, "last_name", required=False),
            type=user_type,
            timezone=_text(data, "timezone", required=False, default="UTC"),
            status=_text(data, "status", required=False, default="active"),
            pmi=sb.state.rng.randrange(2_000_000_000, 9_999_999_999),
            created_at=sb.state.clock.now().replace(microsecond=0),
            webinar=bool(data.get("webinar", False)),
        )
        sb.state.users[user.id] = user
        account = sb.state.accounts[account_id]
        if not account.owner_email:
            account.owner_email = email
    # Zoom tells the account's apps (https://developers.zoom.us/docs/api/users/events/).
    publish_user_event(sb, user, "user.created", user_event_object(user))
    return user.as_zoom()


APP_FIELDS = {
    "name",
    "scopes",
    "redirect_uris",
    "webhook_secret",
    "webhook_urls",
    "report_allowed",
    "client_secret",
}


def _app_values(data: dict) -> dict:
    values = {}
    for name in APP_FIELDS & data.keys():
        value = data[name]
        if name in ("scopes", "redirect_uris", "webhook_urls"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise Invalid(f"{name} must be a list of strings")
            if name == "webhook_urls" and not all(v.startswith(("http://", "https://")) for v in value):
                raise Invalid("webhook_urls must be http(s) URLs")
            value = set(value) if name == "scopes" else list(value)
        elif name == "report_allowed":
            if not isinstance(value, bool):
                raise Invalid("report_allowed must be true or false")
        elif not isinstance(value, str):
            raise Invalid(f"{name} must be a string")
        values[name] = value
    return values


def add_app(sb: "Sandbox", data: dict) -> dict:
    kind = data.get("kind", "server_to_server")
    if kind not in ("server_to_server", "oauth"):
        raise Invalid("kind must be server_to_server or oauth")
    client_id = _text(data, "client_id")
    _text(data, "client_secret")
    values = _app_values(data)
    default_scopes = scopes.DEFAULT_S2S_SCOPES if kind == "server_to_server" else scopes.DEFAULT_OAUTH_SCOPES
    app = App(client_id=client_id, client_secret=data["client_secret"], kind=kind, scopes=set(default_scopes))
    if kind == "server_to_server":
        app.account_id = _text(data, "account_id")
        if app.account_id not in sb.state.accounts:
            raise Invalid(f"no account {app.account_id}")
    for name, value in values.items():
        setattr(app, name, value)
    with sb.state.lock:
        sb.state.apps[client_id] = app
    return _app_public(app)


def update_app(sb: "Sandbox", client_id: str, data: dict) -> dict:
    values = _app_values(data)
    with sb.state.lock:
        app = sb.state.apps.get(client_id)
        if app is None:
            return Response.json({"error": f"no app {client_id}"}, status=404)
        for name, value in values.items():
            setattr(app, name, value)
        return _app_public(app)


def settings(sb: "Sandbox", data: dict) -> dict:
    with sb.state.lock:
        trial = type(sb.state.settings)(**sb.state.settings.as_dict())
        trial.update(data)  # validate everything before changing anything
        sb.state.settings = trial
    return trial.as_dict()


def clock(sb: "Sandbox") -> dict:
    return {"now": iso(sb.state.clock.now()), "frozen": sb.state.clock.frozen}


def set_clock(sb: "Sandbox", data: dict) -> dict:
    at = parse_iso(data["now"]) if data.get("now") else None
    advance = data.get("advance_seconds", 0)
    if not isinstance(advance, int | float):
        raise Invalid("advance_seconds must be a number")
    c = sb.state.clock
    if data.get("freeze") is True:
        c.freeze(at)
    elif data.get("freeze") is False:
        c.unfreeze()
        if at:
            c.set(at)
    elif at:
        c.set(at)
    if advance:
        c.advance(advance)
    return clock(sb)


def clear_faults(sb: "Sandbox") -> dict:
    sb.faults.clear_rules()
    return {"faults": 0}


def _hold_fault(sb: "Sandbox", request: Request):
    raw = request.params["faultId"]
    if not raw.isdigit():
        raise Invalid("the fault id is a number")
    return sb.faults.hold(int(raw))


def _timeout(request: Request) -> float:
    timeout = _body(request).get("timeout", 10)
    if not isinstance(timeout, int | float) or not 0 <= timeout <= 120:
        raise Invalid("timeout must be between 0 and 120 seconds")
    return float(timeout)


def wait_hold(sb: "Sandbox", request: Request) -> dict:
    """Wait (at most `timeout` seconds) until a request is held by this fault."""
    fault = _hold_fault(sb, request)
    return {"held": fault.arrived.wait(_timeout(request))}


def release_hold(sb: "Sandbox", request: Request) -> dict:
    """Let the held request go on, and wait until the sandbox has handled it (and logged it)."""
    fault = _hold_fault(sb, request)
    fault.released.set()
    finished = fault.finished.wait(_timeout(request)) if fault.arrived.is_set() else False
    return {"released": True, "finished": finished}


def set_latency(sb: "Sandbox", data: dict) -> dict:
    sb.faults.set_latency(data)
    return sb.faults.latency()


def clear_calls(sb: "Sandbox") -> dict:
    with sb.state.lock:
        sb.state.calls.clear()
        sb.state.request_log.clear()
    return {"calls": 0}


def history(sb: "Sandbox", request: Request) -> dict:
    data = _body(request)
    end = date.fromisoformat(data["end"]) if data.get("end") else None
    seeded = seed_history(
        sb,
        account_id=_text(data, "account_id"),
        users=data.get("users", 1),
        months=data.get("months", 1),
        per_month=data.get("per_month", 1),
        end=end,
        seed=data.get("seed", 1),
        mp4_size=data.get("mp4_size", 50 * 1024 * 1024),
    )
    return {
        "user_ids": seeded.user_ids,
        "emails": seeded.user_emails,
        "recordings": len(seeded.user_ids) * seeded.months * seeded.per_month,
    }


def lesson(sb: "Sandbox", data: dict) -> dict:
    played = play_lesson(sb, data)
    if data.get("wait"):
        played.done.wait(timeout=float(data.get("timeout", 30)))
    last = played.steps[-1]
    return {
        "meeting_id": played.meeting.id,
        "uuid": played.instance.uuid,
        "start_time": iso(played.start),
        "events": len([s for s in played.steps if s.action != "recording"]) + (1 if played.recording else 0),
        "finished": played.done.is_set(),
        "simulated_minutes": last.minute,
    }


def deliveries(sb: "Sandbox", request: Request) -> list[dict]:
    wanted = int(request.query.get("wait_for", 0))
    if wanted:
        sb.webhooks.wait_for_attempts(wanted, timeout=min(float(request.query.get("timeout", 10)), 60))
    return list(sb.webhooks.attempts)


def send_event(sb: "Sandbox", data: dict) -> dict:
    event = _text(data, "event")
    account_id = _text(data, "account_id")
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise Invalid("payload must be an object")
    apps = None
    if data.get("client_id"):
        app = sb.state.apps.get(data["client_id"])
        if app is None:
            raise Invalid(f"no app {data['client_id']}")
        apps = [app]
    ids = sb.webhooks.publish(
        account_id=account_id, event=event, payload=payload, apps=apps, extra=data.get("extra")
    )
    return {"deliveries": ids}


def validate(sb: "Sandbox", data: dict) -> dict:
    app = sb.state.apps.get(_text(data, "client_id"))
    if app is None:
        raise Invalid("no such app")
    urls = [data["url"]] if data.get("url") else app.webhook_urls
    return {"results": {url: sb.webhooks.validate_endpoint(app, url) for url in urls}}


def deauthorize(sb: "Sandbox", data: dict) -> dict:
    """The user removed the app in Zoom: tokens die and app_deauthorized is sent."""
    app = sb.state.apps.get(_text(data, "client_id"))
    user = sb.state.find_user(_text(data, "user_id"))
    if app is None or user is None:
        raise Invalid("unknown client_id or user_id")
    revoked = revoke_user_grants(sb, client_id=app.client_id, user_id=user.id)
    now = sb.state.clock.now()
    ids = sb.webhooks.publish(
        account_id=user.account_id,
        event="app_deauthorized",
        payload={
            "user_id": user.id,
            "signature": sb.state.new_secret(24),
            "deauthorization_time": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "client_id": app.client_id,
        },
        apps=[app],
    )
    return {"revoked_tokens": revoked, "deliveries": ids}


def trash(sb: "Sandbox", data: dict) -> dict:
    uuid = _text(data, "uuid")
    with sb.state.lock:
        recording = sb.state.recordings.get(uuid)
        if recording is None:
            raise Invalid(f"no stored recording {uuid}")
        now = sb.state.clock.now().replace(microsecond=0)
        if data.get("file_id"):
            found = next((f for f in recording.files if f.id == data["file_id"]), None)
            if found is None:
                raise Invalid("no such file")
            found.deleted_time = now
            found.status = "deleted"
        else:
            recording.trashed_at = now
            for f in recording.files:
                f.deleted_time = now
    return {"trashed": True}
