from django.urls import path

from . import case_file_views, import_views, journal_views, lookup_views, views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("new/", views.participant_create, name="create"),
    path("lookup/", lookup_views.lookup, name="lookup"),
    path("break-glass/", lookup_views.break_glass, name="break_glass"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/edit/", views.participant_edit, name="edit"),
    path("<int:pk>/status/", views.participant_status, name="status"),
    path("<int:pk>/records-checks/new/", case_file_views.records_check_create, name="records_check_create"),
    path(
        "<int:pk>/records-checks/<int:check_pk>/delete/",
        case_file_views.records_check_delete,
        name="records_check_delete",
    ),
    path("<int:pk>/prerequisites/new/", case_file_views.prerequisite_create, name="prerequisite_create"),
    path("<int:pk>/prerequisites/<int:held_pk>/end/", case_file_views.prerequisite_end, name="prerequisite_end"),
    path(
        "<int:pk>/prerequisites/<int:held_pk>/delete/",
        case_file_views.prerequisite_delete,
        name="prerequisite_delete",
    ),
    path("<int:pk>/exits/new/", case_file_views.exit_create, name="exit_create"),
    path("<int:pk>/exits/<int:exit_pk>/delete/", case_file_views.exit_delete, name="exit_delete"),
    path("<int:pk>/programme-status/new/", case_file_views.programme_status_create, name="programme_status_create"),
    path(
        "<int:pk>/programme-status/<int:status_pk>/delete/",
        case_file_views.programme_status_delete,
        name="programme_status_delete",
    ),
    path("<int:pk>/notes/new/", journal_views.note_create, name="note_create"),
    path("<int:pk>/tasks/new/", journal_views.task_create_view, name="task_create"),
    path("<int:pk>/tasks/<int:task_pk>/close/", journal_views.task_close_view, name="task_close"),
    path("tasks/", journal_views.task_list, name="task_list"),
    path("<int:pk>/timetable/", case_file_views.study_times_edit, name="study_times"),
    path("<int:pk>/sms-consent/", case_file_views.sms_consent, name="sms_consent"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/template.csv", import_views.import_template, name="import_template"),
    path("import/template.xlsx", import_views.import_template_xlsx, name="import_template_xlsx"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/result/", import_views.import_result, name="import_result"),
]
