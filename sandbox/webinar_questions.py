"""/v2/webinars/{id}/registrants/questions: what a webinar's registration page asks, and the
answers a registrant gives to it. https://developers.zoom.us/docs/api/meetings/#tag/webinars

Zoom's standard questions are named fields of the registrant (`org`, `phone`, …); the webinar's
own are `custom_questions` with a title, a type and, for the choice types, the answers offered.
A registrant's answers come back on the registrant: the standard fields by name and
`custom_questions: [{title, value}]`.
"""

from typing import TYPE_CHECKING

from sandbox import api, errors, meetings, webinars
from sandbox.models import Meeting
from sandbox.router import Response, Router

if TYPE_CHECKING:
    from sandbox.server import Sandbox

STANDARD_FIELDS = (
    "address",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "industry",
    "org",
    "job_title",
    "purchasing_time_frame",
    "role_in_purchase_process",
    "no_of_employees",
    "comments",
)
CUSTOM_TYPES = ("short", "single_radio", "single_dropdown", "multiple")
CHOICE_TYPES = ("single_radio", "single_dropdown", "multiple")


def routes(sb: "Sandbox") -> Router:
    router = Router()
    path = "/v2/webinars/{webinarId}/registrants/questions"
    api.add(router, sb, "GET", path, lambda c: get(sb, c))
    api.add(router, sb, "PATCH", path, lambda c: update(sb, c))
    return router


def empty() -> dict:
    return {"questions": [], "custom_questions": []}


def get(sb: "Sandbox", call: api.Call) -> Response:
    webinar = webinars.find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    with sb.state.lock:
        return Response.json(questions_copy(webinar.questions))


def questions_copy(questions: dict) -> dict:
    return {
        "questions": [dict(q) for q in questions.get("questions", [])],
        "custom_questions": [dict(q) for q in questions.get("custom_questions", [])],
    }


def update(sb: "Sandbox", call: api.Call) -> Response:
    """Each list given replaces the one kept (Zoom's PATCH); 204."""
    webinar = webinars.find_webinar(sb, call)
    if isinstance(webinar, Response):
        return webinar
    body = api.request_json(call)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return errors.bad_request("Request Body should be a valid JSON object.")
    invalid = _invalid(body)
    if invalid:
        return meetings.validation_failed(invalid)
    with sb.state.lock:
        for key in ("questions", "custom_questions"):
            if key in body:
                webinar.questions[key] = [dict(q) for q in body[key]]
    return Response.empty(204)


def _invalid(body: dict) -> str | None:
    """The first field Zoom would name in its 300 "Validation Failed", or None."""
    questions = body.get("questions", [])
    if not isinstance(questions, list):
        return "questions"
    for question in questions:
        if not isinstance(question, dict) or question.get("field_name") not in STANDARD_FIELDS:
            return "questions.field_name"
        if not isinstance(question.get("required", False), bool):
            return "questions.required"
    custom = body.get("custom_questions", [])
    if not isinstance(custom, list):
        return "custom_questions"
    for question in custom:
        if not isinstance(question, dict) or not str(question.get("title") or "").strip():
            return "custom_questions.title"
        if question.get("type") not in CUSTOM_TYPES:
            return "custom_questions.type"
        if not isinstance(question.get("required", False), bool):
            return "custom_questions.required"
        answers = question.get("answers")
        if question["type"] in CHOICE_TYPES and (not isinstance(answers, list) or not answers):
            return "custom_questions.answers"
    return None


def answers_of(webinar: Meeting, data: dict) -> dict | Response:
    """What a registrant answered, as Zoom keeps it on the registrant; a required question left
    unanswered is Zoom's 300 naming it."""
    kept: dict = {}
    for question in webinar.questions.get("questions", []):
        name = question["field_name"]
        value = str(data.get(name) or "").strip()
        if question.get("required") and not value:
            return meetings.validation_failed(name)
        if value:
            kept[name] = value[:500]
    given = {
        str(item.get("title")): str(item.get("value") or "").strip()
        for item in data.get("custom_questions") or []
        if isinstance(item, dict)
    }
    custom = []
    for question in webinar.questions.get("custom_questions", []):
        value = given.get(question["title"], "")
        if question.get("required") and not value:
            return meetings.validation_failed("custom_questions")
        if value:
            custom.append({"title": question["title"], "value": value[:500]})
    kept["custom_questions"] = custom
    return kept
