"""The API's webinars: `kind` on the lesson endpoints, panelists and registration, and the
registrants endpoints; all listed in the OpenAPI document. Zoom is the sandbox."""

import pytest

from meetings.models import Meeting, Person, WebinarRegistrant
from meetings.outbox import meeting_push
from tests.api.conftest import ApiClient, assert_error
from tests.webhooks.live_school import LiveSchool

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(zoom_sandbox, live_server, settings):
    settings.LESSON_API_PUSHES_AT_ONCE = True
    return LiveSchool(zoom_sandbox, live_server, settings)


def test_the_openapi_document_lists_the_webinar_endpoints(client, write_token):
    document = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {write_token}").json()
    paths = document["paths"]
    assert "get" in paths["/api/v1/meetings/{meeting_id}/registrants"]
    assert "post" in paths["/api/v1/meetings/{meeting_id}/registrants/refresh"]
    for action in ("approve", "deny", "cancel"):
        assert "post" in paths[f"/api/v1/meetings/registrants/{{registrant_id}}/{action}"]
    schemas = document["components"]["schemas"]
    assert schemas["MeetingIn"]["properties"]["kind"]["enum"] == ["lesson", "webinar"]
    assert {"kind", "panelists", "registration"} <= set(schemas["MeetingOut"]["properties"])


