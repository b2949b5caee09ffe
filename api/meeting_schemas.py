"""The request and answer bodies of /api/v1/meetings (api/meetings.py): lessons and webinars as
the API takes and gives them; their names are the OpenAPI document's schema names."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from api.common import MAX_ID
from api.meeting_filters import DayOrInstant, StatusFilter
from api.parsing import InputSchema
from meetings.registration_questions import (
    MAX_CUSTOM_QUESTION_LENGTH,
    MAX_CUSTOM_QUESTIONS,
    STANDARD_QUESTIONS,
    questions_build,
)

# Dates outside this range are refused by the schema (Python's datetimes end in year 9999).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


class RecurrenceIn(InputSchema):
    weekdays: list[int] = Field(..., max_length=7, description="Python weekdays: Monday 0 … Sunday 6.")
    count: int | None = Field(None, ge=1, le=1000, description="Number of lessons (at most 60).")
    until: dt.date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY, description="Date of the last lesson.")

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(not 0 <= day <= 6 for day in value):
            raise ValueError(_("weekdays are 0 (Monday) to 6 (Sunday)"))
        return sorted(set(value))


class ZoomSettingsIn(InputSchema):
    """Zoom's own names; anything not sent takes the school's default (video on, the rest off)."""

    host_video: bool = True
    participant_video: bool = True
    waiting_room: bool = False
    join_before_host: bool = False
    mute_upon_entry: bool = False
    auto_recording: Literal["none", "local", "cloud"] = "none"
    alternative_hosts: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("alternative_hosts")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        emails = [email.strip() for email in value if email.strip()]
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                raise ValueError(_("“%(value)s” is not an email address") % {"value": email}) from None
        return list(dict.fromkeys(emails))


PersonRef = int | str
PERSON_HELP = "A person's id, or their email."


class StandardQuestionIn(InputSchema):
    field_name: Literal[tuple(STANDARD_QUESTIONS)] = Field(
        ..., description="One of Zoom's standard questions."
    )
    required: bool = False


class CustomQuestionIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=MAX_CUSTOM_QUESTION_LENGTH)
    type: Literal["short"] = Field("short", description="A short answer (the kind ZoomHub asks).")
    required: bool = False

    @field_validator("title")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("A question of your own has no text."))
        return value.strip()


class RegistrationQuestionsIn(InputSchema):
    """Webinars: what the registration page asks, in the shape of Zoom's
    PATCH /webinars/{webinarId}/registrants/questions (name and email are always asked)."""

    questions: list[StandardQuestionIn] = Field(default_factory=list, max_length=len(STANDARD_QUESTIONS))
    custom_questions: list[CustomQuestionIn] = Field(default_factory=list, max_length=MAX_CUSTOM_QUESTIONS)

    @field_validator("custom_questions")
    @classmethod
    def _distinct(cls, value: list[CustomQuestionIn]) -> list[CustomQuestionIn]:
        seen: set[str] = set()
        for question in value:
            if question.title.casefold() in seen:
                raise ValueError(
                    _("“%(title)s” is asked twice; Zoom tells answers apart by the question.")
                    % {"title": question.title}
                )
            seen.add(question.title.casefold())
        return value

    def as_stored(self) -> dict:
        """Meeting.registration_questions, as the lesson form would store the same questions."""
        return questions_build(
            asked=[q.field_name for q in self.questions],
            required=[q.field_name for q in self.questions if q.required],
            custom=[
                {"title": q.title, "type": q.type, "required": q.required} for q in self.custom_questions
            ],
        )

    def asks_anything(self) -> bool:
        return bool(self.questions or self.custom_questions)


class MeetingIn(InputSchema):
    topic: str = Field(..., max_length=200)
    date: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Local date (with time and timezone)."
    )
    time: dt.time | None = Field(None, description="Local wall-clock time, e.g. 15:00.")
    timezone: str | None = Field(
        None, max_length=64, description="IANA name; default the school's (Europe/Tallinn)."
    )
    start_time: dt.datetime | None = Field(
        None, description="Or the start as an instant with its offset, e.g. 2026-02-25T13:00:00Z."
    )
    duration: int = Field(..., ge=-(2**31), le=2**31, description="Minutes, 1 to 1440.")
    host: str | None = Field(
        None,
        max_length=254,
        description="The Zoom user hosting it: Zoom user ID or email; omitted or `me`: the account's default host.",
    )
    type: Literal[2, 8] | None = Field(
        None,
        description="Zoom's meeting type, accepted as Zoom's API takes it: 2 (scheduled) or 8 (with "
        "`recurrence`). ZoomHub decides it from `recurrence`.",
    )
    teacher: PersonRef | None = Field(None, description=PERSON_HELP)
    students: list[PersonRef] = Field(default_factory=list, max_length=500, description=PERSON_HELP)
    description: str = Field("", max_length=1500)
    recurrence: RecurrenceIn | None = None
    settings: ZoomSettingsIn | None = None
    kind: Literal["lesson", "webinar"] = Field(
        "lesson",
        description="A webinar goes to Zoom's webinar endpoints; its host needs the Webinars add-on.",
    )
    registration: Literal["off", "automatic", "manual"] = Field(
        "off", description="Webinars: no registration, registrants approved by Zoom at once, or by staff."
    )
    panelists: list[PersonRef] = Field(
        default_factory=list, max_length=100, description="Webinars: the teachers who speak. " + PERSON_HELP
    )
    registration_questions: RegistrationQuestionsIn | None = Field(
        None,
        description="Webinars with registration: what Zoom's registration page asks besides the name and email.",
    )


class MeetingPatch(InputSchema):
    """Only the fields sent change. Date, time and timezone default to the lesson's current local ones."""

    topic: str | None = Field(None, max_length=200)
    date: dt.date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY)
    time: dt.time | None = None
    timezone: str | None = Field(None, max_length=64)
    start_time: dt.datetime | None = None
    duration: int | None = Field(None, ge=-(2**31), le=2**31)
    host: str | None = Field(None, max_length=254)
    teacher: PersonRef | None = Field(None, description=PERSON_HELP + " null removes the teacher.")
    students: list[PersonRef] | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=1500)
    recurrence: RecurrenceIn | None = Field(None, description="null makes it a single lesson.")
    settings: ZoomSettingsIn | None = None
    registration: Literal["off", "automatic", "manual"] | None = None
    panelists: list[PersonRef] | None = Field(None, max_length=100)
    registration_questions: RegistrationQuestionsIn | None = Field(
        None, description="Replaces every question (send both lists; [] removes them)."
    )


