from django.urls import path

from webhooks import views

app_name = "zoom_webhooks"
urlpatterns = [
    # Before <code>: the OAuth app's URL must never be read as a credential code.
    # One URL for every app of a single-account school (ZOOM_WEBHOOK_SECRET_TOKEN), as Integrato names it.
    path("zoom", views.shared_webhook, name="shared"),
    path("zoom/", views.shared_webhook),
    path("zoom/oauth/", views.oauth_app_webhook, name="oauth_app"),
    path("zoom/<str:code>/", views.credential_webhook, name="credential"),
]
