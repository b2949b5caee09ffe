from django.urls import path

from recordings import views

app_name = "recordings"
urlpatterns = [
    path("", views.recording_list, name="recording_list"),
    path("<int:pk>/", views.recording_detail, name="recording_detail"),
    path("<int:pk>/legal-hold/", views.recording_legal_hold, name="recording_legal_hold"),
    path("files/<int:pk>/", views.file_serve, name="file_serve"),
    path("files/<int:pk>/download/", views.file_request_download, name="file_request_download"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/sync/", views.source_sync, name="source_sync"),
    path("destinations/new/", views.destination_create, name="destination_create"),
    path("destinations/<int:pk>/", views.destination_edit, name="destination_edit"),
    path("destinations/<int:pk>/test/", views.destination_check, name="destination_test"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
]
