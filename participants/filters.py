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
from accounts.search import SearchFilter, search_words
from taxonomy.forms import choose_occupation_codes
from taxonomy.models import District, JobTrack, Language, Occupation, SwedishLevel
from taxonomy.search import containing_groups

from .identity import normalize_identity_number
from .models import Interest, Participant, ParticipantStatus, TargetGroup, WorkExperience
from .search import participants_matching, with_occupations

# Where the occupation filter looks: the person's work experience, their interests, or both.
EXPERIENCE, INTEREST = "experience", "interest"
DRIVING_LICENCE, NO_DRIVING_LICENCE = "yes", "no"


class ParticipantFilter(django_filters.FilterSet):
    q = SearchFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name, record number, occupation or district; or a whole identity number."),
    )
    # Plain codes, not model instances: 600 of them are read for every page (see OccupationCodeSelect).
    occupation = django_filters.ChoiceFilter(
        label=capfirst(_("occupation")),
        choices=[],
        method="with_occupation",
        help_text=_("A unit group, or a minor group with every unit group in it."),
    )
    occupation_in = django_filters.ChoiceFilter(
        label=_("Occupation from"),
        choices=[(EXPERIENCE, _("Work experience")), (INTEREST, _("Interests"))],
        empty_label=_("Work experience or interests"),
        method="occupation_source",
    )
    language = django_filters.ModelChoiceFilter(
        label=capfirst(_("language")), queryset=Language.objects.all(), method="speaking"
    )
    driving_licence = django_filters.ChoiceFilter(
        label=capfirst(_("driving licence (B)")),
        choices=[(DRIVING_LICENCE, _("Has a driving licence")), (NO_DRIVING_LICENCE, _("Has no driving licence"))],
        method="with_driving_licence",
    )
    home_district = django_filters.ModelChoiceFilter(
        label=capfirst(_("home district")), queryset=District.objects.all()
    )
    # No DISTINCT (django-filter's default for several values): a status is a column of the row, and
    # DISTINCT sorted the whole filtered list by every column.
    status = django_filters.MultipleChoiceFilter(
        label=capfirst(_("status")), choices=ParticipantStatus.choices, distinct=False
    )
    target_group = django_filters.ChoiceFilter(label=capfirst(_("target group")), choices=TargetGroup.choices)
    job_track = django_filters.ModelChoiceFilter(label=capfirst(_("job track")), queryset=JobTrack.objects.all())
    coordinator = django_filters.ModelChoiceFilter(
        label=capfirst(_("responsible coordinator")), queryset=User.objects.none()
    )
    swedish_level_min = django_filters.ChoiceFilter(
        label=_("Swedish (SFI level), at least"),
        choices=SwedishLevel.choices,
        field_name="swedish_level",
        lookup_expr="gte",
        help_text=_("Also those who have come further."),
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
        choose_occupation_codes(self.filters["occupation"], levels=(Occupation.Level.MINOR, Occupation.Level.UNIT))
        # A form field built before from the class's filters (the API schema builds them) would keep the
        # class's empty choices: this instance builds its own.
        self.filters["coordinator"].__dict__.pop("_field", None)

    def search(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        value = value.strip()
        if not value:
            return queryset
        if sum(c.isdigit() for c in value) >= 10:
            try:
                return queryset.filter(identity_number=normalize_identity_number(value))
            except ValidationError:
                return queryset.none()
        return participants_matching(queryset, words=search_words(value))

    def with_occupation(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        # A code's prefixes are its ancestors: a minor group ("532") holds the unit groups that start with
        # it. The codes come from the choices already read (an IN list the occupation index answers).
        codes = [code for code, _label in self.filters["occupation"].extra["choices"]() if code.startswith(value)]
        source = self.form.cleaned_data.get("occupation_in")
        holders: list[QuerySet[Any, int]] = []
        if source != INTEREST:
            holders.append(
                WorkExperience.objects.filter(occupation_id__in=codes).values_list("participant_id", flat=True)
            )
        if source != EXPERIENCE:
            # An interest in a whole field (a sub-major group, say) counts for each occupation in it.
            fields = sorted(containing_groups(codes))
            holders.append(Interest.objects.filter(occupation_id__in=fields).values_list("participant_id", flat=True))
        return queryset.filter(with_occupations(*holders))

    def occupation_source(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        return queryset  # read by with_occupation; alone it filters nothing

    def speaking(self, queryset: QuerySet[Participant], name: str, value: Language) -> QuerySet[Participant]:
        # A subquery, not a join: a join makes django-filter add DISTINCT.
        spoken = Participant.languages.through.objects.filter(language=value).values("participant_id")
        return queryset.filter(pk__in=spoken)

    def with_driving_licence(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        return queryset.filter(has_driving_licence=value == DRIVING_LICENCE)

    def in_programme_with_months_left(
        self, queryset: QuerySet[Participant], name: str, value: int
    ) -> QuerySet[Participant]:
        today: dt.date = timezone.localdate()
        return queryset.filter(
            establishment_programme_end__gte=today,
            establishment_programme_end__lte=today + relativedelta(months=int(value)),
        )
