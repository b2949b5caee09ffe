from django.urls import path

from webhooks import views

app_name = "zoom_webhooks"
urlpatterns = [
    # Before <code>: the OAuth app's URL must never be read as a credential code.
    path("zoom/oauth/", views.oauth_app_webhook, name="oauth_app"),
    path("zoom/<str:code>/", views.credential_webhook, name="credential"),
]
