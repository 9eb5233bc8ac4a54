"""What moves the dashboard's figures: a saved (or deleted) row of the data they rest on marks the
summaries stale after commit and queues one refresh (reporting.dashboard). Only that: no figure is
computed here, and nothing else reacts to these signals.

Deletes are watched where a case file, a target or a contract goes; the rows that go with a case
file (its placements, follow-ups, outcomes) are covered by the participant's own delete, and
watching them too would make Django load every one of them to delete it. Writes that send no
signal at all are found by the beat check (`dashboard_summaries_check`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from .dashboard import mark_changed_after_commit

# (app label, model name) of the rows the dashboard's figures are computed from.
SAVED = [
    ("placements", "Placement"),
    ("placements", "PlacementEvent"),
    ("placements", "FollowUp"),
    ("placements", "LaterOutcome"),
    ("participants", "Participant"),
    ("participants", "StatusChange"),
    ("supervisors", "Enrolment"),
    ("workplaces", "Organisation"),
    ("workplaces", "ProcurementContract"),
    ("reporting", "Indicator"),
    ("reporting", "Target"),
]
DELETED = [
    ("participants", "Participant"),
    ("workplaces", "ProcurementContract"),
    ("reporting", "Indicator"),
    ("reporting", "Target"),
]


def _changed(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: fixtures, not a change made in the app
        return
    mark_changed_after_commit()


def connect() -> None:
    from django.apps import apps

    for app_label, model_name in SAVED:
        post_save.connect(
            _changed, sender=apps.get_model(app_label, model_name), dispatch_uid=f"dashboard-{model_name}"
        )
    for app_label, model_name in DELETED:
        post_delete.connect(
            _changed, sender=apps.get_model(app_label, model_name), dispatch_uid=f"dashboard-del-{model_name}"
        )
