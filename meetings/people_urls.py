from django.urls import path

from meetings import people_views

app_name = "people"
urlpatterns = [
    path("", people_views.person_list, name="person_list"),
    path("new/", people_views.person_create, name="person_create"),
    path("import/", people_views.person_import, name="person_import"),
    path("picker/", people_views.person_picker, name="person_picker"),
    path("quick-add/", people_views.person_quick_add, name="person_quick_add"),
    path("<int:pk>/", people_views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", people_views.person_edit, name="person_edit"),
    path("<int:pk>/archive/", people_views.person_archive, name="person_archive"),
    path("<int:pk>/restore/", people_views.person_restore, name="person_restore"),
    path("<int:pk>/merge/", people_views.person_merge, name="person_merge"),
]
