"""People pages: the list, a person's page, add / edit / archive / merge, the CSV import, and the
two small fragments the lesson form's student picker uses."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import people
from meetings.models import Meeting, Person
from meetings.panels import person_panels
from meetings.people_forms import (
    PeopleImportForm,
    PersonFilterForm,
    PersonForm,
    PersonMergeForm,
    QuickPersonForm,
)
from meetings.people_import import STATUS_LABELS, ImportFileError, decode, people_import, preview

PAGE_SIZE = 25
PICKER_RESULTS = 12
LESSONS_SHOWN = 20


def _count(queryset, group_by: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def search_people(queryset, text: str):
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(name__icontains=text)
        | Q(email__icontains=text)
        | Q(other_names__icontains=text)
        | Q(other_emails__icontains=text)
    )


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    state = filters.get("state") or "active"
    people_qs = Person.objects.select_related("zoom_user")
    if state == "active":
        people_qs = people_qs.filter(archived_at__isnull=True)
    elif state == "archived":
        people_qs = people_qs.filter(archived_at__isnull=False)
    if filters.get("role"):
        people_qs = people_qs.filter(role=filters["role"])
    people_qs = search_people(people_qs, filters.get("q") or "")
    attended = Meeting.students.through.objects.filter(person=OuterRef("pk"))
    taught = Meeting.objects.filter(teacher=OuterRef("pk"))
    people_qs = people_qs.annotate(
        attended_count=_count(attended, "person"), taught_count=_count(taught, "teacher")
    ).order_by("name", "pk")
    page = Paginator(people_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/person_list.html",
        {
            "form": form,
            "page": page,
            "people": page.object_list,
            "query": query.urlencode(),
            "filtered": bool(filters.get("q") or filters.get("role") or state != "active"),
            "anyone": Person.objects.exists(),
        },
    )


def _lessons_of(person: Person):
    return (
        Meeting.objects.filter(Q(teacher=person) | Q(students=person))
        .distinct()
        .select_related("host", "teacher")
        .prefetch_related(Prefetch("students", queryset=Person.objects.order_by("name")))
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("zoom_user__credential"), pk=pk)
    now = timezone.now()
    lessons = _lessons_of(person)
    return render(
        request,
        "meetings/person_detail.html",
        {
            "person": person,
            "upcoming": list(
                lessons.filter(series_end_at__gte=now).order_by("start_at", "pk")[:LESSONS_SHOWN]
            ),
            "past": list(lessons.filter(series_end_at__lt=now).order_by("-start_at", "-pk")[:LESSONS_SHOWN]),
            "panels": person_panels.render_for(person),
        },
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    initial = {"role": request.GET.get("role")} if request.GET.get("role") in Person.Role.values else None
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = people.person_create(details=form.details())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": person.name})
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "meetings/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            people.person_update(person=person, details=form.details())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": person.name})
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "meetings/person_form.html", {"form": form, "person": person})


@require_POST
def person_archive(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    people.person_archive(person=person)
    messages.success(
        request,
        _("%(name)s archived: kept with their history, no longer offered for new lessons.")
        % {"name": person.name},
    )
    return redirect("people:person_detail", pk=person.pk)


@require_POST
def person_restore(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    people.person_restore(person=person)
    messages.success(request, _("%(name)s is current again.") % {"name": person.name})
    return redirect("people:person_detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    form = PersonMergeForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        try:
            people.person_merge(keep=person, duplicate=duplicate)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(duplicate)s merged into %(name)s.") % {"duplicate": duplicate.name, "name": person.name},
            )
            return redirect("people:person_detail", pk=person.pk)
    candidates = search_people(
        Person.objects.exclude(pk=person.pk), person.name.split()[0] if person.name else ""
    )
    return render(
        request,
        "meetings/person_merge.html",
        {"form": form, "person": person, "candidates": candidates.order_by("name")[:10]},
    )


@require_http_methods(["GET", "POST"])
def person_import(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = PeopleImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    text = ""
    if posted and form.is_valid():
        try:
            if form.cleaned_data.get("file"):
                text = decode(form.cleaned_data["file"].read())
            else:
                text = form.cleaned_data.get("text") or ""
            if not text:
                raise ImportFileError(_("Choose a CSV file."))
            if request.POST.get("confirm") and form.cleaned_data.get("text"):
                added = people_import(text=text)
                messages.success(
                    request,
                    ngettext("%(count)d person imported.", "%(count)d people imported.", len(added))
                    % {"count": len(added)},
                )
                return redirect("people:person_list")
            result = preview(text)
        except ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            form.add_error(None, error)
            result = preview(text)
    return render(
        request,
        "meetings/person_import.html",
        {"form": form, "result": result, "text": text, "status_labels": STATUS_LABELS},
    )


@require_GET
def person_picker(request: HttpRequest) -> HttpResponse:
    """The student picker's search results (an htmx fragment)."""
    role = request.GET.get("role")
    found = Person.objects.active()
    if role in Person.Role.values:
        found = found.filter(role=role)
    text = request.GET.get("q", "")[:200]
    results = list(search_people(found, text).order_by("name", "pk")[:PICKER_RESULTS]) if text.strip() else []
    return render(request, "meetings/_person_picker_results.html", {"results": results, "q": text})


@require_POST
def person_quick_add(request: HttpRequest) -> HttpResponse:
    """Adds a person from the lesson form; answers with the chip that selects them."""
    form = QuickPersonForm(request.POST, prefix="quick")
    person = None
    if form.is_valid():
        try:
            person = people.person_create(
                details=people.PersonDetails(
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    return render(request, "meetings/_person_quick_add_result.html", {"form": form, "person": person})
