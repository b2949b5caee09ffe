"""The API tokens page (staff create and revoke their bearer tokens), kept at its old address."""

from django.urls import path

from api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.api_token_list, name="list"),
    path("<int:pk>/revoke/", views.api_token_revoke, name="revoke"),
]
