from django.urls import path

from . import views

app_name = "supervisors"

urlpatterns = [
    path("", views.supervisor_list, name="list"),
    path("new/at/<int:workplace_pk>/", views.supervisor_form, name="create"),
    path("<int:pk>/", views.supervisor_detail, name="detail"),
    path("<int:pk>/edit/", views.supervisor_form, name="edit"),
    path("<int:pk>/invite/", views.supervisor_invite_view, name="invite"),
    path("training/", views.training_overview, name="training"),
    path("training/sessions/new/", views.session_create, name="session_create"),
    path("training/sessions/<int:pk>/", views.session_detail, name="session"),
    path("training/enrolments/<int:pk>/<slug:action>/", views.enrolment_action, name="enrolment_action"),
]