class PersonOut(Schema):
    id: int
    name: str
    email: str
    role: str


class HostOut(Schema):
    zoom_user_id: str
    email: str
    credential_id: int


class RecurrenceOut(Schema):
    weekdays: list[int]
    count: int | None
    until: dt.date | None


class StandardQuestionOut(Schema):
    field_name: str
    required: bool


class CustomQuestionOut(Schema):
    title: str
    type: str
    required: bool


class RegistrationQuestionsOut(Schema):
    questions: list[StandardQuestionOut]
    custom_questions: list[CustomQuestionOut]


class MeetingOut(Schema):
    id: int
    kind: Literal["lesson", "webinar"]
    topic: str
    description: str
    start_time: str = Field(..., description="UTC.")
    local_start: str = Field(..., description="The start in the lesson's timezone, with its offset.")
    when: str = Field(
        ..., description="As people read it: “Wednesday, 25 February 2026, 15:00 (Tallinn time)”."
    )
    timezone: str
    duration: int
    host: HostOut
    teacher: PersonOut | None
    students: list[PersonOut]
    panelists: list[PersonOut] = Field(..., description="Webinars: the panelists; [] for a lesson.")
    registration: Literal["off", "automatic", "manual"]
    registration_questions: RegistrationQuestionsOut = Field(
        ..., description="Webinars: what the registration page asks (Zoom's shape); empty lists for a lesson."
    )
    made_in_zoom: bool
    recurrence: RecurrenceOut | None
    settings: ZoomSettingsIn
    status: Literal["scheduled", "started", "ended", "canceled"]
    push_state: Literal["pending", "syncing", "synced", "failed"]
    push_error: str
    zoom_meeting_id: int | None
    join_url: str | None = Field(..., description="null until Zoom has the meeting.")
    start_url: str | None = Field(
        ...,
        description="The host's start link (it starts the meeting as its host): for read-and-write "
        "tokens, and for signed-in staff in the answer to their own create or change; null otherwise, "
        "and until Zoom has the meeting.",
    )
    passcode: str
    password: str = Field(..., description="The passcode again, under Zoom's own name.")
    created_at: str
    updated_at: str


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: str | None


class MeetingFilters(InputSchema):
    status: StatusFilter = None
    from_: dt.date | None = Field(
        None,
        alias="from",
        ge=FIRST_DAY,
        le=LAST_DAY,
        description="Lessons starting on or after this day (school time).",
    )
    to: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Lessons starting on or before this day (school time)."
    )
    # The Cal-style integration's spellings (its GET /api/zoom/meetings), accepted here too.
    startDate: DayOrInstant = None
    endDate: DayOrInstant = None
    host: str | None = Field(None, max_length=254, description="Zoom user ID or email.")
    teacher: int | None = Field(None, ge=1, le=MAX_ID, description="A person's id.")
