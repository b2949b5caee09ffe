from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.lesson_list, name="lesson_list"),
    path("calendar/", views.lesson_calendar, name="lesson_calendar"),
    path("new/", views.lesson_create, name="lesson_create"),
    path("<int:pk>/", views.lesson_detail, name="lesson_detail"),
    path("<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("<int:pk>/cancel/", views.lesson_cancel, name="lesson_cancel"),
    path("<int:pk>/ignore/", views.lesson_ignore, name="lesson_ignore"),
    # One registrant, by its own id (it names its webinar): approve or deny it in Zoom.
    path(
        "registrants/<int:registrant_pk>/approve/",
        views.webinar_registrant_decide,
        {"action": "approve"},
        name="webinar_registrant_approve",
    ),
    path(
        "registrants/<int:registrant_pk>/deny/",
        views.webinar_registrant_decide,
        {"action": "deny"},
        name="webinar_registrant_deny",
    ),
    path(
        "<int:pk>/registrants/refresh/", views.webinar_registrants_refresh, name="webinar_registrants_refresh"
    ),
    path("<int:pk>/retry/", views.lesson_retry_push, name="lesson_retry_push"),
    path("<int:pk>/push-status/", views.lesson_push_status, name="lesson_push_status"),
    path("<int:pk>/start-link/", views.lesson_start_link, name="lesson_start_link"),
]
