"""The lesson list's rows, written in Python (rendering each row through the template cost ten times the CPU): the same markup as
the template had, every value escaped as format_html escapes it (zoomhub.rowhtml.row_html)."""

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from meetings.models import Meeting
from meetings.templatetags.lessons import push_badge, recurrence_text, status_badge
from meetings.timezones import lesson_time_writer
from zoomhub.collation import by_name
from zoomhub.humanize import duration_text
from zoomhub.rowhtml import memo, row_html

ROW = (
    '<tr id="lesson-row-{}">'
    '<td data-label="{}">{}<br><span class="muted">{}{}</span></td>'
    '<td data-label="{}"><a href="{}">{}</a>{}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td>'
    '<td data-label="{}"><span class="badge {}">{}</span></td>'
    '<td data-label="{}"><span class="badge {}">{}</span></td>'
    "</tr>"
)


# What the rows read of a lesson, its host and its teacher, in ListedLesson's order.
LISTED_COLUMNS = (
    "pk",
    "topic",
    "start_at",
    "timezone",
    "duration",
    "recurrence_weekdays",
    "recurrence_count",
    "recurrence_until",
    "status",
    "push_state",
    "kind",
    "made_in_zoom",
    "teacher_id",
    "teacher__name",
    "host__email",
    "host__zoom_id",
)


class ListedLesson:
    """A lesson of the list as plain values (LISTED_COLUMNS), with the Meeting properties the rows
    and their badges use: a model instance per lesson, host and teacher cost more than the row."""

    __slots__ = tuple(column.replace("__", "_") for column in LISTED_COLUMNS)
    Kind = Meeting.Kind
    recurrence = Meeting.recurrence
    is_webinar = Meeting.is_webinar

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def student_names(lesson_ids: list[int]) -> dict[int, list[str]]:
    """Each lesson's students' names, sorted as the reader's language sorts names: one query of
    plain values (a prefetch built a Person per student and cost a sixth of the page)."""
    names: dict[int, list[str]] = {pk: [] for pk in lesson_ids}
    through = Meeting.students.through.objects.filter(meeting_id__in=lesson_ids)
    for lesson_id, name in through.order_by(by_name("person__name")).values_list(
        "meeting_id", "person__name"
    ):
        names[lesson_id].append(name)
    return names


def lesson_rows(lessons: list[ListedLesson], students: dict[int, list[str]]) -> SafeString:
    """The <tr>s of the lesson list; `students` as student_names gives them."""
    detail = reverse("meetings:lesson_detail", args=[0])[:-2]  # ".../0/" without "0/"
    # The cells' names, shown beside each value when a phone lays the table out as cards.
    when, name, teacher, pupils, host_label, status, zoom = (
        _("When"),
        _("Lesson"),
        _("Teacher"),
        _("Students"),
        _("Host"),
        _("Status"),
        _("Zoom"),
    )
    # Django's get_FOO_display() rebuilds a dict of every choice on each call: once per page here.
    statuses = {value: str(label) for value, label in Meeting.Status.choices}
    push_states = {value: str(label) for value, label in Meeting.PushState.choices}
    made_in_zoom = row_html(' <span class="badge warn made-in-zoom">{}</span>', _("made in Zoom"))
    webinar = row_html(' <span class="badge warn webinar-badge">{}</span>', _("Webinar"))
    badges = {
        (is_webinar, in_zoom): row_html(
            "{}{}", webinar if is_webinar else "", made_in_zoom if in_zoom else ""
        )
        for is_webinar in (False, True)
        for in_zoom in (False, True)
    }
    lesson_time = lesson_time_writer()
    length_text = memo(duration_text)
    rows = []
    for lesson in lessons:
        repeats = recurrence_text(lesson)
        names = ", ".join(students.get(lesson.pk, ())) or "—"
        rows.append(
            row_html(
                ROW,
                lesson.pk,
                when,
                lesson_time(lesson.start_at, lesson.timezone),
                length_text(lesson.duration),
                f" · {repeats}" if repeats else "",
                name,
                f"{detail}{lesson.pk}/",
                lesson.topic,
                badges[bool(lesson.is_webinar), bool(lesson.made_in_zoom)],
                teacher,
                lesson.teacher_name if lesson.teacher_id is not None else "—",
                pupils,
                names,
                host_label,
                lesson.host_email or lesson.host_zoom_id or "",
                status,
                status_badge(lesson),
                statuses.get(lesson.status, lesson.status),
                zoom,
                push_badge(lesson),
                push_states.get(lesson.push_state, lesson.push_state),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308  (each row built by row_html above)
