"""Staff pages (outgoing mail, the feed's rotate and revoke) and the two public ones (feed, unsubscribe)."""

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.models import Meeting, Person
from notifications import feeds, reminders
from notifications.forms import LessonRemindersForm
from notifications.messages import UNSUBSCRIBE_SALT
from notifications.models import OutgoingMessage, PersonNotifications
from notifications.services import message_retry_now

State = OutgoingMessage.State


@require_GET
def mail_list(request):
    state = request.GET.get("state", "")
    rows = OutgoingMessage.objects.select_related("person", "registrant", "meeting").order_by(
        "-created_at", "-id"
    )
    if state in State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/mail_list.html",
        {"page_obj": page, "messages_page": page.object_list, "state": state, "states": State.choices},
    )


@require_GET
def mail_detail(request, pk: int):
    message = get_object_or_404(
        OutgoingMessage.objects.select_related("person", "registrant", "meeting"), pk=pk
    )
    return render(request, "notifications/mail_detail.html", {"mail": message})


@require_POST
def mail_retry(request, pk: int):
    message = get_object_or_404(OutgoingMessage, pk=pk)
    if message_retry_now(message=message):
        messages.success(request, _("The mail will be sent again in a moment."))
    else:
        messages.info(request, _("Only a failed mail can be sent again."))
    return redirect("notifications:mail_detail", pk=pk)


@require_POST
def feed_rotate(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    had_feed = PersonNotifications.objects.filter(person=person, feed_token__isnull=False).exists()
    feeds.feed_rotate(person=person)
    if had_feed:
        messages.success(request, _("New calendar link made; the old one no longer works."))
    else:
        messages.success(request, _("Calendar link made: send it to %(name)s.") % {"name": person.name})
    return redirect("people:person_detail", pk=pk)


@require_POST
def feed_revoke(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    feeds.feed_revoke(person=person)
    messages.success(request, _("The calendar link no longer works."))
    return redirect("people:person_detail", pk=pk)


@require_POST
def lesson_reminders_save(request, pk: int):
    """The lesson page's reminder form. Bad input changes nothing: the form comes back with its errors."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        messages.error(request, _("Reminders are sent only before lessons that are still to come."))
        return redirect("meetings:lesson_detail", pk=pk)
    form = LessonRemindersForm(request.POST)
    if not form.is_valid():
        return render(
            request, "notifications/lesson_reminders_form.html", {"lesson": meeting, "form": form}, status=400
        )
    choice = form.cleaned_data["choice"]
    if choice == LessonRemindersForm.SCHOOL:
        reminders.lesson_reminders_set(meeting=meeting, minutes=None)
        messages.success(request, _("This lesson uses the school's reminder times."))
    elif choice == LessonRemindersForm.NONE:
        reminders.lesson_reminders_set(meeting=meeting, minutes=[])
        messages.success(request, _("No reminders will be sent for this lesson."))
    else:
        reminders.lesson_reminders_set(meeting=meeting, minutes=form.cleaned_data["minutes_list"])
        messages.success(request, _("Reminder times saved for this lesson."))
    return redirect(f"{reverse('meetings:lesson_detail', args=[pk])}#lesson-reminders")


# -- public: no sign-in (zoomhub/access.py lists their prefixes) ---------------------------------


@require_GET
def feed(request, token: str):
    row = PersonNotifications.objects.select_related("person").filter(feed_token=token).first()
    if row is None or not token:
        raise Http404
    response = HttpResponse(feeds.feed_calendar(row.person), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lessons.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# A mail client's one-click unsubscribe (RFC 8058) POSTs without a session or CSRF token; the signed
# token names the one person it unsubscribes, so a forged POST can only do what the link does.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks (mail scanners open links); POST, also RFC 8058's one-click, turns reminders off."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        person = Person.objects.get(pk=data["person"])
    except (signing.BadSignature, Person.DoesNotExist, KeyError, TypeError):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        reminders.person_unsubscribe(person=person)
        done = True
    return render(request, "notifications/unsubscribe.html", {"person": person, "done": done})
