from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("mail/", views.mail_list, name="mail_list"),
    path("mail/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("mail/<int:pk>/retry/", views.mail_retry, name="mail_retry"),
    path("lessons/<int:pk>/reminders/", views.lesson_reminders_save, name="lesson_reminders_save"),
    path("people/<int:pk>/calendar-feed/rotate/", views.feed_rotate, name="feed_rotate"),
    path("people/<int:pk>/calendar-feed/revoke/", views.feed_revoke, name="feed_revoke"),
]
