"""The participant list's search and filters (django-filter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.search import SearchFilter, filter_words, search_words
from taxonomy.models import JobTrack, SwedishLevel

from .identity import normalize_identity_number
from .models import Participant, ParticipantStatus, TargetGroup


class ParticipantFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method="search", help_text=_("Name, or a whole identity number."))
    status = django_filters.MultipleChoiceFilter(label=capfirst(_("status")), choices=ParticipantStatus.choices)
    target_group = django_filters.ChoiceFilter(label=capfirst(_("target group")), choices=TargetGroup.choices)
    job_track = django_filters.ModelChoiceFilter(label=capfirst(_("job track")), queryset=JobTrack.objects.all())
    coordinator = django_filters.ModelChoiceFilter(
        label=capfirst(_("responsible coordinator")), queryset=User.objects.none()
    )
    swedish_level_min = django_filters.ChoiceFilter(
        label=_("Swedish at least"), choices=SwedishLevel.choices, field_name="swedish_level", lookup_expr="gte"
    )
    programme_months_left = django_filters.NumberFilter(
        label=_("In the establishment programme, at most this many months left"),
        method="in_programme_with_months_left",
        min_value=0,
        max_value=24,
    )

    class Meta:
        model = Participant
        fields: list[str] = []

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["coordinator"].queryset = User.objects.filter(  # type: ignore[misc]  # a coordinator has a team
            team_id=user.team_id, groups__name=Role.COORDINATOR
        ).order_by("first_name", "last_name")

    def search(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        value = value.strip()
        if not value:
            return queryset
        if sum(c.isdigit() for c in value) >= 10:
            try:
                return queryset.filter(identity_number=normalize_identity_number(value))
            except ValidationError:
                return queryset.none()
        return filter_words(queryset, words=search_words(value), fields=["first_name", "last_name"])

    def in_programme_with_months_left(
        self, queryset: QuerySet[Participant], name: str, value: int
    ) -> QuerySet[Participant]:
        today: dt.date = timezone.localdate()
        return queryset.filter(
            establishment_programme_end__gte=today,
            establishment_programme_end__lte=today + relativedelta(months=int(value)),
        )
