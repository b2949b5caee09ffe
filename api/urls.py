"""The API's URLs, included by the project under /api/v1/ (ninja names them in the "api-v1" namespace)."""

from django.urls import path

from api.main import api

urlpatterns = [path("", api.urls)]
