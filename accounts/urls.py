from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.credential_list, name="credential_list"),
    path("add/", views.credential_create, name="credential_create"),
    path("<int:pk>/", views.credential_detail, name="credential_detail"),
    path("<int:pk>/edit/", views.credential_update, name="credential_update"),
    path("<int:pk>/test/", views.credential_test, name="credential_test"),
    path("<int:pk>/refresh-users/", views.credential_refresh_users, name="credential_refresh_users"),
    path("<int:pk>/disconnect/", views.credential_disconnect, name="credential_disconnect"),
    path("oauth/connect/", views.oauth_connect, name="oauth_connect"),
    path("oauth/callback/", views.oauth_callback, name="oauth_callback"),
]
