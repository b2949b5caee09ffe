"""Words for the office, details for the curious: staff pages name things in plain words and keep
Zoom's codes, checksums and setting names inside a <details> toggle; every field of a form the
office fills in says what to put there."""

import re
from html import unescape

import pytest
from django import forms

from accounts.forms import CredentialForm
from accounts.preferences import PreferencesForm
from attendance.forms import MatchForm, OverrideForm, SessionFilterForm
from meetings.forms import LessonFilterForm, LessonForm
from meetings.people_forms import (
    PeopleImportForm,
    PersonFilterForm,
    PersonForm,
    PersonMergeForm,
    QuickPersonForm,
)
from notifications.forms import LessonRemindersForm
from recordings.forms import DestinationForm, RecordingFilterForm, SourceForm, SyncNowForm
from recordings.models import RecordingFile
from tests.browser.test_phone_layout import staff_pages
from tests.security.world import build_world, secret_settings

pytestmark = pytest.mark.django_db

SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
# What an engineer reads and an office should not have to: Zoom's event and view codes, a checksum,
# the server's setting names, the admin's jargon.
RAW = [
    "recording.completed",
    "shared_screen",
    "speaker_view",
    SHA256[:12],
    "sha256",
    "OAUTH_ZOOM",
    "MEDIA_ROOT",
    "variant A",
    "variant B",
    "dry_run",  # a deletion's policy: behind its toggle
    "Buenos_Aires",  # time zones read as people write them: "America/Buenos Aires"
]
DETAILS = re.compile(r"<details\b.*?</details>", re.S)
HIDDEN = re.compile(r"<(script|style|head|title)\b.*?</\1>|<[^>]+>", re.S)


def visible_text(html: str) -> str:
    """The page's text as read without opening any details toggle (tags and attributes dropped)."""
    return " ".join(unescape(HIDDEN.sub(" ", DETAILS.sub(" ", html))).split())


@pytest.fixture
def world(settings, staff_user, superuser, outsider):
    secret_settings(settings)
    world = build_world(staff=staff_user, superuser=superuser, outsider=outsider)
    RecordingFile.objects.filter(pk=world.file.pk).update(
        recording_type="shared_screen_with_speaker_view", sha256=SHA256
    )
    return world


def test_staff_pages_show_no_raw_codes_outside_a_details_toggle(client, staff_user, world):
    client.force_login(staff_user)
    pages = staff_pages(world)
    assert len(pages) > 20
    leaks = []
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        text = visible_text(response.content.decode())
        leaks += [f"{path}: {raw}" for raw in RAW if raw.lower() in text.lower()]
        if re.search(r"In Zoom:?\s+In Zoom(?!['\u2019])", text):
            leaks.append(f"{path}: 'In Zoom: In Zoom'")
    assert not leaks, "\n".join(leaks)


def test_the_recording_page_names_files_plainly_and_keeps_the_codes_in_details(client, staff_user, world):
    client.force_login(staff_user)
    html = client.get(f"/recordings/{world.recording.pk}/").content.decode()
    text = visible_text(html)

    assert "Video" in text and "Screen and speaker" in text
    toggles = " ".join(DETAILS.findall(html))
    assert "shared_screen_with_speaker_view" in toggles and SHA256 in toggles


FORMS = [
    CredentialForm,
    SourceForm,
    SyncNowForm,
    DestinationForm,
    LessonForm,
    PersonForm,
    QuickPersonForm,
    PeopleImportForm,
    OverrideForm,
    MatchForm,
    LessonRemindersForm,
    # The list pages' filters: each says what it narrows the list to.
    LessonFilterForm,
    PersonFilterForm,
    SessionFilterForm,
    RecordingFilterForm,
]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form_class: form_class.__name__)
def test_every_field_the_office_fills_in_says_what_to_put_there(form_class):
    form = form_class()
    missing = [
        name
        for name, field in form.fields.items()
        if not isinstance(field.widget, forms.HiddenInput) and not str(field.help_text or "").strip()
    ]
    assert not missing, f"{type(form).__name__} fields without help text: {missing}"


FILTER_PAGES = {
    "/lessons/": ("lesson-filters", LessonFilterForm, {"tab"}),  # the tabs above the form choose it
    "/people/": ("person-filters", PersonFilterForm, set()),
    "/attendance/": ("attendance-filters", SessionFilterForm, set()),
    "/recordings/": ("recording-filters", RecordingFilterForm, set()),
}


@pytest.mark.parametrize("path", FILTER_PAGES)
def test_list_filters_show_their_help_beside_each_field(client, staff_user, world, path):
    form_id, form_class, not_shown = FILTER_PAGES[path]
    client.force_login(staff_user)
    html = client.get(path).content.decode()
    filters = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    for name, field in form_class().fields.items():
        if name in not_shown:
            continue
        assert re.search(rf'<label for="id_{name}"', filters) or f'name="{name}"' in filters, name
        assert f'aria-describedby="id_{name}_helptext"' in filters, name
        helptext = re.search(rf'<small class="helptext" id="id_{name}_helptext">(.*?)</small>', filters, re.S)
        assert helptext and unescape(helptext.group(1)) == str(field.help_text), name


def test_the_merge_and_preferences_forms_explain_their_fields(world, staff_user):
    for form in (PersonMergeForm(person=world.student), PreferencesForm(instance=staff_user)):
        missing = [name for name, field in form.fields.items() if not str(field.help_text or "").strip()]
        assert not missing, f"{type(form).__name__}: {missing}"


def test_every_model_names_its_plural_itself():
    """Django's default plural adds an "s" ("Manual matchs"): each of our models says its own."""
    from django.apps import apps

    ours = {"accounts", "webhooks", "meetings", "recordings", "attendance", "api"}
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ours and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert not unnamed


def test_staff_forms_share_one_layout():
    """Label, input, help and errors in one .field block (templates/_field.html), never Django's
    own as_p/as_field_group markup or a layout of a page's own."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    templates = [
        path
        for folder in ("accounts", "meetings", "recordings", "attendance", "notifications", "api")
        for path in (root / folder / "templates").rglob("*.html")
    ]
    own_layouts = [
        str(path.relative_to(root))
        for path in templates
        if re.search(r"as_field_group|\.as_p\b|\.as_table\b|<p id=\"field-", path.read_text())
    ]
    assert templates and not own_layouts
