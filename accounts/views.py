"""The Zoom accounts pages: list, add/edit, actions, and "Connect with Zoom"."""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services, tasks
from accounts.forms import CredentialForm
from accounts.models import Credential
from accounts.scopes import capability_labels
from zoomhub.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

# Where the "Connect with Zoom" app's events arrive (meetings' webhook intake, branch webhooks);
# its Secret Token is settings.OAUTH_ZOOM_WEBHOOK_SECRET_TOKEN.
OAUTH_APP_WEBHOOK_PATH = "/webhooks/zoom/oauth/"


def _credentials_with_host_counts():
    return Credential.objects.annotate(
        host_count=Count("zoom_users", filter=Q(zoom_users__is_active=True)),
    )


def credential_list(request):
    oauth_webhook_url = request.build_absolute_uri(OAUTH_APP_WEBHOOK_PATH)
    credentials = list(_credentials_with_host_counts())
    for credential in credentials:
        credential.webhook_url = _webhook_url(request, credential)
    return render(
        request,
        "accounts/credential_list.html",
        {
            "credentials": credentials,
            "oauth_configured": services.oauth_is_configured(),
            "oauth_webhook_url": oauth_webhook_url,
        },
    )


def _webhook_url(request, credential: Credential) -> str:
    # Zoom sends an app's events to one endpoint: every "Connect with Zoom" user shares the
    # OAuth app's, each Server-to-Server app has its own.
    if credential.is_oauth:
        return request.build_absolute_uri(OAUTH_APP_WEBHOOK_PATH)
    return request.build_absolute_uri(credential.webhook_path)


def credential_detail(request, pk: int):
    credential = get_object_or_404(_credentials_with_host_counts(), pk=pk)
    credential.webhook_url = _webhook_url(request, credential)
    labels = capability_labels()
    credential.missing_by_capability = [
        (labels.get(key, key), scopes) for key, scopes in (credential.missing_capabilities or {}).items()
    ]
    hosts = Paginator(credential.zoom_users.order_by("-is_active", "email"), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/credential_detail.html", {"credential": credential, "hosts": hosts})


def credential_create(request):
    form = CredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credential = services.credential_create(**form.service_values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            _refresh_users_later(credential)
            messages.success(
                request,
                _("“%(name)s” was added. Press “Test connection” to check it against Zoom.")
                % {"name": credential.name},
            )
            return redirect("accounts:credential_list")
    return render(request, "accounts/credential_form.html", {"form": form, "credential": None})


def credential_update(request, pk: int):
    credential = get_object_or_404(Credential, pk=pk)
    form = CredentialForm(request.POST or None, credential=credential)
    if request.method == "POST" and form.is_valid():
        try:
            credential = services.credential_update(credential=credential, **form.service_values())
            has_field, host = form.default_host_choice()
            if has_field:
                services.credential_set_default_host(credential=credential, host=host)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": credential.name})
            return redirect("accounts:credential_list")
    return render(request, "accounts/credential_form.html", {"form": form, "credential": credential})


def _add_errors(form, error: ValidationError) -> None:
    # Rules checked again inside the service's transaction (another staff member may have
    # added the same app meanwhile).
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            for message in field_errors:
                form.add_error(None if field == "__all__" or field not in form.fields else field, message)
    else:
        form.add_error(None, error)


def _refresh_users_later(credential: Credential) -> None:
    enqueue_on_commit(tasks.zoom_users_refresh_task, credential_id=credential.pk)


@require_POST
def credential_test(request, pk: int):
    """Test connection runs here, not in a worker: one token request and one light call,
    bounded by the client's timeouts, and staff want the answer on the page they are on."""
    credential = get_object_or_404(Credential, pk=pk)
    result = services.credential_check(credential=credential)
    level = (
        messages.SUCCESS
        if result.ok
        else (messages.WARNING if result.status == Credential.Status.ACTIVE else messages.ERROR)
    )
    messages.add_message(request, level, f"{credential.name}: " + " ".join(result.summary.split("\n")))
    return redirect(_back(request, credential))


@require_POST
def credential_refresh_users(request, pk: int):
    """Refreshing hosts runs in a worker: a master account can mean many pages and sub-accounts."""
    credential = get_object_or_404(Credential, pk=pk)
    if not credential.is_usable:
        messages.error(
            request,
            _("“%(name)s” is %(status)s: fix it before refreshing its Zoom users.")
            % {"name": credential.name, "status": credential.get_status_display().lower()},
        )
        return redirect(_back(request, credential))
    _refresh_users_later(credential)
    messages.info(
        request,
        _("Reading the Zoom users of “%(name)s” in the background; the host count updates when it is done.")
        % {"name": credential.name},
    )
    return redirect(_back(request, credential))


@require_POST
def credential_disconnect(request, pk: int):
    credential = get_object_or_404(Credential, pk=pk)
    services.credential_disconnect(credential=credential)
    messages.success(
        request,
        _("“%(name)s” was disconnected; its lessons and recordings stay.") % {"name": credential.name},
    )
    return redirect("accounts:credential_list")


def _back(request, credential: Credential) -> str:
    if request.POST.get("next") == "detail":
        return reverse("accounts:credential_detail", args=[credential.pk])
    return reverse("accounts:credential_list")


def _redirect_uri(request) -> str:
    return services.oauth_redirect_uri(request.build_absolute_uri(reverse("accounts:oauth_callback")))


@require_POST
def oauth_connect(request):
    """ "Connect with Zoom" and "Reconnect": send the staff member to Zoom's consent page."""
    try:
        url = services.oauth_connect_start(
            session=request.session, user_id=request.user.pk, redirect_uri=_redirect_uri(request)
        )
    except services.OAuthConnectError as error:
        messages.error(request, str(error))
        return redirect("accounts:credential_list")
    return redirect(url)


def oauth_callback(request):
    """Zoom sends the browser back here. The path is public (zoomhub/access.py) so Zoom's
    redirect is never bounced, but only the staff session that started the flow holds its
    state, so any other visitor is refused and nothing is stored."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("accounts:credential_list"))
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied(_("ZoomHub is for the school's staff."))
    try:
        result = services.oauth_connect_complete(
            session=request.session, user_id=request.user.pk, params=request.GET
        )
    except services.OAuthConnectError as error:
        messages.error(request, str(error))
        return redirect("accounts:credential_list")
    credential = result.credential
    _refresh_users_later(credential)
    if result.created:
        text = _("Connected the Zoom user %(name)s.")
    else:
        text = _("Reconnected the Zoom user %(name)s.")
    messages.success(request, text % {"name": credential.name})
    return redirect("accounts:credential_list")
