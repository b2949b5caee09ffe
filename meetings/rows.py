"""The lesson list's rows, written in Python (see recordings.rows for why): the same markup as
the template had, every value escaped by format_html."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from meetings.models import Meeting
from meetings.templatetags.lessons import push_badge, recurrence_text, status_badge
from meetings.timezones import format_lesson_time
from zoomhub.humanize import duration_text

ROW = (
    '<tr id="lesson-row-{}">'
    '<td>{}<br><span class="muted">{}{}</span></td>'
    '<td><a href="{}">{}</a></td>'
    "<td>{}</td>"
    "<td>{}</td>"
    "<td>{}</td>"
    '<td><span class="badge {}">{}</span></td>'
    '<td><span class="badge {}">{}</span></td>'
    "</tr>"
)


def lesson_rows(lessons: list[Meeting]) -> SafeString:
    """The <tr>s of the lesson list (students prefetched)."""
    detail = reverse("meetings:lesson_detail", args=[0])[:-2]  # ".../0/" without "0/"
    rows = []
    for lesson in lessons:
        repeats = recurrence_text(lesson)
        students = ", ".join(str(s) for s in lesson.students.all()) or "—"
        host = lesson.host
        rows.append(
            format_html(
                ROW,
                lesson.pk,
                format_lesson_time(lesson.start_at, lesson.timezone),
                duration_text(lesson.duration),
                f" · {repeats}" if repeats else "",
                f"{detail}{lesson.pk}/",
                lesson.topic,
                lesson.teacher or "—",
                students,
                (host.email or host.zoom_id) if host else "",
                status_badge(lesson),
                lesson.get_status_display(),
                push_badge(lesson),
                lesson.get_push_state_display(),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308  (each row built by format_html above)
