"""The admin's event log: filters, search, a masked body, never a secret, and "reprocess"."""

import pytest
from django.urls import reverse

from tests.webhooks import handlers as test_handlers
from tests.webhooks.conftest import SECRET, compact, use_handler, zoom_event
from webhooks.models import WebhookEvent
from webhooks.services import webhook_event_process, webhook_event_record

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:webhooks_webhookevent_changelist")


def store(name, credential=None, **object_changes):
    body = zoom_event(name)
    body["payload"]["object"].update(object_changes)
    receipt = webhook_event_record(
        credential_id=credential and credential.pk, raw_body=compact(body).decode(), body=body
    )
    return WebhookEvent.objects.get(pk=receipt.event_id)


def test_the_list_shows_state_type_attempts_and_error_with_a_fixed_number_of_queries(
    admin_client, credential, django_assert_max_num_queries
):
    store("meeting.started__scheduled", credential=credential)
    with django_assert_max_num_queries(12):
        first = admin_client.get(CHANGELIST)
    for n in range(20):
        store("meeting.participant_joined__docs_example", credential=credential, uuid=f"uuid-{n}")
    failed = store("meeting.ended__scheduled", credential=credential)
    WebhookEvent.objects.filter(pk=failed.pk).update(
        state=WebhookEvent.State.FAILED, attempts=3, last_error="ZoomServerError: Zoom answered 502"
    )
    with django_assert_max_num_queries(12):
        response = admin_client.get(CHANGELIST)

    assert first.status_code == response.status_code == 200
    page = response.content.decode()
    assert "meeting.participant_joined" in page
    assert "ZoomServerError: Zoom answered 502" in page
    assert "School account" in page
    assert SECRET not in page


def test_filters_by_state_type_and_credential(admin_client, credential):
    store("meeting.started__scheduled", credential=credential)
    store("meeting.participant_joined__docs_example")
    response = admin_client.get(
        CHANGELIST,
        {"state": "pending", "event_type": "meeting.started", "credential__id__exact": credential.pk},
    )
    assert list(response.context["cl"].result_list.values_list("event_type", flat=True)) == [
        "meeting.started"
    ]


@pytest.mark.parametrize("term", ["123 456 7890", "1234567890", "4444AAAiAAAAAiAiAiiAii=="])
def test_search_by_meeting_id_as_zoom_prints_it_or_by_uuid(admin_client, term):
    store("meeting.started__scheduled")
    store("meeting.started__scheduled", id="9876543210", uuid="SomeoneElsesUuid==")
    response = admin_client.get(CHANGELIST, {"q": term})
    assert [e.zoom_meeting_id for e in response.context["cl"].result_list] == ["1234567890"]


def test_the_event_page_shows_the_body_read_only_with_tokens_masked(admin_client, credential):
    event = store("recording.completed__two_files", credential=credential)
    response = admin_client.get(reverse("admin:webhooks_webhookevent_change", args=[event.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8" in page  # the body is there
    assert event.body["download_token"] not in page
    assert "132456" not in page  # the recording's passcode
    assert SECRET not in page
    assert 'name="_save"' not in page  # nothing to edit


def test_reprocess_puts_events_back_in_line_and_runs_them(
    admin_client, monkeypatch, counting_handlers, django_capture_on_commit_callbacks
):
    use_handler(monkeypatch, "meeting.started", test_handlers.fail)
    event = store("meeting.started__scheduled")
    webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    assert event.state == WebhookEvent.State.FAILED

    # The bug is fixed; the admin reprocesses the event.
    use_handler(monkeypatch, "meeting.started", test_handlers.record_call)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST, {"action": "reprocess", "_selected_action": [event.pk]}, follow=True
        )
    assert "1 event queued for processing." in response.content.decode()
    event.refresh_from_db()
    assert (event.state, event.attempts, event.last_error) == (WebhookEvent.State.PROCESSED, 1, "")
    assert len(counting_handlers) == 1


def test_staff_without_rights_on_the_log_cannot_see_it(client, staff_user):
    """Staff reach the admin, but the event log needs its permission (superusers have it)."""
    client.force_login(staff_user)
    assert client.get(CHANGELIST).status_code == 403
