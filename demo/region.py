"""The demo region beyond its large municipality: the two small municipalities (`demo.municipalities`),
planned and then written the way `generation` plans and writes the large one, and the place where the
region's employers join every municipality's matching.

A small municipality draws from random generators of its own (seeded with the demo's seed and its SCB
code), so adding or changing one never shifts another's data, and the large municipality's is the same
as when it was the only one. Its participants are placed only at its own workplaces (and, later, at the
regional employers' needs published to it); its one coordinator has every participant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import Group

from accounts.models import Municipality, Region, Role, Team, User
from taxonomy.models import District
from workplaces.models import Need

from .allocation import allocate, status_path
from .municipalities import DemoLogin, SmallMunicipality
from .names import Names, email_for
from .organisations import districts_create, needs_plan, organisations_create, supervisors_create, workplaces_create
from .people import participants_plan
from .plan import Calendar, NeedPlan, ParticipantPlan, SupervisorPlan
from .timetables import timetables_write
from .writing import References, needs_write, outcomes_write, participants_write, placements_write

PHASES = ["people", "employers", "needs", "matching", "status", "writing", "outcomes", "timetables"]


@dataclass
class RegionalEmployers:
    """The region's employers as the matching of each municipality sees them: their needs (planned,
    written with the large municipality's, before any placement), their supervisors by workplace pk,
    and which of the needs are published to which municipality (by pk)."""

    needs: list[NeedPlan] = field(default_factory=list)
    supervisors: dict[int, list[SupervisorPlan]] = field(default_factory=dict)
    published: dict[int, list[NeedPlan]] = field(default_factory=dict)

    def published_to(self, municipality: Municipality) -> list[NeedPlan]:
        return self.published.get(municipality.pk, [])


def regional_employers_plan(*, region: Region, municipalities: list[Municipality]) -> RegionalEmployers:
    """The regional employers of the demo region and their needs published to some of `municipalities`.

    The region's own employer (Region Jämtland Härjedalen, its hospitals) is regional already: it is
    planned with the large municipality's employers, whose matching places participants there, and its
    needs are then published to the large municipality and Bräcke (`regional_needs_publish`). What this
    gives is for needs that the small municipalities' matching is to place people in too: the same
    NeedPlan object goes into each municipality's matching, so a need's places and its supervisors'
    load are shared the way the placement rules share them (indexes after every municipality's own:
    the timetables key on NeedPlan.index). The demo has none such, so this gives none.
    """
    return RegionalEmployers()


def regional_needs_publish(*, region: Region, municipalities: list[Municipality]) -> int:
    """Publish every need of `region`'s own employers (planned and written with the large
    municipality's, whose participants are placed there) to `municipalities`: their coordinators rank
    and propose their own participants for them, and the places and the supervisors' load are shared.
    Returns how many needs."""
    needs = list(Need.objects.filter(workplace__organisation__region=region).values_list("pk", flat=True))
    Through = Need.published_to.through
    Through.objects.bulk_create(
        [Through(need_id=need, municipality_id=m.pk) for need in needs for m in municipalities],
        ignore_conflicts=True,
    )
    return len(needs)


@dataclass
class SmallPlan:
    """A small municipality planned: its rows that are written first (the municipality, team, users,
    employers) and the plans of the rest."""

    spec: SmallMunicipality
    municipality: Municipality
    team: Team
    coordinator: User
    districts: dict[str, District]
    rng: dict[str, random.Random]
    needs: list[NeedPlan]
    plans: list[ParticipantPlan]


def small_municipality_create(spec: SmallMunicipality, *, region: Region, large: Municipality) -> Municipality:
    """The small municipality of the region, with its letterhead, made if missing."""
    if spec.code == large.code:
        raise ValueError(f"The demo's municipality from the settings has the code {spec.code} of {spec.name}.")
    municipality = Municipality.objects.filter(code=spec.code).first()
    if municipality is None:
        municipality = Municipality(
            code=spec.code,
            name=spec.name,
            **{f"letterhead_{key}": value for key, value in spec.letterhead.items()},
            contact_email=spec.letterhead["email"],
            contact_phone=spec.letterhead["phone"],
            region=region,
        )
        municipality.full_clean()
        municipality.save()
    elif municipality.region_id is None:
        municipality.region = region
        municipality.save(update_fields=["region"])
    return municipality


def small_municipality_plan(
    spec: SmallMunicipality,
    *,
    municipality: Municipality,
    seed: int,
    names: Names,
    cal: Calendar,
    taken: set[str],
    max_days: dict[str, int],
    password: str,
    groups: dict[str, Group],
    regional: RegionalEmployers,
) -> SmallPlan:
    """Its team and demo logins, its employers, and its participants matched to their needs."""
    rng = {phase: random.Random(f"{seed}:{spec.code}:{phase}") for phase in PHASES}
    districts = districts_create(spec.employers.districts)
    name, description = spec.team
    team, _created = Team.objects.get_or_create(
        name=name, defaults={"description": description, "municipality": municipality}
    )
    coordinator = _login(spec, spec.coordinator, Role.COORDINATOR, team, municipality, password, groups)
    _login(spec, spec.manager, Role.MANAGER, None, municipality, password, groups)

    plans = participants_plan(
        count=spec.participants,
        rng=rng["people"],
        names=names,
        today=cal.today,
        taken=taken,
        pinned=0,
        districts=spec.district_weights,
        team=team.name,
    )
    for pp in plans:
        pp.coordinator = coordinator
    organisations = organisations_create(
        rng=rng["employers"], cal=cal, municipality=municipality, region=municipality.region, facts=spec.employers
    )
    workplaces = workplaces_create(
        organisations=organisations,
        districts=districts,
        replicas=1,
        rng=rng["employers"],
        names=names,
        facts=spec.employers,
    )
    supervisors = supervisors_create(
        workplaces=workplaces, rng=rng["employers"], names=names, demo_user=None, facts=spec.employers
    )
    needs = needs_plan(workplaces=workplaces, rng=rng["needs"])
    allocate(
        plans=plans,
        needs=[*needs, *regional.published_to(municipality)],
        supervisors={**supervisors, **regional.supervisors},
        max_days=max_days,
        rng=rng["matching"],
    )
    for pp in plans:
        status_path(pp, rng["status"])
    return SmallPlan(spec, municipality, team, coordinator, districts, rng, needs, plans)


def small_municipality_write(small: SmallPlan, *, refs: References, cal: Calendar) -> None:
    """Its needs, participants, placements, timetables and outcomes, as `generation` writes the large one's."""
    refs = replace(refs, districts=small.districts, teams={small.team.name: small.team})
    rng = small.rng
    needs_write(small.needs, refs=refs, cal=cal, coordinators=[small.coordinator], rng=rng["writing"])
    participants_write(small.plans, refs=refs, cal=cal, rng=rng["writing"])
    placements_write([p for pp in small.plans for p in pp.placements], refs=refs, cal=cal, rng=rng["writing"])
    timetables_write(needs=small.needs, plans=small.plans, rng=rng["timetables"], school=small.spec.school)
    outcomes_write(small.plans, cal=cal, rng=rng["outcomes"])


def _login(
    spec: SmallMunicipality,
    login: DemoLogin,
    role: Role,
    team: Team | None,
    municipality: Municipality,
    password: str,
    groups: dict[str, Group],
) -> User:
    user, _created = User.objects.update_or_create(
        username=login.username,
        defaults={
            "first_name": login.first_name,
            "last_name": login.last_name,
            "email": email_for(login.first_name, login.last_name, spec.domain),
            "password": password,
            "team": team,
            "municipality": municipality,
            "region": None,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        },
    )
    user.groups.set([groups[role]])
    return user
