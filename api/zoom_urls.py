"""Other programs' paths, included by the project under /api/zoom/ (the "api-zoom" namespace)."""

from django.urls import path

from api.main import zoom_api

urlpatterns = [path("", zoom_api.urls)]
