"""Building and removing the demo region: its large municipality here, its two small ones in `region`;
`manage.py seed_demo` is a thin wrapper around these.

The build plans everything in memory first (who, which needs, which placements, which statuses),
then writes it with `bulk_create`. Randomness comes only from `random.Random` instances derived from
the seed, one per phase, so that a phase drawing more or fewer numbers never shifts another's, and
from a Faker seeded with the same seed. Dates are relative to today (`timezone.localdate()`);
the counts are not (see `plan`).
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Municipality, Region, Role, Team, User
from accounts.services import municipality_from_settings
from participants.models import (
    Exit,
    Interest,
    Participant,
    ParticipantPrerequisite,
    ProgrammeStatus,
    RecordsExtractCheck,
    StatusChange,
    StudyTime,
    WorkExperience,
)
from placements.models import FollowUp, LaterOutcome, Placement, PlacementEvent
from reporting.models import Indicator, QuarterlyReport, StrategyGoal, Target
from supervisors.models import Enrolment, Supervisor, TrainingCourse, TrainingSession
from taxonomy.models import JobTrack, Language, Prerequisite
from workplaces.models import Need, Organisation, ProcurementContract, WorkingHours, Workplace

from . import catalogue
from .allocation import allocate, pin_demo_placements, status_path
from .identity_numbers import IdentityNumbers
from .municipalities import SMALL_MUNICIPALITIES
from .names import Names, ascii_slug, email_for, fictional_phone
from .organisations import (
    demo_supervisor_need,
    districts_create,
    needs_plan,
    organisations_create,
    placement_type_rules,
    supervisor_row,
    supervisors_create,
    training_create,
    workplaces_create,
)
from .people import PINNED, participants_plan
from .plan import Calendar, ParticipantPlan
from .region import (
    regional_employers_plan,
    regional_needs_publish,
    regional_needs_write,
    small_municipality_create,
    small_municipality_plan,
    small_municipality_write,
)
from .seasons import SeasonalPlanner
from .timetables import timetables_write
from .writing import (
    References,
    agreement_terms_write,
    needs_write,
    outcomes_write,
    participants_write,
    placements_write,
    signed_agreements_write,
)

DEMO_PASSWORD = "platsa-demo"
DEMO_DOMAIN = "ostersund.example"
MARKER_USERNAME = "koordinator"
# username: (first name, last name, role, team or None, superuser)
DEMO_USERS: dict[str, tuple[str, str, Role, str | None, bool]] = {
    "koordinator": ("Sara", "Lindqvist", Role.COORDINATOR, catalogue.NEWCOMER_TEAM, False),
    "handledare": ("Karin", "Sundqvist", Role.SUPERVISOR, None, False),
    "chef": ("Lena", "Berglund", Role.MANAGER, None, False),
    "regionchef": ("Anders", "Nordin", Role.REGIONAL_MANAGER, None, False),
    "administrator": ("Johan", "Ek", Role.ADMINISTRATOR, None, False),
    "admin": ("Admin", "Platsa", Role.ADMINISTRATOR, None, True),
}
DEMO_REGION_CODE = "jamtland-harjedalen"
DEMO_REGION_NAME = "Region Jämtland Härjedalen"
PARTICIPANTS_PER_REPLICA = 500  # one more set of the catalogue's workplaces per this many participants
CASELOAD = 70  # participants per coordinator, roughly
KOORDINATOR_WEIGHT = 2  # the demo coordinator carries a double caseload, so their lists are full
RNG_PHASES = [
    "people",
    "users",
    "employers",
    "needs",
    "seasons",
    "pinned",
    "matching",
    "status",
    "writing",
    "training",
    "outcomes",
    "timetables",
]

# Everything the demo writes, leaves first: the order `demo_delete` empties the tables in.
DEMO_MODELS: list[type[models.Model]] = [
    LaterOutcome,
    FollowUp,
    PlacementEvent,
    Placement,
    Exit,
    ProgrammeStatus,
    RecordsExtractCheck,
    ParticipantPrerequisite,
    StatusChange,
    StudyTime,
    WorkExperience,
    Interest,
    Participant,
    Enrolment,
    TrainingSession,
    TrainingCourse,
    Supervisor,
    WorkingHours,
    Need,
    ProcurementContract,
    Workplace,
    Organisation,
    Target,
    Indicator,
    StrategyGoal,
    QuarterlyReport,
]


def demo_exists() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


@transaction.atomic
def demo_delete() -> None:
    """Remove the demo: every participant, placement, workplace, supervisor, training and target, and the
    demo users. Reference data (occupations, districts, municipalities, teams, placement types, languages)
    stays."""
    for model in DEMO_MODELS:
        model._default_manager.all().delete()
    role_users = [name for name, spec in DEMO_USERS.items() if not spec[4]]
    role_users += [login.username for small in SMALL_MUNICIPALITIES for login in small.logins]
    staff = Q(email__endswith=f"@{DEMO_DOMAIN}")
    for small in SMALL_MUNICIPALITIES:
        staff |= Q(email__endswith=f"@{small.domain}")
    User.objects.filter(Q(username__in=role_users) | staff).delete()


def demo_counts() -> dict[str, int]:
    """Rows per model of everything the demo writes, users included."""
    counts = {model.__name__: model._default_manager.count() for model in reversed(DEMO_MODELS)}
    counts["User"] = User.objects.count()
    return counts


@transaction.atomic
def demo_build(*, participants: int, seed: int) -> dict[str, int]:
    """Build the demo region: its large municipality with `participants` participants, and the two small
    ones with theirs (`municipalities.SMALL_MUNICIPALITIES`). Returns the row counts.

    Everything is planned (and every matching done) before a need or a participant is written, so that
    the region's needs, shared between municipalities, are written once with all their placements known."""
    today = timezone.localdate()
    cal = Calendar(today)
    rng = {phase: random.Random(f"{seed}:{phase}") for phase in RNG_PHASES}
    names = Names(seed)
    districts = districts_create(catalogue.DISTRICTS)
    teams = _teams()
    region, municipality = _region()
    smalls = [small_municipality_create(spec, region=region, large=municipality) for spec in SMALL_MUNICIPALITIES]
    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo user
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    taken = IdentityNumbers()  # identity numbers, unique across the municipalities

    plans = participants_plan(count=participants, rng=rng["people"], names=names, today=today, taken=taken)
    demo_users, coordinators = _users_create(
        plans, teams, names, rng["users"], region=region, password=password, groups=groups
    )

    organisations = organisations_create(rng=rng["employers"], cal=cal, municipality=municipality, region=region)
    replicas = max(1, round(participants / PARTICIPANTS_PER_REPLICA))
    workplaces = workplaces_create(
        organisations=organisations, districts=districts, replicas=replicas, rng=rng["employers"], names=names
    )
    supervisors = supervisors_create(
        workplaces=workplaces, rng=rng["employers"], names=names, demo_user=demo_users["handledare"]
    )
    needs = needs_plan(workplaces=workplaces, rng=rng["needs"])

    demo_supervisor = next(s for group in supervisors.values() for s in group if s.user is not None)
    demo_need = demo_supervisor_need(len(needs), demo_supervisor.workplace, demo_supervisor.kind)
    needs.append(demo_need)
    pin_demo_placements(plans=plans[:PINNED], need=demo_need, supervisor=demo_supervisor, rng=rng["pinned"])
    seasonal = SeasonalPlanner(
        needs=needs,
        workplaces=workplaces,
        first_supervisor_index=sum(len(g) for g in supervisors.values()),
        rng=rng["seasons"],
    )
    seasonal.plan(plans, today)
    types = placement_type_rules()
    max_days = {code: t.max_weeks * 7 for code, t in types.items() if t.max_weeks}
    allocate(plans=plans, needs=needs, supervisors=supervisors, max_days=max_days, rng=rng["matching"])
    for pp in plans:
        status_path(pp, rng["status"])

    extra = [supervisor_row(sp, rng["employers"], names) for sp in seasonal.supervisors]
    Supervisor.objects.bulk_create(extra)
    for sp, row in zip(seasonal.supervisors, extra, strict=True):
        sp.pk = row.pk
    # The region's needs go to the large municipality and the small ones that take them (Bräcke), not
    # to Ragunda; a few of those small ones' participants are placed at the one planned for them.
    published = [small for spec, small in zip(SMALL_MUNICIPALITIES, smalls, strict=True) if spec.regional_needs]
    regional = regional_employers_plan(
        needs=needs, workplaces=workplaces, supervisors=supervisors, published_to=published
    )
    small_plans = [
        small_municipality_plan(
            spec,
            municipality=small,
            seed=seed,
            names=names,
            cal=cal,
            taken=taken,
            max_days=max_days,
            password=password,
            groups=groups,
            regional=regional,
        )
        for spec, small in zip(SMALL_MUNICIPALITIES, smalls, strict=True)
    ]
    refs = References(
        districts=districts,
        teams=teams,
        tracks={t.code: t for t in JobTrack.objects.all()},
        types=types,
        languages=dict(Language.objects.values_list("code", "pk")),
        prerequisites={p.code: p for p in Prerequisite.objects.filter(active=True)},
    )
    all_coordinators = [user for group in coordinators.values() for user in group]
    needs_write(needs, refs=refs, cal=cal, coordinators=all_coordinators, rng=rng["writing"])
    regional_needs_write(regional, refs=refs, cal=cal, coordinators=all_coordinators, seed=seed)
    regional_needs_publish(region=region, municipalities=[municipality, *published])
    participants_write(plans, refs=refs, cal=cal, rng=rng["writing"])
    placements_write([p for pp in plans for p in pp.placements], refs=refs, cal=cal, rng=rng["writing"])
    # The timetables before the signatures: a signed agreement prints the weekly schedule.
    timetables_write(needs=needs, plans=plans, rng=rng["timetables"])
    agreement_terms_write(municipalities=[municipality, *smalls])
    signed_agreements_write(demo_supervisor_pk=demo_supervisor.pk or 0)
    outcomes_write(plans, cal=cal, rng=rng["outcomes"])
    for small_plan in small_plans:
        small_municipality_write(small_plan, refs=refs, cal=cal)
    # The training after every municipality's supervisors are written: it counts everywhere.
    training_create(
        supervisor_pks=list(Supervisor.objects.order_by("pk").values_list("pk", flat=True)),
        demo_supervisor_pk=demo_supervisor.pk or 0,
        replicas=replicas,
        rng=rng["training"],
        cal=cal,
    )
    _reporting_create(today.year)
    return demo_counts()


