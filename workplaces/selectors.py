"""Reads of organisations, workplaces and needs. Every read starts from `.visible_to(user)`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

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


def need_list(*, user: AnyUser) -> QuerySet[Need]:
    """Needs the user may see. Places taken are placements' to count: the views annotate them
    (placements.occupancy.with_places_taken_coming), since placements sits above workplaces."""
    return Need.objects.visible_to(user).select_related("workplace__organisation", "occupation", "placement_type")


def organisation_list(*, user: AnyUser) -> QuerySet[Organisation]:
    """The employers the user may see, with their workplaces and the open needs the user may see (a
    regional employer's: those published to the user's municipality)."""
    visible_needs = Need.objects.visible_to(user).values("pk")
    return Organisation.objects.visible_to(user).annotate(
        workplace_count=Count("workplaces", distinct=True),
        open_needs=Count(
            "workplaces__needs",
            filter=Q(workplaces__needs__status=NeedStatus.OPEN, workplaces__needs__in=visible_needs),
            distinct=True,
        ),
    )


def needs_of_workplace(*, workplace: Workplace, user: AnyUser) -> QuerySet[Need]:
    """The workplace's needs the user may see: a regional employer's workplace is the whole region's,
    its needs only the municipalities' they are published to (places taken: see need_list)."""
    return Need.objects.visible_to(user).filter(workplace=workplace).select_related("occupation", "placement_type")
