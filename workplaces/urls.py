from django.urls import path

from . import views

app_name = "workplaces"

urlpatterns = [
    path("organisations/", views.organisation_list_view, name="organisation_list"),
    path("organisations/new/", views.organisation_form, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_form, name="organisation_edit"),
    path("organisations/<int:organisation_pk>/workplaces/new/", views.workplace_form, name="workplace_create"),
    path("workplaces/<int:pk>/", views.workplace_detail, name="workplace_detail"),
    path("workplaces/<int:pk>/edit/", views.workplace_form, name="workplace_edit"),
    path("workplaces/<int:workplace_pk>/needs/new/", views.need_form, name="need_create"),
    path("needs/", views.need_list_view, name="need_list"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_form, name="need_edit"),
    path("needs/<int:pk>/status/", views.need_status, name="need_status"),
]
