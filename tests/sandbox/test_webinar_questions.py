"""The sandbox's webinar registration questions answer as Zoom does: GET and PATCH
/v2/webinars/{id}/registrants/questions, Zoom's 300 for a malformed question, and a registrant's
answers kept on them (a required one left out refused)."""

from tests.sandbox.conftest import ACCOUNT, Api

QUESTIONS = "/webinars/{id}/registrants/questions"


def a_webinar(zoom, api: Api) -> int:
    zoom.control.add_user(id="eventsUser01", account_id=ACCOUNT, email="events@school.example", webinar=True)
    body = {
        "topic": "Open day",
        "type": 5,
        "start_time": "2030-03-01T16:00:00Z",
        "duration": 60,
        "settings": {"approval_type": 1},
    }
    created = api("POST", "/users/eventsUser01/webinars", json=body)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_questions_are_replaced_by_patch_and_read_back(zoom, api):
    webinar_id = a_webinar(zoom, api)
    path = QUESTIONS.format(id=webinar_id)
    assert api.get(path).json() == {"questions": [], "custom_questions": []}
    custom = [
        {"title": "Which grade?", "type": "short", "required": True},
        {"title": "Campus", "type": "single_dropdown", "required": False, "answers": ["North", "South"]},
    ]
    patched = api(
        "PATCH",
        path,
        json={"questions": [{"field_name": "org", "required": True}], "custom_questions": custom},
    )
    assert patched.status_code == 204
    assert api.get(path).json() == {
        "questions": [{"field_name": "org", "required": True}],
        "custom_questions": custom,
    }
    # Only the list sent is replaced.
    assert api("PATCH", path, json={"questions": []}).status_code == 204
    assert api.get(path).json() == {"questions": [], "custom_questions": custom}


def test_a_malformed_question_is_zoom_s_300_and_changes_nothing(zoom, api):
    webinar_id = a_webinar(zoom, api)
    path = QUESTIONS.format(id=webinar_id)
    for body, field in [
        ({"questions": [{"field_name": "shoe_size", "required": True}]}, "questions.field_name"),
        ({"custom_questions": [{"title": " ", "type": "short"}]}, "custom_questions.title"),
        ({"custom_questions": [{"title": "Campus", "type": "single_radio"}]}, "custom_questions.answers"),
        ({"custom_questions": [{"title": "Campus", "type": "essay"}]}, "custom_questions.type"),
    ]:
        refused = api("PATCH", path, json=body)
        assert refused.status_code == 400 and refused.json()["code"] == 300
        assert refused.json()["errors"][0]["field"] == field
    assert api.get(path).json() == {"questions": [], "custom_questions": []}
    assert api("PATCH", QUESTIONS.format(id=999), json={}).status_code == 404


def test_registrants_answers_are_kept_and_required_ones_enforced(zoom, api):
    webinar_id = a_webinar(zoom, api)
    api(
        "PATCH",
        QUESTIONS.format(id=webinar_id),
        json={
            "questions": [
                {"field_name": "phone", "required": False},
                {"field_name": "org", "required": True},
            ],
            "custom_questions": [{"title": "Which grade?", "type": "short", "required": True}],
        },
    )
    registrants = f"/webinars/{webinar_id}/registrants"
    person = {"email": "parent@example.com", "first_name": "Liis", "org": "School 7"}
    missing = api("POST", registrants, json=person)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "custom_questions"
    answered = {**person, "city": "Tartu", "custom_questions": [{"title": "Which grade?", "value": "4"}]}
    assert api("POST", registrants, json=answered).status_code == 201
    row = api.get(registrants, params={"status": "pending"}).json()["registrants"][0]
    assert row["org"] == "School 7" and row["custom_questions"] == [{"title": "Which grade?", "value": "4"}]
    assert "city" not in row  # not asked, not kept
