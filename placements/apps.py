from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _features_changed(**kwargs: Any) -> None:
    from .matching.features import forget_features

    connection = transaction.get_connection(kwargs.get("using"))
    # Once per transaction, however many rows it saves (Django's own list of what runs on commit).
    if not any(entry[1] is forget_features for entry in connection.run_on_commit):
        transaction.on_commit(forget_features, using=kwargs.get("using"))


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
