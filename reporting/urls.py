from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.report_archive, name="archive"),
    path("targets/", views.targets, name="targets"),
    path("fairness/", views.fairness_view, name="fairness"),
    path("methodology/", views.methodology, name="methodology"),
    path("reports/generate/", views.report_generate, name="generate"),
    path("reports/<int:pk>/<slug:kind>/", views.report_file, name="file"),
]
