from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _on_commit_once(forget: Callable[[], None], using: str | None) -> None:
    """Run `forget` when the current transaction commits, once however many rows it saves."""
    connection = transaction.get_connection(using)
    # Django's own list of what runs on commit: each entry is (savepoints, func, robust).
    if not any(entry[1] is forget for entry in connection.run_on_commit):
        transaction.on_commit(forget, using=using)


def _features_changed(**kwargs: Any) -> None:
    from .matching.features import forget_features

    _on_commit_once(forget_features, kwargs.get("using"))


def _needs_changed(**kwargs: Any) -> None:
    from .matching import forget_need_arrays

    _on_commit_once(forget_need_arrays, kwargs.get("using"))


def _on_save_and_delete(receiver: Callable[..., None], name: str, models: tuple[type[Model], ...]) -> None:
    for model in models:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{name}-{model.__name__}-saved")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{name}-{model.__name__}-deleted")


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        # The matching's cached features hold who is in which team, pseudonymised, waiting or proposed
        # (placements.matching.features): a case file or placement saved or deleted drops them in every
        # process once the change commits. Bulk updates move `updated_at`, which the version reads too.
        from participants.models import Participant

        from .models import Placement

        _on_save_and_delete(_features_changed, "features", (Participant, Placement))

        # The kept need arrays (placements.matching.kept_need_arrays) are read from these: any of them
        # saved or deleted, or a need's or workplace's many-to-many changed, drops them on commit.
        from supervisors.models import Enrolment, Supervisor
        from taxonomy.models import District, PlacementType, Prerequisite
        from workplaces.models import Need, Organisation, WorkingHours, Workplace

        needs_data: tuple[type[Model], ...] = (
            Need,
            WorkingHours,
            Workplace,
            Organisation,
            PlacementType,
            District,
            Prerequisite,
            Supervisor,
            Enrolment,
        )
        _on_save_and_delete(_needs_changed, "needs", needs_data)
        for through in (Need.prerequisites.through, Workplace.prerequisites.through, Need.published_to.through):
            m2m_changed.connect(_needs_changed, sender=through, dispatch_uid=f"needs-{through.__name__}-changed")
