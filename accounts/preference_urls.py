from django.urls import path

from accounts import preferences

urlpatterns = [
    path("language/", preferences.set_language, name="set_language"),
    path("preferences/", preferences.preferences, name="preferences"),
]