def _region() -> tuple[Region, Municipality]:
    """The demo's region, and the large municipality (the settings') in it."""
    municipality = municipality_from_settings()
    region, _created = Region.objects.get_or_create(code=DEMO_REGION_CODE, defaults={"name": DEMO_REGION_NAME})
    if municipality.region_id is None:
        municipality.region = region
        municipality.save(update_fields=["region"])
    return region, municipality


def _teams() -> dict[str, Team]:
    """The demo's teams, in the one municipality of the settings (accounts.services.municipality_from_settings)."""
    municipality = municipality_from_settings()
    found: dict[str, Team] = {}
    for name, description in catalogue.TEAMS:
        team, _created = Team.objects.get_or_create(
            name=name, defaults={"description": description, "municipality": municipality}
        )
        found[name] = team
    return found


def _users_create(
    plans: list[ParticipantPlan],
    teams: dict[str, Team],
    names: Names,
    rng: random.Random,
    *,
    region: Region,
    password: str,
    groups: dict[str, Group],
) -> tuple[dict[str, User], dict[str, list[User]]]:
    """The demo users of the large municipality (and the regional manager, of `region`), and enough
    coordinators per team for a caseload of about 70; then gives every participant a coordinator of
    their team. `password` is the hashed demo password."""
    demo: dict[str, User] = {}
    municipality = municipality_from_settings()
    for username, (first, last, role, team, superuser) in DEMO_USERS.items():
        regional = role == Role.REGIONAL_MANAGER
        fields = {
            "first_name": first,
            "last_name": last,
            "email": email_for(first, last, DEMO_DOMAIN),
            "password": password,
            "team": teams[team] if team else None,
            # Everyone here belongs to the large municipality, a team member through the team; the
            # regional manager to the region instead.
            "municipality": None if regional else teams[team].municipality if team else municipality,
            "region": region if regional else None,
            "is_active": True,
            "is_staff": superuser or role == Role.ADMINISTRATOR,
            "is_superuser": superuser,
        }
        if superuser:
            # An administrator someone made by hand keeps their own password.
            user, created = User.objects.get_or_create(username=username, defaults=fields)
            if not created:
                continue
        else:
            user, _created = User.objects.update_or_create(username=username, defaults=fields)
        user.groups.set([groups[role]])
        demo[username] = user

    taken = set(User.objects.values_list("username", flat=True))
    sizes = {name: 0 for name in teams}
    for pp in plans:
        sizes[pp.team] += 1
    new: list[User] = []
    by_team: dict[str, list[User]] = {}
    for team_name, size in sizes.items():
        for _ in range(max(3, math.ceil(size / CASELOAD))):
            first, last = names.person(rng)
            base = username = f"{ascii_slug(first)}.{ascii_slug(last)}"
            number = 1
            while username in taken:
                number += 1
                username = f"{base}{number}"
            taken.add(username)
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{DEMO_DOMAIN}",
                password=password,
                team=teams[team_name],
                municipality=teams[team_name].municipality,
                phone=fictional_phone(rng),
            )
            new.append(user)
            by_team.setdefault(team_name, []).append(user)
    User.objects.bulk_create(new)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=groups[Role.COORDINATOR].pk) for user in new]
    )

    koordinator = demo["koordinator"]
    by_team[catalogue.NEWCOMER_TEAM].insert(0, koordinator)
    weights: dict[str, list[int]] = {}
    for team_name, users in by_team.items():
        running, total = [], 0
        for user in users:
            total += KOORDINATOR_WEIGHT if user is koordinator else 1
            running.append(total)
        weights[team_name] = running
    for pp in plans:
        if pp.kind == "pinned":
            pp.coordinator = koordinator
        else:
            pp.coordinator = rng.choices(by_team[pp.team], cum_weights=weights[pp.team])[0]
    return demo, by_team


