from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _features_changed(**kwargs: Any) -> None:
    from .matching.features import forget_features

    connection = transaction.get_connection(kwargs.get("using"))
    # Once per transaction, however many rows it saves (Django's own list of what runs on commit).
    if not any(entry[1] is forget_features for entry in connection.run_on_commit):
        transaction.on_commit(forget_features, using=kwargs.get("using"))


def _needs_changed(**kwargs: Any) -> None:
    from .matching import forget_need_arrays

    connection = transaction.get_connection(kwargs.get("using"))
    if not any(entry[1] is forget_need_arrays for entry in connection.run_on_commit):
        transaction.on_commit(forget_need_arrays, using=kwargs.get("using"))


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        # The matching's cached features hold who is in which team, pseudonymised, waiting or proposed
        # (placements.matching.features): a case file or placement saved or deleted drops them in every
        # process once the change commits. Bulk updates move `updated_at`, which the version reads too.
        from participants.models import Participant

        from .models import Placement

        for model in (Participant, Placement):
            post_save.connect(_features_changed, sender=model, dispatch_uid=f"features-{model.__name__}-saved")
            post_delete.connect(_features_changed, sender=model, dispatch_uid=f"features-{model.__name__}-deleted")

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
        for source in needs_data:
            post_save.connect(_needs_changed, sender=source, dispatch_uid=f"needs-{source.__name__}-saved")
            post_delete.connect(_needs_changed, sender=source, dispatch_uid=f"needs-{source.__name__}-deleted")
        for through in (Need.prerequisites.through, Workplace.prerequisites.through, Need.published_to.through):
            m2m_changed.connect(_needs_changed, sender=through, dispatch_uid=f"needs-{through.__name__}-changed")
