"""Addresses people reach without signing in: their calendar feed and the unsubscribe page."""

from django.urls import path

from notifications import views

app_name = "notifications_public"

urlpatterns = [
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
