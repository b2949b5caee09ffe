"""A webinar's registration questions, and the answers registrants give (docs/webinars.md).

Meeting.registration_questions is kept in the shape Zoom's
PATCH /webinars/{id}/registrants/questions takes, so the push sends it as it is:

    {"questions": [{"field_name": "org", "required": true}, ...],
     "custom_questions": [{"title": "Which grade is your child in?", "type": "short", "required": false}]}

The lesson form offers a handful of Zoom's standard questions as boxes and the school's own
questions as lines of text (short answers; a line ending in "*" must be answered).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Every standard question Zoom has, with what ZoomHub calls it (a webinar made in Zoom may ask any).
STANDARD_QUESTIONS = {
    "address": gettext_lazy("Address"),
    "city": gettext_lazy("City"),
    "state": gettext_lazy("State or province"),
    "zip": gettext_lazy("Postcode"),
    "country": gettext_lazy("Country"),
    "phone": gettext_lazy("Phone"),
    "industry": gettext_lazy("Industry"),
    "org": gettext_lazy("Organisation or school"),
    "job_title": gettext_lazy("Job title"),
    "purchasing_time_frame": gettext_lazy("Purchasing time frame"),
    "role_in_purchase_process": gettext_lazy("Role in purchase process"),
    "no_of_employees": gettext_lazy("Number of employees"),
    "comments": gettext_lazy("Questions or comments"),
}
# The ones a school asks at open days and parents' evenings: the form offers these.
OFFERED_QUESTIONS = ("phone", "org", "job_title", "city", "country", "comments")
MAX_CUSTOM_QUESTIONS = 10
MAX_CUSTOM_QUESTION_LENGTH = 100
REQUIRED_MARK = "*"


def offered_choices() -> list[tuple[str, str]]:
    return [(name, STANDARD_QUESTIONS[name]) for name in OFFERED_QUESTIONS]


def custom_questions_parse(text: str) -> list[dict]:
    """The school's own questions, one a line ("…*" required); ValidationError naming the line."""
    questions: list[dict] = []
    lines = (text or "").splitlines()
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue  # blank lines between questions are only spacing
        required = line.endswith(REQUIRED_MARK)
        title = line.rstrip(REQUIRED_MARK).strip()
        if not title:
            raise ValidationError(
                _("Line %(line)s has no question, only “*”: write the question before it.") % {"line": number}
            )
        if len(title) > MAX_CUSTOM_QUESTION_LENGTH:
            raise ValidationError(
                ngettext(
                    "The question on line %(line)s is %(length)s character long; keep it to %(max)s.",
                    "The question on line %(line)s is %(length)s characters long; keep it to %(max)s.",
                    len(title),
                )
                % {"line": number, "length": len(title), "max": MAX_CUSTOM_QUESTION_LENGTH}
            )
        if any(q["title"].casefold() == title.casefold() for q in questions):
            raise ValidationError(
                _("“%(title)s” is asked twice (line %(line)s); Zoom tells answers apart by the question.")
                % {"title": title, "line": number}
            )
        questions.append({"title": title, "type": "short", "required": required})
    if len(questions) > MAX_CUSTOM_QUESTIONS:
        raise ValidationError(
            ngettext(
                "%(count)s question of your own; Zoom's registration page stays short with at most %(max)s.",
                "%(count)s questions of your own; Zoom's registration page stays short with at most %(max)s.",
                len(questions),
            )
            % {"count": len(questions), "max": MAX_CUSTOM_QUESTIONS}
        )
    return questions


def questions_build(*, asked, required, custom: list[dict]) -> dict:
    """The stored (and sent) questions from the form (`custom` parsed by custom_questions_parse):
    a required question is asked too."""
    required = [name for name in required or () if name in STANDARD_QUESTIONS]
    asked = [name for name in STANDARD_QUESTIONS if name in set(asked or ()) | set(required)]
    return {
        "questions": [{"field_name": name, "required": name in required} for name in asked],
        "custom_questions": list(custom),
    }


def questions_for_form(questions: dict | None) -> dict:
    """The form's initial values from the stored questions."""
    questions = questions or {}
    standard = [q for q in questions.get("questions") or [] if q.get("field_name") in STANDARD_QUESTIONS]
    return {
        "registration_questions_asked": [q["field_name"] for q in standard],
        "registration_questions_required": [q["field_name"] for q in standard if q.get("required")],
        "registration_custom_questions": "\n".join(
            q["title"] + (REQUIRED_MARK if q.get("required") else "")
            for q in questions.get("custom_questions") or []
            if q.get("title")
        ),
    }


def zoom_questions_body(questions: dict | None) -> dict:
    """What PATCH /webinars/{id}/registrants/questions gets: both lists, empty ones included, so
    a question taken off in ZoomHub goes from Zoom's page too."""
    questions = questions or {}
    return {
        "questions": list(questions.get("questions") or []),
        "custom_questions": list(questions.get("custom_questions") or []),
    }


def answers_from(registrant: dict) -> list[dict]:
    """A registrant's answers as Zoom reports them (standard fields by name, and
    `custom_questions: [{title, value}]`), kept as [{"field_name"|"title", "value"}]."""
    answers: list[dict] = []
    for name in STANDARD_QUESTIONS:
        value = registrant.get(name)
        if isinstance(value, str | int) and str(value).strip():
            answers.append({"field_name": name, "value": str(value).strip()[:1000]})
    for item in registrant.get("custom_questions") or []:
        if (
            isinstance(item, dict)
            and str(item.get("title") or "").strip()
            and str(item.get("value") or "").strip()
        ):
            answers.append({"title": str(item["title"])[:200], "value": str(item["value"]).strip()[:1000]})
    return answers


def answer_rows(answers: list[dict] | None) -> list[tuple[str, str]]:
    """(question, answer) for the webinar page."""
    rows = []
    for answer in answers or []:
        label = STANDARD_QUESTIONS.get(answer.get("field_name") or "") or answer.get("title") or ""
        if label and answer.get("value"):
            rows.append((str(label), answer["value"]))
    return rows


def questions_summary(questions: dict | None) -> list[str]:
    """What the registration page asks, for the webinar page: "Phone", "Which grade…? (required)"."""
    questions = questions or {}
    items = [
        (str(STANDARD_QUESTIONS[q["field_name"]]), q.get("required"))
        for q in questions.get("questions") or []
        if q.get("field_name") in STANDARD_QUESTIONS
    ]
    items += [
        (q["title"], q.get("required")) for q in questions.get("custom_questions") or [] if q.get("title")
    ]
    return [
        _("%(question)s (required)") % {"question": text} if required else text for text, required in items
    ]
