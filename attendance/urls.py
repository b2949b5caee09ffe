from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("export.csv", views.session_export, name="session_export"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/match/", views.session_match, name="session_match"),
    path("sessions/<int:pk>/override/", views.session_override, name="session_override"),
    path("sessions/<int:pk>/override/clear/", views.session_clear_override, name="session_clear_override"),
    path("sessions/<int:pk>/refetch/", views.session_refetch, name="session_refetch"),
    path("students/<int:pk>/", views.student_history_view, name="student_history"),
]
