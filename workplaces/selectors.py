"""Reads of organisations, workplaces and needs. Every read starts from `.visible_to(user)`."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.access import AnyUser, get_visible_or_404

from .models import Need, NeedStatus, Organisation, Workplace


def get_organisation_for_user(user: AnyUser, pk: object) -> Organisation:
    return get_visible_or_404(Organisation.objects.visible_to(user), pk=pk)


def get_workplace_for_user(user: AnyUser, pk: object) -> Workplace:
    return get_visible_or_404(Workplace.objects.visible_to(user).select_related("organisation", "district"), pk=pk)


def get_need_for_user(user: AnyUser, pk: object) -> Need:
    return get_visible_or_404(
        Need.objects.visible_to(user).select_related("workplace__organisation", "occupation", "placement_type"),
        pk=pk,
    )


def need_taken() -> Coalesce:
    """Places taken of a need, as a subquery: agreed and active placements.

    A subquery rather than a join with GROUP BY, so a page of a long list counts only its own rows and
    the paginator's COUNT(*) needs no aggregation. The statuses are named here as values, and the
    placement model is reached through the relation, since placements sits above workplaces."""
    placement = Need._meta.get_field("placements").related_model
    holding = (
        placement.objects.filter(need=OuterRef("pk"), status__in=("agreed", "active"))  # type: ignore[union-attr]  # a model class
        .order_by()
        .values("need")
        .annotate(taken=Count("pk"))
        .values("taken")
    )
    return Coalesce(Subquery(holding, output_field=IntegerField()), 0)


def need_list(*, user: AnyUser) -> QuerySet[Need]:
    """Needs the user may see, with `taken` places (agreed or active placements)."""
    return (
        Need.objects.visible_to(user)
        .annotate(taken=need_taken())
        .select_related("workplace__organisation", "occupation", "placement_type")
    )


def organisation_list(*, user: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user).annotate(
        workplace_count=Count("workplaces", distinct=True),
        open_needs=Count("workplaces__needs", filter=Q(workplaces__needs__status=NeedStatus.OPEN), distinct=True),
    )


def needs_of_workplace(*, workplace: Workplace) -> QuerySet[Need]:
    return workplace.needs.annotate(taken=need_taken()).select_related("occupation", "placement_type")
