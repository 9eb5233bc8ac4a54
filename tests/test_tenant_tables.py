"""Every table of the project is either a municipality's (it carries `municipality_id` itself) or
says why not: shared by the region or the installation, or reference data. The list is what the
README's distribution plan ("Municipalities") goes by: keyed tables are distributed by
`municipality_id`, the others become reference tables. A new model fails here until it is placed."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

PROJECT_APPS = (
    "accounts",
    "participants",
    "workplaces",
    "supervisors",
    "placements",
    "reporting",
    "taxonomy",
    "privacy",
    "outbox",
)

# Tables without the key, each with the reason. Reference tables (replicated to every node when
# distributed): small, and read by every municipality's rows.
SHARED: dict[str, str] = {
    "accounts.Region": "the region itself, above its municipalities",
    "accounts.Municipality": "the tenant itself (the key's own table)",
    "accounts.User_groups": "Django's permission groups of an account (the account carries the key)",
    "accounts.User_user_permissions": "Django's permissions of an account (the account carries the key)",
    "participants.Participant_languages": "link table between a keyed case file and reference languages",
    "participants.ReferralImport_participants": "link table between two keyed rows",
    "placements.PlacementHold": "what a placement takes of a shared need and supervisor, counted across "
    "municipalities (ids, status and dates only; written by the placements' triggers)",
    "placements.CalendarFeed": "a user's calendar credential; a supervisor's user may have no municipality",
    # An employer is a municipality's or the region's (Organisation: `municipality` or `region`); what
    # hangs below it is shared with every municipality the regional employer takes placements from.
    "workplaces.Workplace": "an employer's site: owned through its organisation, local or regional",
    "workplaces.Need": "an employer's need: a regional one is published to several municipalities",
    "workplaces.Need_prerequisites": "link table between a need and reference prerequisites",
    "workplaces.Workplace_prerequisites": "link table between a workplace and reference prerequisites",
    "workplaces.WorkingHours": "a need's working week: its need's",
    "workplaces.ProcurementContract": "a supplier employer's contract: its organisation's",
    "supervisors.Supervisor": "an employer's staff member: a regional employer's supervises several municipalities",
    "supervisors.TrainingCourse": "the installation's supervisor training courses (training counts everywhere)",
    "supervisors.TrainingSession": "a course's session, seating supervisors of several municipalities",
    "supervisors.Enrolment": "a supervisor's seat in a shared session",
    "reporting.Indicator": "an indicator's definition: the same for every municipality and the region",
    "reporting.StrategyGoal": "a strategy goal's definition (each municipality's targets are keyed)",
    "privacy.RetentionRule": "the retention rules of the installation (the law's periods)",
    "privacy.RetentionRun": "a run of retention over every municipality's rows",
    "taxonomy.Occupation": "reference data (SSYK 2012)",
    "taxonomy.OccupationSynonym": "reference data",
    "taxonomy.Language": "reference data",
    "taxonomy.District": "reference data",
    "taxonomy.JobTrack": "reference data",
    "taxonomy.PlacementType": "reference data",
    "taxonomy.Prerequisite": "reference data",
}


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed
    ]


def _keyed(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("municipality")
    except FieldDoesNotExist:
        return False
    return getattr(field, "related_model", None) is apps.get_model("accounts", "Municipality")


def test_every_table_carries_the_municipality_key_or_says_why_not() -> None:
    unkeyed = {model._meta.label for model in _project_models() if not _keyed(model)}
    assert unkeyed == set(SHARED)
