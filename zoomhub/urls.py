from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from zoomhub import views

admin.autodiscover()
# The admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("ZoomHub administration")
admin.site.site_title = _("ZoomHub admin")

handler403 = "zoomhub.errors.permission_denied"
handler500 = "zoomhub.errors.server_error"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # The header's language switcher and each staff member's preferences (accounts owns them).
    path("", include("accounts.preference_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Before accounts' own pages: the API tokens page kept its address when it moved to the api app.
    path("zoom-accounts/api-tokens/", include("api.token_urls")),
    path("zoom-accounts/", include("accounts.urls")),
    path("lessons/", include("meetings.urls")),
    path("people/", include("meetings.people_urls")),
    path("recordings/", include("recordings.urls")),
    path("attendance/", include("attendance.urls")),
    path("notifications/", include("notifications.urls")),
    # Public: a person's calendar feed and the unsubscribe link in reminders (zoomhub/access.py).
    path("", include("notifications.public_urls")),
    path("webhooks/", include("webhooks.urls")),
    path("api/v1/", include("api.urls")),
    path("api/zoom/", include("api.zoom_urls")),
]
