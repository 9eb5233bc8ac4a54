from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.requests, name="requests"),
    path("<int:pk>/extract/", views.extract, name="extract"),
    path("<int:pk>/erase/", views.erase, name="erase"),
]
