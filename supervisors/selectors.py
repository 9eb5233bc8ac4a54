"""Reads of supervisors. Every read starts from `.visible_to(user)`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery

from accounts.access import AnyUser, get_visible_or_404
from accounts.search import filter_words

from .models import Enrolment, EnrolmentStatus, Supervisor, TrainingSession


def get_supervisor_for_user(user: AnyUser, pk: object) -> Supervisor:
    return get_visible_or_404(Supervisor.objects.visible_to(user).select_related("workplace__organisation"), pk=pk)


def supervisors_matching(supervisors: QuerySet[Supervisor], *, words: list[str]) -> QuerySet[Supervisor]:
    """The supervisors with every word in their name or their workplace's name (the list page and the API)."""
    return filter_words(supervisors, words=words, fields=["first_name", "last_name", "workplace__name"])


def with_training(supervisors: QuerySet[Supervisor], *, on: dt.date) -> QuerySet[Supervisor]:
    """Annotate `trained_until`: the end of a completed training valid on `on`, or None."""
    valid = Enrolment.objects.filter(
        supervisor=OuterRef("pk"), completed_on__isnull=False, completed_on__lte=on, valid_until__gte=on
    ).order_by("-valid_until")
    return supervisors.annotate(trained_until=Subquery(valid.values("valid_until")[:1]))


def with_training_through(supervisors: QuerySet[Supervisor], *, start: dt.date, end: dt.date) -> QuerySet[Supervisor]:
    """Annotate `trained_until`: the end of a training completed by `start` and valid through `end`
    (a placement's whole period), or None. The placement rules ask this."""
    valid = Enrolment.objects.filter(
        supervisor=OuterRef("pk"), completed_on__isnull=False, completed_on__lte=start, valid_until__gte=end
    ).order_by("-valid_until")
    return supervisors.annotate(trained_until=Subquery(valid.values("valid_until")[:1]))


def supervisors_in(*, workplace_ids: list[int], on: dt.date) -> QuerySet[Supervisor]:
    """The active supervisors of the workplaces, each with `trained_until`."""
    return with_training(Supervisor.objects.filter(workplace_id__in=workplace_ids, active=True), on=on).order_by(
        "last_name", "first_name"
    )


def supervisors_at(*, workplace_id: int, on: dt.date) -> QuerySet[Supervisor]:
    """The active supervisors of one workplace, each with `trained_until`."""
    return supervisors_in(workplace_ids=[workplace_id], on=on)


def sessions_with_free_seats(*, now: dt.datetime) -> QuerySet[TrainingSession]:
    """Upcoming sessions, each with `enrolled` and `free` seats, those with room only."""
    return (
        TrainingSession.objects.filter(starts_at__gt=now)
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .annotate(free=F("capacity") - F("enrolled"))
        .filter(free__gt=0)
        .select_related("course")
        .order_by("starts_at")
    )


def refreshers_due(*, today: dt.date, within_days: int = 90) -> QuerySet[Supervisor]:
    """Active supervisors whose training has run out or runs out within `within_days`."""
    return (
        Supervisor.objects.filter(active=True)
        .annotate(trained_until=Max("enrolments__valid_until"))
        .filter(trained_until__isnull=False, trained_until__lte=today + dt.timedelta(days=within_days))
        .select_related("workplace__organisation")
        .order_by("trained_until")
    )
