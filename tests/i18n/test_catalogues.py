"""The catalogues ship complete, and the check catches a string nobody translated."""

import shutil
import subprocess

import pytest

from tests.i18n.catalogue import LANGUAGES, catalogue, compiled, msgid_texts, msgstr_texts
from zoomhub import translations

PLURAL_FORMS = {"ru": 3, "et": 2}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_in_the_compiled_catalogue(language):
    source = catalogue(language)
    mo = compiled(language)
    messages = [message for message in source if message.id]
    assert len(messages) > 500
    assert source.num_plurals == PLURAL_FORMS[language]
    assert [m.id for m in messages if m.fuzzy] == []
    assert translations.catalogue_problems(translations.po_path(language)) == []
    for message in messages:
        singular = msgid_texts(message)[0]
        key = f"{message.context}\x04{singular}" if message.context else singular
        if message.pluralizable:
            forms = [mo._catalog[(key, index)] for index in range(PLURAL_FORMS[language])]
            assert all(forms) and list(forms) == list(msgstr_texts(message)), singular
        else:
            assert mo._catalog[key] == message.string != "", singular


def test_the_compiled_catalogues_are_not_committed_but_built():
    ignored = subprocess.run(
        ["git", "check-ignore", "locale/ru/LC_MESSAGES/django.mo"],
        cwd=translations.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.returncode == 0


def test_compiling_refuses_a_translation_whose_placeholders_do_not_match(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n\n'
        '#, python-format\nmsgid "Zoom refused: %(error)s"\nmsgstr "Zoom отказал: %(ошибка)s"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="Zoom refused"):
        translations.compile_catalogue(po)
    assert not po.with_suffix(".mo").exists()


@pytest.fixture
def project_copy(tmp_path):
    """A git checkout of the working tree, so the check can run on a changed copy."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is not installed (make test installs it)")
    copy = tmp_path / "project"
    files = translations._project_files(translations.BASE_DIR)
    for name in files:
        if name.suffix == ".mo" or name.parts[0] in {"tests", "benchmarks"}:
            continue
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(translations.BASE_DIR / name, target)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    return copy


def test_the_check_names_the_file_and_line_of_a_new_untranslated_string(project_copy):
    template = project_copy / "meetings" / "templates" / "meetings" / "lesson_detail.html"
    lines = template.read_text().splitlines()
    lines.insert(3, '<p>{% translate "Quartz zebras juggle xylophones" %}</p>')
    template.write_text("\n".join(lines) + "\n")
    view = project_copy / "meetings" / "views.py"
    view.write_text(view.read_text() + '\n\nNEW_LABEL = _("Another untranslated label")\n')
    view_line = len(view.read_text().splitlines())
    # Strings of the Zoom emulator are a developer's, never checked.
    sandbox = project_copy / "sandbox" / "demo.py"
    sandbox.write_text(sandbox.read_text() + '\n\n_("A sandbox-only sentence")\n')

    problems = translations.check(project_copy)

    found = {(problem.msgid, problem.po_file.split("/")[1]): problem for problem in problems}
    assert set(found) == {
        ("Quartz zebras juggle xylophones", "ru"),
        ("Quartz zebras juggle xylophones", "et"),
        ("Another untranslated label", "ru"),
        ("Another untranslated label", "et"),
    }
    first = found[("Quartz zebras juggle xylophones", "ru")]
    assert first.sources == ("meetings/templates/meetings/lesson_detail.html:4",)
    assert "not translated" in str(first)
    assert found[("Another untranslated label", "et")].sources == (f"meetings/views.py:{view_line}",)


def test_the_check_passes_on_the_project_as_committed(project_copy):
    assert translations.check(project_copy) == []
