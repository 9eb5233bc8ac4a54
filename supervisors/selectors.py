"""Reads of supervisors. Every read starts from `.visible_to(user)`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Case, CharField, Count, Expression, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts.access import AnyUser, get_visible_or_404
from accounts.search import filter_words

from .models import Enrolment, EnrolmentStatus, LoginState, Supervisor, TrainingSession

# A day, or an expression of the outer supervisor row (a per-row period, as matching uses).
Bound = dt.date | Expression | F | OuterRef


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


def with_training_through(supervisors: QuerySet[Supervisor], *, start: Bound, end: Bound) -> QuerySet[Supervisor]:
    """Annotate `trained_until`: the end of a completed training that covers the whole period
    [start, end] (completed on or before its start, valid through its end), or None. What proposing
    for a period asks of the supervisor."""
    valid = Enrolment.objects.filter(
        supervisor=OuterRef("pk"), completed_on__isnull=False, completed_on__lte=start, valid_until__gte=end
    ).order_by("-valid_until")
    return supervisors.annotate(trained_until=Subquery(valid.values("valid_until")[:1]))


def with_training_status(supervisors: QuerySet[Supervisor], *, now: dt.datetime) -> QuerySet[Supervisor]:
    """Annotate `trained_until` (a training valid today, see with_training) and `enrolled_for`: when
    the first session the supervisor holds a seat in, not over yet, starts (None if none)."""
    seat = Enrolment.objects.filter(
        supervisor=OuterRef("pk"), status=EnrolmentStatus.ENROLLED, attended__isnull=True, session__ends_at__gte=now
    ).order_by("session__starts_at")
    return with_training(supervisors, on=timezone.localdate(now)).annotate(
        enrolled_for=Subquery(seat.values("session__starts_at")[:1])
    )


def with_login(supervisors: QuerySet[Supervisor]) -> QuerySet[Supervisor]:
    """Annotate `login_state` (a LoginState). An invited supervisor's account has no usable password
    until they choose one through the link (supervisor_invite), which is the honest signal: the last
    login is not, as choosing a password does not log in."""
    return supervisors.annotate(
        login_state=Case(
            When(Q(user__isnull=True) | Q(user__is_active=False), then=Value(LoginState.NO)),
            When(user__password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value(LoginState.INVITED)),
            default=Value(LoginState.YES),
            output_field=CharField(),
        )
    )


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
