"""Empty lists say what to do next, with the button that does it; a filtered empty list offers to
clear the filters instead."""

import pytest
from django.urls import reverse

from accounts.models import Credential
from recordings.models import Source

pytestmark = pytest.mark.django_db


def _empty_state(client, url: str, element_id: str) -> str:
    page = client.get(url).content.decode()
    assert f'id="{element_id}"' in page, url
    return page.split(f'id="{element_id}"')[1].split("</div>")[0]


@pytest.fixture
def credential(db):
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER, name="School", account_id="acc-12345", client_id="cli-12345"
    )


def test_recordings_without_a_source_say_to_add_one(staff_client):
    box = _empty_state(staff_client, reverse("recordings:recording_list"), "recordings-empty")
    assert "Add a source to sync recordings from Zoom" in box
    assert f'href="{reverse("recordings:source_create")}"' in box and 'class="button"' in box


def test_recordings_with_a_source_say_to_sync_it(staff_client, credential):
    Source.objects.create(name="School recordings", credential=credential)
    box = _empty_state(staff_client, reverse("recordings:recording_list"), "recordings-empty")
    assert "Sync a source now" in box and f'href="{reverse("recordings:source_list")}"' in box


def test_filtered_empty_lists_offer_to_clear_the_filters(staff_client, credential):
    Source.objects.create(name="School recordings", credential=credential)
    for url, element_id in [
        (reverse("recordings:recording_list") + "?q=nothing-like-this", "recordings-empty"),
        (reverse("attendance:session_list") + "?status=no_show", "attendance-empty"),
        (reverse("meetings:lesson_list") + "?tab=past&date=2026-12-02", "lessons-empty"),
    ]:
        box = _empty_state(staff_client, url, element_id)
        assert "match these filters" in box and "Clear the filters" in box, url


def test_lessons_first_ask_for_a_zoom_account_then_for_a_lesson(staff_client, credential):
    Credential.objects.all().delete()
    box = _empty_state(staff_client, reverse("meetings:lesson_list"), "lessons-empty")
    assert "connect the school's Zoom account first" in box
    assert f'href="{reverse("accounts:credential_list")}"' in box

    Credential.objects.create(kind=Credential.Kind.SERVER_TO_SERVER, name="School", account_id="a1")
    box = _empty_state(staff_client, reverse("meetings:lesson_list"), "lessons-empty")
    assert 'id="empty-new-lesson"' in box and f'href="{reverse("meetings:lesson_create")}"' in box

    past = _empty_state(staff_client, reverse("meetings:lesson_list") + "?tab=past", "lessons-empty")
    assert "once it is over" in past


def test_attendance_explains_where_it_comes_from(staff_client):
    box = _empty_state(staff_client, reverse("attendance:session_list"), "attendance-empty")
    assert "Zoom reports who joined" in box
    assert f'href="{reverse("meetings:lesson_create")}"' in box


def test_people_say_to_add_or_import(staff_client):
    box = _empty_state(staff_client, reverse("people:person_list"), "people-empty")
    assert f'href="{reverse("people:person_create")}"' in box
    assert f'href="{reverse("people:person_import")}"' in box
