"""The lesson list's rows, written in Python (rendering each row through the template cost ten times the CPU): the same markup as
the template had, every value escaped by format_html."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from meetings.models import Meeting
from meetings.templatetags.lessons import push_badge, recurrence_text, status_badge
from meetings.timezones import format_lesson_time
from zoomhub.humanize import duration_text

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


def lesson_rows(lessons: list[Meeting]) -> SafeString:
    """The <tr>s of the lesson list (students prefetched)."""
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
    made_in_zoom = format_html(' <span class="badge warn made-in-zoom">{}</span>', _("made in Zoom"))
    webinar = format_html(' <span class="badge warn webinar-badge">{}</span>', _("Webinar"))
    rows = []
    for lesson in lessons:
        repeats = recurrence_text(lesson)
        students = ", ".join(str(s) for s in lesson.students.all()) or "—"
        host = lesson.host
        rows.append(
            format_html(
                ROW,
                lesson.pk,
                when,
                format_lesson_time(lesson.start_at, lesson.timezone),
                duration_text(lesson.duration),
                f" · {repeats}" if repeats else "",
                name,
                f"{detail}{lesson.pk}/",
                lesson.topic,
                format_html(
                    "{}{}", webinar if lesson.is_webinar else "", made_in_zoom if lesson.made_in_zoom else ""
                ),
                teacher,
                lesson.teacher or "—",
                pupils,
                students,
                host_label,
                (host.email or host.zoom_id) if host else "",
                status,
                status_badge(lesson),
                lesson.get_status_display(),
                zoom,
                push_badge(lesson),
                lesson.get_push_state_display(),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308  (each row built by format_html above)
