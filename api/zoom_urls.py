"""The Zoom-style paths other programs call, included by the project under /api/zoom/ (ninja
names them in the "api-zoom" namespace); docs/api-compat.md."""

from django.urls import path

from api.main import zoom_api

urlpatterns = [path("", zoom_api.urls)]
