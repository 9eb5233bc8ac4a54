"""Reads of supervisors. Every read starts from `.visible_to(user)`."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.access import AnyUser, get_visible_or_404

from .models import Enrolment, Supervisor


def get_supervisor_for_user(user: AnyUser, pk: object) -> Supervisor:
    return get_visible_or_404(Supervisor.objects.visible_to(user).select_related("workplace__organisation"), pk=pk)


def supervisors_in(*, workplace_ids: list[int], on: dt.date) -> QuerySet[Supervisor]:
    """The active supervisors of the workplaces, each with `trained_until` (None when untrained on `on`)."""
    valid = Enrolment.objects.filter(
        supervisor=OuterRef("pk"), completed_on__isnull=False, completed_on__lte=on, valid_until__gte=on
    ).order_by("-valid_until")
    return (
        Supervisor.objects.filter(workplace_id__in=workplace_ids, active=True)
        .annotate(trained_until=Subquery(valid.values("valid_until")[:1]))
        .order_by("last_name", "first_name")
    )


def supervisors_at(*, workplace_id: int, on: dt.date) -> QuerySet[Supervisor]:
    """The active supervisors of one workplace, each with `trained_until`."""
    return supervisors_in(workplace_ids=[workplace_id], on=on)
