"""Whose facts a figure counts: the scope of the indicators, stated in one place.

A figure is of a set of municipalities (one municipality's, or its region's: every municipality of
it). A fact belongs to the municipality of its participant (a placement's municipality is its
participant's, a follow-up's its placement's), so the scope filters each kind of fact by the
participant's municipality here, in the base queryset every indicator starts from (`facts`), and
never in an indicator itself. EVERYWHERE counts every municipality (the whole database): what a
superuser without a municipality sees, and what the tests of the definitions use.

People are counted by case file, never by identity number: a person who moved and has a case file
in two municipalities (identity numbers are unique per municipality) is one in each, and two in the
region's totals. Telling them apart would mean matching identity numbers across municipalities'
registers, which need-to-know does not allow; a region's "people" are its municipalities' case files.

Supervisors are not any municipality's (a regional employer's supervisor takes placements from
several, and their training counts everywhere): a supervisor counts in a scope when they supervise
a placement of its participants (one begun by the period's end: reporting.indicators.supervisors_trained).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from accounts.models import Municipality, Region
from participants.models import Exit, Participant, ProgrammeStatus, StatusChange
from placements.models import FollowUp, LaterOutcome, Placement, PlacementEvent

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """The municipalities whose facts count, by id (sorted); None: every municipality."""

    municipality_ids: tuple[int, ...] | None = None

    @classmethod
    def of(cls, municipality_ids: Iterable[int]) -> Scope:
        return cls(tuple(sorted(set(municipality_ids))))

    def participants(self, lookup: str = "") -> Q:
        """Rows whose participant (reached by `lookup`, "" for participants) is in the scope."""
        if self.municipality_ids is None:
            return Q()
        prefix = f"{lookup}__" if lookup else ""
        return Q(**{f"{prefix}municipality_id__in": self.municipality_ids})


EVERYWHERE = Scope()

# Each kind of fact and the way from it to its participant: the one map the scope is applied through.
PARTICIPANT_OF: dict[type[models.Model], str] = {
    Participant: "",
    Placement: "participant",
    PlacementEvent: "placement__participant",
    FollowUp: "placement__participant",
    LaterOutcome: "placement__participant",
    Exit: "participant",
    ProgrammeStatus: "participant",
    StatusChange: "participant",
}


def facts(model: type[M], scope: Scope) -> QuerySet[M]:
    """The rows of `model` that figures of `scope` count: the base queryset of every indicator."""
    queryset: QuerySet[Any] = model._default_manager.all()
    return queryset.filter(scope.participants(PARTICIPANT_OF[model]))


# --- Whose report: a municipality's or a region's ------------------------------------------------

Owner = Municipality | Region


def scope_of(owner: Owner | None) -> Scope:
    """The municipalities an owner's figures count: the municipality, or every one of the region.
    None: every municipality (the whole database)."""
    if owner is None:
        return EVERYWHERE
    if isinstance(owner, Region):
        return Scope.of(owner.municipalities.values_list("pk", flat=True))
    return Scope.of([owner.pk])


def owner_filter(owner: Owner) -> dict[str, Owner | None]:
    """The fields naming the owner on a report or a dashboard summary (reporting.models.ONE_OWNER)."""
    if isinstance(owner, Region):
        return {"municipality": None, "region": owner}
    return {"municipality": owner, "region": None}


def sole_municipality() -> Municipality:
    """The owner when a caller names none (the management commands and the tests written for one
    municipality): the installation's only municipality. Refused when there are several, so that
    nothing is ever counted or stored for the wrong one."""
    municipalities = list(Municipality.objects.all()[:2])
    if len(municipalities) != 1:
        raise ValueError("name the municipality or the region: this installation has several, or none")
    return municipalities[0]


def owners() -> list[Owner]:
    """Every owner of reports: each municipality, and each region that has a municipality."""
    regions = list(Region.objects.filter(municipalities__isnull=False).distinct())
    return [*Municipality.objects.all(), *regions]


__all__ = [
    "EVERYWHERE",
    "PARTICIPANT_OF",
    "Owner",
    "Scope",
    "facts",
    "owner_filter",
    "owners",
    "scope_of",
    "sole_municipality",
]
