"""The demo region beyond its large municipality: the two small municipalities (`demo.municipalities`),
planned and then written the way `generation` plans and writes the large one, and the place where the
region's employers join every municipality's matching.

A small municipality draws from random generators of its own (seeded with the demo's seed and its SCB
code), so adding or changing one never shifts another's data, and the large municipality's is the same
as when it was the only one. Its participants are placed at its own workplaces and, where the region's needs are
published to it (`SmallMunicipality.regional_needs`), a few at those; its one coordinator has every
participant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.models import Municipality, Region, Role, Team, User
from placements.models import PlacementStatus as St
from taxonomy.models import District, SwedishLevel
from workplaces.models import Need, Workplace

from .allocation import allocate, busy, free_supervisor, placement_make, status_path
from .identity_numbers import IdentityNumbers
from .municipalities import DemoLogin, SmallMunicipality
from .names import Names, email_for
from .organisations import districts_create, needs_plan, organisations_create, supervisors_create, workplaces_create
from .people import participants_plan
from .plan import Calendar, NeedPlan, ParticipantPlan, SupervisorPlan
from .timetables import timetables_write
from .writing import References, needs_write, outcomes_write, participants_write, placements_write

PHASES = ["people", "employers", "needs", "matching", "status", "writing", "outcomes", "timetables", "regional"]


# The region's need the small municipalities' participants are placed at is at the hospital's kitchen.
REGIONAL_KIND = "hospital_kitchen"
# The placements a small municipality gets there, one of each stage of the life cycle going on now:
# (start, end, status) as offsets, overlapping, so that the places are shared.
REGIONAL_PLACEMENTS = [(-60, 100, St.ACTIVE), (21, 160, St.AGREED), (35, 175, St.PROPOSED)]


@dataclass
class RegionalEmployers:
    """The region's needs that the small municipalities' participants are placed at, planned here and
    written with the large municipality's (`regional_needs_write`); the supervisors of the region's
    workplaces by workplace pk (the large municipality's plans, so their load is shared with its
    placements); and which of the needs are published to which small municipality (by pk)."""

    needs: list[NeedPlan] = field(default_factory=list)
    supervisors: dict[int, list[SupervisorPlan]] = field(default_factory=dict)
    published: dict[int, list[NeedPlan]] = field(default_factory=dict)

    def published_to(self, municipality: Municipality) -> list[NeedPlan]:
        return self.published.get(municipality.pk, [])


def regional_employers_plan(
    *,
    needs: list[NeedPlan],
    workplaces: list[tuple[Workplace, str]],
    supervisors: dict[int, list[SupervisorPlan]],
    published_to: list[Municipality],
) -> RegionalEmployers:
    """The region's need at its hospital's kitchen for the small municipalities in `published_to`.

    The region's own employer (Region Jämtland Härjedalen, its hospitals) is planned with the large
    municipality's employers, and the large municipality's matching places its participants at the
    needs planned with them. This plans one need more, after all of those (`needs`: its index follows
    theirs) and kept out of the large municipality's matching, so that its data is what it was without
    it; `regional_placements_pin` places a few of each small municipality's participants there. The
    same NeedPlan goes to each of them, so the places are shared the way the placement rules share
    them, and so is the load of the workplace's supervisors with the large municipality's placements."""
    regional = [(w, kind) for w, kind in workplaces if w.organisation.region_id is not None]
    if not published_to or not regional:
        return RegionalEmployers()
    workplace, kind = next(((w, k) for w, k in regional if k == REGIONAL_KIND), regional[0])
    need = NeedPlan(
        index=len(needs),
        workplace=workplace,
        kind=kind,
        # Kitchen assistants in work placements, three places, from five months ago to nine months on.
        code="9412",
        ptype="praktik",
        start=-150,
        end=270,
        places=3,
        hours=Decimal("4.0"),
        min_swedish=SwedishLevel.NONE,
        min_education=None,
        licence=False,
        extract="",
        track=None,
        district=workplace.district.name,  # type: ignore[union-attr]  # every demo workplace has a district
    )
    return RegionalEmployers(
        needs=[need],
        supervisors={w.pk: supervisors[w.pk] for w, _kind in regional},
        published={m.pk: [need] for m in published_to},
    )


def regional_placements_pin(
    *, plans: list[ParticipantPlan], needs: list[NeedPlan], regional: RegionalEmployers, rng: random.Random
) -> None:
    """Place a few of a small municipality's participants at the region's `needs` published to it, one
    placement of each of `REGIONAL_PLACEMENTS`, where the need has a place free over the period and one of
    its workplace's supervisors has room (the places and the load counted as `allocation` counts them:
    over every placement of every municipality planned there). Run before the municipality's matching:
    the participants placed here (kind "regional") are kept out of it."""
    free = [pp for pp in plans if pp.kind == "general"]
    for need in needs:
        for start, end, status in REGIONAL_PLACEMENTS:
            if not free or busy(need.intervals, start, end) >= need.places:
                continue
            supervisor = free_supervisor(regional.supervisors[need.workplace.pk], start, end, rng)
            if supervisor is None:
                continue
            pp = free.pop(rng.randrange(len(free)))
            pp.kind = "regional"
            pp.referral = start - rng.randint(70, 110)
            pp.mapped = pp.referral + rng.randint(10, 25)
            placement_make(pp, need, supervisor, start, end, status, rng)


def regional_needs_write(
    regional: RegionalEmployers, *, refs: References, cal: Calendar, coordinators: list[User], seed: int
) -> None:
    """The region's needs planned for the small municipalities, with their working hours, after the large
    municipality's needs and before any small municipality's timetables (which look at those hours). From
    random generators of their own, so the large municipality's draws are what they were without them."""
    needs_write(regional.needs, refs=refs, cal=cal, coordinators=coordinators, rng=random.Random(f"{seed}:regional"))
    timetables_write(needs=regional.needs, plans=[], rng=random.Random(f"{seed}:regional:timetables"))


def regional_needs_publish(*, region: Region, municipalities: list[Municipality]) -> int:
    """Publish every need of `region`'s own employers (planned and written with the large
    municipality's, whose participants are placed there, and `regional_employers_plan`'s) to
    `municipalities`: their coordinators rank and propose their own participants for them, and the
    places and the supervisors' load are shared. Returns how many needs."""
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
    taken: IdentityNumbers,
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
    regional_placements_pin(
        plans=plans, needs=regional.published_to(municipality), regional=regional, rng=rng["regional"]
    )
    allocate(plans=plans, needs=needs, supervisors=supervisors, max_days=max_days, rng=rng["matching"])
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
