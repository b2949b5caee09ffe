"""Staff pages (outgoing mail, the feed's rotate and revoke) and the two public ones (feed, unsubscribe)."""

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.models import Person
from notifications import feeds, reminders
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
