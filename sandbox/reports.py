"""Participants of held meetings: the report API, past_meetings participants and instances.

https://developers.zoom.us/docs/api/rest/reference/zoom-api/methods/#operation/reportMeetingParticipants
One row per join -> leave interval: a participant who drops and rejoins is a new row. The report
is not there at once after a meeting ends (configurable delay) and only on paid plans with the
report scope (configurable per app), so callers' fallbacks can be exercised.
"""

from typing import TYPE_CHECKING

from sandbox import api, errors
from sandbox.clock import iso
from sandbox.meetings import decode_meeting_id
from sandbox.models import Instance, Segment
from sandbox.router import Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox


def routes(sb: "Sandbox") -> Router:
    router = Router()
    api.add(
        router,
        sb,
        "GET",
        "/v2/report/meetings/{meetingId}/participants",
        lambda c: report_participants(sb, c),
    )
    api.add(
        router, sb, "GET", "/v2/past_meetings/{meetingId}/participants", lambda c: past_participants(sb, c)
    )
    api.add(router, sb, "GET", "/v2/past_meetings/{meetingId}/instances", lambda c: instances(sb, c))
    return router


def find_instance(sb: "Sandbox", call: api.Call) -> Instance | None:
    ref = decode_meeting_id(call.request.params["meetingId"])
    if ref is None:
        return None
    with sb.state.lock:
        if ref.isdigit():
            held = [i for i in sb.state.instances.values() if i.meeting_id == int(ref)]
            instance = max(held, key=lambda i: i.start_time) if held else None
        else:
            instance = sb.state.instances.get(ref)
    return instance if instance is not None and find_visible(sb, call, instance) else None


def _rows(sb: "Sandbox", call: api.Call, instance: Instance, row, seeded: list[dict] | None) -> Response:
    size = api.page_size(call.request, maximum=min(300, max(1, sb.state.settings.max_page_size)))
    if isinstance(size, Response):
        return size
    if instance.seeded:
        items = [dict(r) for r in seeded or []]
    else:
        items = [row(s) for s in sorted(instance.segments, key=lambda s: (s.join_time, s.participant_uuid))]
    paged = sb.state.page(
        f"participants:{instance.uuid}:{call.request.pattern}",
        items,
        page_size=size,
        token=call.request.query.get("next_page_token") or None,
    )
    if paged is None:
        return api.invalid_page_token()
    chunk, next_token = paged
    return Response.json(
        {
            "page_count": max(1, -(-len(items) // size)),
            "page_size": size,
            "total_records": len(items),
            "next_page_token": next_token,
            "participants": chunk,
        }
    )


def report_participants(sb: "Sandbox", call: api.Call) -> Response:
    if not call.app.report_allowed or call.account.plan == "free":
        return errors.zoom_error(400, 200, f"Only available for Paid or ZMP account: {call.account.id}.")
    instance = find_instance(sb, call)
    raw = call.request.params["meetingId"]
    if (
        instance is None
        or instance.end_time is None
        or sb.state.clock.time() < instance.report_ready_at
        or (instance.seeded and instance.report_rows is None)
    ):
        return errors.meeting_not_found(raw)

    def row(s: Segment) -> dict:
        return {
            "id": s.id,
            "user_id": s.user_id,
            "name": s.name,
            "user_email": s.user_email,
            "join_time": iso(s.join_time),
            "leave_time": iso(s.leave_time or instance.end_time),
            "duration": s.duration()
            if s.leave_time
            else int((instance.end_time - s.join_time).total_seconds()),
            "attentiveness_score": "",
            "failover": False,
            "status": s.status,
            "customer_key": "",
            "registrant_id": s.registrant_id,
            "participant_user_id": s.participant_user_id,
            "bo_mtg_id": "",
        }

    return _rows(sb, call, instance, row, instance.report_rows)


def past_participants(sb: "Sandbox", call: api.Call) -> Response:
    instance = find_instance(sb, call)
    if instance is None or instance.end_time is None:
        return errors.meeting_not_found(call.request.params["meetingId"])

    def row(s: Segment) -> dict:
        return {
            "id": s.id,
            "name": s.name,
            "user_id": s.user_id,
            "user_email": s.user_email,
            "join_time": iso(s.join_time),
            "leave_time": iso(s.leave_time or instance.end_time),
            "duration": s.duration()
            if s.leave_time
            else int((instance.end_time - s.join_time).total_seconds()),
            "registrant_id": s.registrant_id,
            "failover": False,
            "status": s.status,
            "internal_user": bool(s.id),
        }

    return _rows(sb, call, instance, row, instance.past_rows)


def instances(sb: "Sandbox", call: api.Call) -> Response:
    raw = call.request.params["meetingId"]
    if not raw.isdigit():
        return errors.meeting_not_found(raw)
    with sb.state.lock:
        held = sorted(
            (i for i in sb.state.instances.values() if i.meeting_id == int(raw) and i.end_time is not None),
            key=lambda i: i.start_time,
        )
    held = [i for i in held if find_visible(sb, call, i)]
    if not held and int(raw) not in sb.state.meetings:
        return errors.meeting_not_found(raw)
    return Response.json({"meetings": [{"uuid": i.uuid, "start_time": iso(i.start_time)} for i in held]})


def find_visible(sb: "Sandbox", call: api.Call, instance: Instance) -> bool:
    if call.token.user_id:
        return instance.host_id == call.token.user_id
    account = sb.state.accounts.get(instance.account_id)
    return instance.account_id == call.account.id or (
        account is not None and account.master_id == call.account.id
    )
