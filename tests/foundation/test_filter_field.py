"""The list pages' filters: the markup the included template wrote, kept per process only while
everything it is written from stays the same."""

import pytest
from django.template import engines
from django.utils import translation

from accounts.models import Credential
from recordings.forms import RecordingFilterForm
from recordings.models import Source

pytestmark = pytest.mark.django_db

# What the included filter template wrote (with its comment line) before the filter replaced it.
INCLUDED = (
    '{# comment #}\n<p class="filter-field" id="filter-{{ field.name }}">{{ field.label_tag }} {{ field }}'
    '{% if field.help_text %}<small class="helptext" id="{{ field.auto_id }}_helptext">{{ field.help_text }}'
    "</small>{% endif %}</p>\n"
)


def _both(form) -> tuple[list[str], list[str]]:
    engine = engines["django"]
    included = engine.from_string(INCLUDED)
    filtered = engine.from_string("{% load filter_fields %}{{ field|filter_field }}")
    return (
        [included.render({"field": field}) for field in form],
        [filtered.render({"field": field}) for field in form],
    )


@pytest.fixture
def credential():
    return Credential.objects.create(
        kind=Credential.Kind.SERVER_TO_SERVER,
        name="School",
        account_id="acc",
        client_id="cid",
        client_secret="s",
    )


@pytest.mark.parametrize("language", ["en", "ru", "et"])
def test_the_filter_writes_what_the_template_wrote(language, credential):
    Source.objects.create(name="Tom & <Jerry>", credential=credential)
    with translation.override(language):
        for data in (
            {},
            {"q": 'a "b" <c>', "state": "trash"},
            {"date_from": "not a date", "meeting_id": "-1"},
        ):
            included, filtered = _both(RecordingFilterForm(data))
            assert filtered == included
            filtered_again = _both(RecordingFilterForm(data))[1]  # from the kept markup
            assert filtered_again == included


def test_kept_markup_follows_options_values_and_errors(credential):
    render = engines["django"].from_string("{% load filter_fields %}{{ form.source|filter_field }}")
    first = Source.objects.create(name="First", credential=credential)
    assert "First" in render.render({"form": RecordingFilterForm({})})
    Source.objects.create(name="Second", credential=credential)
    assert "Second" in render.render({"form": RecordingFilterForm({})})
    chosen = render.render({"form": RecordingFilterForm({"source": str(first.pk)})})
    assert f'<option value="{first.pk}" selected>' in chosen
    wrong = render.render({"form": RecordingFilterForm({"source": "999999"})})
    assert 'aria-invalid="true"' in wrong
    assert 'aria-invalid="true"' not in render.render({"form": RecordingFilterForm({})})