def test_a_webinar_booked_through_the_api_and_a_registrant_approved(school, client, write_token):
    api = ApiClient(client, write_token)
    Person.objects.create(name="Mari Tamm", email="mari@school.example", role=Person.Role.TEACHER)
    created = api.post(
        "/api/v1/meetings",
        {
            "topic": "Parents' evening",
            "start_time": "2030-05-06T15:00:00Z",
            "duration": 60,
            "host": "events@school.example",
            "kind": "webinar",
            "registration": "manual",
            "panelists": ["mari@school.example"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["registration"], [p["email"] for p in body["panelists"]]) == (
        "webinar",
        "manual",
        ["mari@school.example"],
    )
    assert body["join_url"] and body["push_state"] == "synced"
    webinar = Meeting.objects.get(pk=body["id"])
    school.control.register_for_webinar(webinar.zoom_meeting_id, email="mum@example.com", first_name="Kadri")

    listed = api.post(f"/api/v1/meetings/{webinar.pk}/registrants/refresh").json()["items"]
    assert [(r["email"], r["status"]) for r in listed] == [("mum@example.com", "pending")]
    approved = api.post(f"/api/v1/meetings/registrants/{listed[0]['id']}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["join_url"]
    assert WebinarRegistrant.objects.get().status == "approved"

    # The PATCH keeps what it does not name: still a webinar with its panelist.
    patched = api.patch(f"/api/v1/meetings/{webinar.pk}", {"topic": "Parents' evening (B)"}).json()
    assert (patched["kind"], len(patched["panelists"]), patched["registration"]) == ("webinar", 1, "manual")


def test_a_lesson_has_no_registrants_and_bad_actions_are_clear(school, client, write_token):
    api = ApiClient(client, write_token)
    lesson = api.post(
        "/api/v1/meetings",
        {
            "topic": "Lesson",
            "start_time": "2030-05-06T15:00:00Z",
            "duration": 60,
            "host": "anna@school.example",
        },
    ).json()
    assert lesson["kind"] == "lesson" and lesson["panelists"] == []
    assert api.get(f"/api/v1/meetings/{lesson['id']}/registrants").json() == {"items": []}
    assert_error(api.post(f"/api/v1/meetings/{lesson['id']}/registrants/refresh"), 409, "not_a_webinar")
    assert_error(api.post("/api/v1/meetings/registrants/999999/approve"), 404)
    assert_error(api.get("/api/v1/meetings/999999/registrants"), 404)


def _in_zoom(school, webinar_id: int) -> dict:
    zoom_id = Meeting.objects.get(pk=webinar_id).zoom_meeting_id
    return next(w for w in school.control.webinars() if w["id"] == zoom_id)


def test_registration_questions_are_set_read_and_replaced_through_the_api(school, client, write_token):
    api = ApiClient(client, write_token)
    asked = {
        "questions": [{"field_name": "org", "required": True}, {"field_name": "phone"}],
        "custom_questions": [{"title": "  Which grade is your child in? ", "required": True}],
    }
    created = api.post(
        "/api/v1/meetings",
        {
            "topic": "Open day",
            "start_time": "2030-05-06T15:00:00Z",
            "duration": 60,
            "host": "events@school.example",
            "kind": "webinar",
            "registration": "automatic",
            "registration_questions": asked,
        },
    )
    assert created.status_code == 201, created.content
    # Stored and shown in Zoom's shape, Zoom's order of the standard questions, the title trimmed.
    expected = {
        "questions": [{"field_name": "phone", "required": False}, {"field_name": "org", "required": True}],
        "custom_questions": [{"title": "Which grade is your child in?", "type": "short", "required": True}],
    }
    webinar_id = created.json()["id"]
    assert created.json()["registration_questions"] == expected
    assert api.get(f"/api/v1/meetings/{webinar_id}").json()["registration_questions"] == expected
    assert _in_zoom(school, webinar_id)["registration_questions"] == expected

    # A PATCH without them keeps them; with them, they are replaced (here: all taken off).
    kept = api.patch(f"/api/v1/meetings/{webinar_id}", {"topic": "Open day (B)"}).json()
    assert kept["registration_questions"] == expected
    cleared = api.patch(
        f"/api/v1/meetings/{webinar_id}",
        {"registration_questions": {"questions": [], "custom_questions": []}},
    )
    assert cleared.json()["registration_questions"] == {"questions": [], "custom_questions": []}
    assert meeting_push(meeting_id=webinar_id).outcome == "synced"  # the outbox's push, run here
    assert _in_zoom(school, webinar_id)["registration_questions"] == {"questions": [], "custom_questions": []}


@pytest.mark.parametrize(
    ("questions", "field"),
    [
        ({"questions": [{"field_name": "shoe_size"}]}, "registration_questions.questions.0.field_name"),
        ({"custom_questions": [{"title": "   "}]}, "registration_questions.custom_questions.0.title"),
        (
            {"custom_questions": [{"title": "Grade?"}, {"title": "grade?"}]},
            "registration_questions.custom_questions",
        ),
        (
            {"custom_questions": [{"title": "Grade?", "type": "single"}]},
            "registration_questions.custom_questions.0.type",
        ),
        (
            {"custom_questions": [{"title": f"Q{n}"} for n in range(11)]},
            "registration_questions.custom_questions",
        ),
    ],
)
def test_bad_registration_questions_are_refused_naming_the_field(client, write_token, questions, field):
    api = ApiClient(client, write_token)
    before = Meeting.objects.count()
    answer = api.post(
        "/api/v1/meetings",
        {
            "topic": "Open day",
            "start_time": "2030-05-06T15:00:00Z",
            "duration": 60,
            "host": "events@school.example",
            "kind": "webinar",
            "registration_questions": questions,
        },
    )
    assert_error(answer, 400, "validation_error")
    assert field in answer.json()["error"]["fields"], answer.json()
    assert not answer.json()["error"]["fields"][field].startswith("Value error")
    assert Meeting.objects.count() == before


def test_a_lesson_asks_no_registration_questions(school, client, write_token):
    api = ApiClient(client, write_token)
    answer = api.post(
        "/api/v1/meetings",
        {
            "topic": "Lesson",
            "start_time": "2030-05-06T15:00:00Z",
            "duration": 60,
            "host": "anna@school.example",
            "registration_questions": {"questions": [{"field_name": "phone"}]},
        },
    )
    assert_error(answer, 400, "validation_error")
    assert "webinar" in answer.json()["error"]["fields"]["registration_questions"]
    assert not Meeting.objects.exists()