def _reporting_create(year: int) -> None:
    """The strategy's four goals, the indicators with their definitions, and yearly targets for the last
    three years and this one."""
    goals = [StrategyGoal(number=n, title=title, description=text) for n, title, text in catalogue.STRATEGY_GOALS]
    StrategyGoal.objects.bulk_create(goals)
    by_number = {goal.number: goal for goal in goals}
    indicators = [
        Indicator(
            code=spec.code,
            name=spec.name,
            name_en=catalogue.INDICATORS_EN[spec.code][0],
            definition=spec.definition,
            definition_en=catalogue.INDICATORS_EN[spec.code][1],
            unit=spec.unit,
            goal=by_number[spec.goal],
            kolada_kpi=spec.kolada_kpi,
        )
        for spec in catalogue.INDICATORS
    ]
    Indicator.objects.bulk_create(indicators)
    municipality = municipality_from_settings()
    Target.objects.bulk_create(
        Target(
            municipality=municipality,
            indicator=indicator,
            year=target_year,
            target_value=Decimal(spec.target),
            baseline=Decimal(spec.baseline) if spec.baseline is not None else None,
            comparison_value=Decimal(spec.comparison) if spec.comparison is not None else None,
        )
        for spec, indicator in zip(catalogue.INDICATORS, indicators, strict=True)
        for target_year in range(year - 3, year + 1)
    )
