"""Every write to organisations, workplaces and needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from taxonomy.models import Prerequisite

from .models import Need, NeedStatus, Organisation, WorkingHours, Workplace
from .organisation_numbers import normalize_organisation_number

_M = TypeVar("_M", bound=models.Model)


def _save(instance: _M, fields: dict[str, Any], *, prerequisites: Iterable[Prerequisite] | None = None) -> _M:
    """Set the fields, check and save; `prerequisites` (a many-to-many, set after the row exists) None
    leaves them as they are."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    if prerequisites is not None:
        instance.prerequisites.set(prerequisites)  # type: ignore[attr-defined]  # given only for workplaces and needs
    return instance


@transaction.atomic
def organisation_save(*, organisation: Organisation | None = None, by: User | None, **fields: Any) -> Organisation:
    """Create (organisation=None) or change an organisation. A new one given neither a municipality
    nor a region is local to the municipality of the user who adds it."""
    if organisation is not None and (refused := regional_employer_refusal(organisation, by=by)):
        raise refused
    if organisation is None and "municipality" not in fields and "region" not in fields:
        fields["municipality"] = by.municipality if by is not None else None
    if fields.get("organisation_number"):
        fields["organisation_number"] = normalize_organisation_number(fields["organisation_number"])
    return _save(organisation or Organisation(), fields)


@transaction.atomic
def workplace_save(
    *,
    workplace: Workplace | None = None,
    by: User | None,
    prerequisites: Iterable[Prerequisite] | None = None,
    **fields: Any,
) -> Workplace:
    """Create (workplace=None) or change a workplace, with what it asks of everyone placed there."""
    organisation = workplace.organisation if workplace is not None else fields.get("organisation")
    if organisation is not None and (refused := regional_employer_refusal(organisation, by=by)):
        raise refused
    return _save(workplace or Workplace(), fields, prerequisites=prerequisites)


@dataclass(frozen=True)
class WorkingSpan:
    """The need's working hours on one weekday (Monday 0): from, to."""

    weekday: int
    starts_at: dt.time
    ends_at: dt.time


def _working_hours_replace(need: Need, spans: Iterable[WorkingSpan]) -> None:
    rows = [WorkingHours(need=need, weekday=s.weekday, starts_at=s.starts_at, ends_at=s.ends_at) for s in spans]
    if len({row.weekday for row in rows}) != len(rows):
        raise ValidationError(_("One span of working hours a day."), code="working_hours_twice")
    for row in rows:
        row.full_clean(exclude=["need"])
    WorkingHours.objects.filter(need=need).delete()
    WorkingHours.objects.bulk_create(rows)


@transaction.atomic
def need_save(
    *,
    need: Need | None = None,
    by: User | None,
    prerequisites: Iterable[Prerequisite] | None = None,
    places_held: Callable[[Need], int] | None = None,
    working_hours: Iterable[WorkingSpan] | None = None,
    **fields: Any,
) -> Need:
    """Create (need=None) or change a need, with its prerequisites and its working hours per weekday
    (`working_hours`, None leaves them as they are; empty: no hours, nothing clashes with studies).

    A change to fewer places than the need's placements hold at the same time is refused.
    `places_held` counts those for the need, locked here so no placement is agreed meanwhile.
    What a placement holds, and when, is placements' to say (placements.occupancy), and
    workplaces sits below placements and cannot ask it: the caller passes the count in
    (placements.selectors.need_places_held). A change without it is a programming error.
    """
    if need is None:
        workplace = fields.get("workplace")
        if workplace is not None and (refused := regional_employer_refusal(workplace.organisation, by=by)):
            raise refused
        need = Need(created_by=by)
    else:
        if places_held is None:
            raise TypeError("need_save: changing a need needs places_held")
        need = Need.objects.select_for_update().select_related("workplace__organisation").get(pk=need.pk)
        if refused := regional_employer_refusal(need.workplace.organisation, by=by):
            raise refused
        places = fields.get("places", need.places)
        held = places_held(need)
        if places is not None and places < held:
            raise ValidationError(
                {
                    "places": ngettext(
                        "%(count)s place is taken at the same time by agreed or active placements.",
                        "%(count)s places are taken at the same time by agreed or active placements.",
                        held,
                    )
                    % {"count": held}
                }
            )
    saved = _save(need, fields, prerequisites=prerequisites)
    if working_hours is not None:
        _working_hours_replace(saved, working_hours)
        # Matching caches its arrays by version; the need's own row moved with the save above.
    return saved


def regional_employer_refusal(organisation: Organisation, *, by: User | None) -> ValidationError | None:
    """Why `by` may not change `organisation`, or add or change one of its workplaces, needs (or a
    need's status) or supervisors (supervisors.services asks too), or None when they may. The one
    home of the rule: a regional employer, its workplaces, needs and supervisors are the system
    administrator's (a superuser's, in the admin, like regions
    and municipalities). Several municipalities' coordinators see them and propose for the needs; one
    of them closing a need, cutting its places or renaming the employer would change it for the others,
    and a new need would be published to no municipality, no one's."""
    if organisation.is_regional and not (by is not None and by.is_superuser):
        return ValidationError(
            _("A regional employer, its workplaces and its needs are changed by the system administrator."),
            code="regional_employer",
        )
    return None


ALLOWED_NEED_STATUS = {
    NeedStatus.DRAFT: {NeedStatus.OPEN, NeedStatus.CLOSED},
    NeedStatus.OPEN: {NeedStatus.FILLED, NeedStatus.CLOSED},
    NeedStatus.FILLED: {NeedStatus.OPEN, NeedStatus.CLOSED},
    NeedStatus.CLOSED: {NeedStatus.OPEN},
}


@transaction.atomic
def need_change_status(*, need: Need, to_status: str, by: User | None) -> Need:
    if to_status not in NeedStatus.values:
        raise ValidationError(_("Unknown status."), code="unknown_status")
    locked = Need.objects.select_for_update().select_related("workplace__organisation").get(pk=need.pk)
    if refused := regional_employer_refusal(locked.workplace.organisation, by=by):
        raise refused
    if to_status not in ALLOWED_NEED_STATUS.get(NeedStatus(locked.status), set()):
        raise ValidationError(
            _("A need cannot go from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_status_display(), "to": NeedStatus(to_status).label}
        )
    locked.status = to_status
    locked.save(update_fields=["status"])
    return locked
