from django.urls import path

from recordings import views

app_name = "recordings"
urlpatterns = [
    path("", views.recording_list, name="recording_list"),
    path("<int:pk>/", views.recording_detail, name="recording_detail"),
    path("files/<int:pk>/", views.file_serve, name="file_serve"),
    path("files/<int:pk>/download/", views.file_request_download, name="file_request_download"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/sync/", views.source_sync, name="source_sync"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
]
