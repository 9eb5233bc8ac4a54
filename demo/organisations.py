"""The employers of the demo: organisations, contracts, workplaces, the needs they open over time,
their supervisors and the supervisor training."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from accounts.models import Municipality, Region, User
from supervisors.models import Enrolment, EnrolmentStatus, Supervisor, TrainingCourse, TrainingSession
from taxonomy.models import District, EducationLevel, PlacementType, SwedishLevel
from workplaces.models import Organisation, ProcurementContract, Workplace
from workplaces.organisation_numbers import normalize_organisation_number

from . import catalogue, texts
from .identity_numbers import fake_organisation_number
from .municipalities import LARGE_EMPLOYERS, EmployerFacts
from .municipalities import District as DistrictSpec
from .names import Names, email_for, fictional_phone
from .plan import TODAY_MARGIN, Calendar, NeedPlan, SupervisorPlan

# Needs are opened from this many days back to this many days ahead.
NEEDS_FROM, NEEDS_UNTIL = -960, 200
BIG_KINDS = ("care_home", "home_care", "preschool", "hospital_ward", "central_kitchen", "cleaning")
TRAINING_VALIDITY_MONTHS = 36
TRAINING_EVERY_DAYS, TRAINING_FROM, TRAINING_UNTIL = 45, -720, 120


def districts_create(specs: Sequence[DistrictSpec]) -> dict[str, District]:
    """The districts (reference data, kept by --reset) with their centre points, made or updated."""
    found: dict[str, District] = {}
    for name, latitude, longitude, _city, _postal in specs:
        district, _created = District.objects.update_or_create(
            name=name,
            defaults={
                "latitude": Decimal(latitude),
                "longitude": Decimal(longitude),
                "name_en": catalogue.DISTRICT_NAMES_EN.get(name, ""),
            },
        )
        found[name] = district
    return found


def organisations_create(
    *,
    rng: random.Random,
    cal: Calendar,
    municipality: Municipality,
    region: Region | None,
    facts: EmployerFacts = LARGE_EMPLOYERS,
) -> dict[str, Organisation]:
    """The organisations of the catalogue (or of `facts`), each company with a procurement contract with
    social requirements. Each is local to `municipality`, but a regional one (the region's own hospitals),
    which is `region`'s."""
    taken: set[str] = set()
    organisations: dict[str, Organisation] = {}
    for spec in facts.organisations:
        if spec.regional and region is None:
            raise ValueError(f"{spec.name} is a regional employer, and {municipality} is in no region.")
        number = spec.number
        if not number:
            number = fake_organisation_number(rng, "559" if spec.kind == "company" else "802", taken)
        organisations[spec.key] = Organisation(
            name=spec.name,
            kind=spec.kind,
            organisation_number=normalize_organisation_number(number),
            municipality=None if spec.regional else municipality,
            region=region if spec.regional else None,
        )
    Organisation.objects.bulk_create(organisations.values())
    contracts = []
    for spec in facts.organisations:
        if spec.contract is None:
            continue
        subject, suffix, promised = spec.contract
        start = cal.start(-rng.randint(200, 700))
        contracts.append(
            ProcurementContract(
                organisation=organisations[spec.key],
                reference=f"UH-{start.year}-{suffix}",
                subject=subject,
                start_date=start,
                end_date=start + relativedelta(years=3) - dt.timedelta(days=1),
                promised_placements=promised,
            )
        )
    ProcurementContract.objects.bulk_create(contracts)
    return organisations


def workplaces_create(
    *,
    organisations: dict[str, Organisation],
    districts: dict[str, District],
    replicas: int,
    rng: random.Random,
    names: Names,
    facts: EmployerFacts = LARGE_EMPLOYERS,
) -> list[tuple[Workplace, str]]:
    """The catalogue's workplaces (or those of `facts`); for large demos the catalogue again as further
    units ("enhet 2"...)."""
    domains = {spec.key: spec.domain for spec in facts.organisations}
    cities = {name: (city, postal) for name, _lat, _lon, city, postal in facts.districts}
    rows: list[tuple[Workplace, str]] = []
    for replica in range(1, replicas + 1):
        for org_key, name, kind, district, street in facts.workplaces:
            first, last = names.person(rng)
            city, postal = cities[district]
            rows.append(
                (
                    Workplace(
                        organisation=organisations[org_key],
                        name=name if replica == 1 else f"{name}, enhet {replica}",
                        street_address=street if replica == 1 else f"{rng.choice(names.streets)} {rng.randint(1, 60)}",
                        postal_code=postal,
                        city=city,
                        district=districts[district],
                        contact_name=f"{first} {last}",
                        contact_phone=fictional_phone(rng),
                        contact_email=email_for(first, last, domains[org_key]),
                    ),
                    kind,
                )
            )
    Workplace.objects.bulk_create([workplace for workplace, _kind in rows])
    return rows


def needs_plan(*, workplaces: list[tuple[Workplace, str]], rng: random.Random) -> list[NeedPlan]:
    """Openings over time: each workplace runs one to three streams of consecutive needs."""
    needs: list[NeedPlan] = []
    for workplace, kind in workplaces:
        offers = catalogue.OFFERS[kind]
        type_weights = catalogue.NEED_TYPES[workplace.organisation.kind]
        streams = 1 + (kind in BIG_KINDS) + (rng.random() < 0.3)
        for _stream in range(streams):
            start = NEEDS_FROM + rng.randrange(0, 150)
            while start < NEEDS_UNTIL:
                offer = rng.choices(offers, weights=[o.weight for o in offers])[0]
                ptype = rng.choices([t for t, _w in type_weights], weights=[w for _t, w in type_weights])[0]
                long = ptype in catalogue.EMPLOYMENT_TYPES
                length = rng.randint(300, 600) if long else rng.randint(150, 400)
                needs.append(_need(len(needs), workplace, kind, offer, ptype, start, start + length, rng))
                start += length + rng.randint(0, 60)
    return needs


def _need(
    index: int,
    workplace: Workplace,
    kind: str,
    offer: catalogue.Offer,
    ptype: str,
    start: int,
    end: int,
    rng: random.Random,
    *,
    places: int | None = None,
    dedicated: bool = False,
) -> NeedPlan:
    long = ptype in catalogue.EMPLOYMENT_TYPES
    if long:
        hours = rng.choice([Decimal("6.0"), Decimal("8.0"), Decimal("8.0")])
    else:
        hours = Decimal("4.0") if rng.random() < 0.8 else rng.choice([Decimal("3.0"), Decimal("5.0"), Decimal("6.0")])
    extract = offer.extract if offer.extract and rng.random() < offer.extract_share else ""
    min_swedish = max(0, offer.min_swedish - (rng.random() < 0.2))
    return NeedPlan(
        index=index,
        workplace=workplace,
        kind=kind,
        code=offer.code,
        ptype=ptype,
        start=start,
        end=end,
        places=places if places is not None else rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0],
        hours=hours,
        min_swedish=min_swedish,
        min_education=EducationLevel.COMPULSORY if offer.code == "5321" and rng.random() < 0.3 else None,
        licence=rng.random() < offer.licence_share,
        extract=extract,
        track=catalogue.TRACK_OF_CODE.get(offer.code) if rng.random() < 0.5 else None,
        district=workplace.district.name,  # type: ignore[union-attr]  # every demo workplace has a district
        dedicated=dedicated,
    )


def dedicated_need(
    index: int, workplace: Workplace, kind: str, ptype: str, start: int, end: int, places: int, rng: random.Random
) -> NeedPlan:
    """A need for a summer job or a historical measure, kept out of general matching."""
    offers = catalogue.OFFERS[kind]
    offer = rng.choices(offers, weights=[o.weight for o in offers])[0]
    return _need(index, workplace, kind, offer, ptype, start, end, rng, places=places, dedicated=True)


def supervisors_create(
    *,
    workplaces: list[tuple[Workplace, str]],
    rng: random.Random,
    names: Names,
    demo_user: User | None,
    facts: EmployerFacts = LARGE_EMPLOYERS,
) -> dict[int, list[SupervisorPlan]]:
    """One to three supervisors per workplace, each taking one to three participants at a time.

    The first supervisor of the demo supervisor's workplace is the demo user `handledare` (`demo_user`)."""
    by_workplace: dict[int, list[SupervisorPlan]] = {}
    rows: list[Supervisor] = []
    plans: list[SupervisorPlan] = []
    for workplace, kind in workplaces:
        count = 1 + (kind in BIG_KINDS) + (rng.random() < 0.4)
        for _ in range(count):
            plan = SupervisorPlan(
                index=len(plans), workplace=workplace, kind=kind, max_participants=rng.choice([1, 2, 2, 3, 3])
            )
            user = None
            if (
                demo_user is not None
                and workplace.name == catalogue.HANDLEDARE_WORKPLACE
                and workplace.pk not in by_workplace
            ):
                plan.user = user = demo_user
                plan.max_participants = 3
            plans.append(plan)
            rows.append(supervisor_row(plan, rng, names, user=user, facts=facts))
            by_workplace.setdefault(workplace.pk, []).append(plan)
    Supervisor.objects.bulk_create(rows)
    for plan, row in zip(plans, rows, strict=True):
        plan.pk = row.pk
    return by_workplace


def supervisor_row(
    plan: SupervisorPlan,
    rng: random.Random,
    names: Names,
    *,
    user: User | None = None,
    facts: EmployerFacts = LARGE_EMPLOYERS,
) -> Supervisor:
    first, last = (user.first_name, user.last_name) if user is not None else names.person(rng)
    domain = facts.domain_of(plan.workplace.organisation.name)
    return Supervisor(
        workplace=plan.workplace,
        first_name=first,
        last_name=last,
        title=texts.SUPERVISOR_TITLES[plan.kind],
        # The plan's index keeps e-mail addresses unique within the workplace whatever the names.
        email=email_for(first, last, domain, plan.index),
        phone=fictional_phone(rng),
        user=user,
        max_participants=plan.max_participants,
    )


def training_create(
    *, supervisor_pks: list[int], demo_supervisor_pk: int, replicas: int, rng: random.Random, cal: Calendar
) -> tuple[int, int]:
    """The supervisor training course, its sessions over the last two years and ahead, and enrolments.

    Returns the numbers of sessions and enrolments.
    """
    course = TrainingCourse.objects.create(
        name="Handledarutbildning",
        description="Ledarskap och kommunikation för dig som är eller vill bli handledare, i kommunen eller hos "
        "företag med sociala krav i upphandlade avtal. Ska inspirera, utbilda och stötta.",
        validity_months=TRAINING_VALIDITY_MONTHS,
    )
    sessions: list[TrainingSession] = []
    offsets: list[int] = []
    for offset in range(TRAINING_FROM, TRAINING_UNTIL, TRAINING_EVERY_DAYS):
        if -TODAY_MARGIN < offset < TODAY_MARGIN:
            offset = TODAY_MARGIN
        for replica in range(replicas):
            sessions.append(
                TrainingSession(
                    course=course,
                    starts_at=cal.at(_working(cal, offset), 9 * 60),
                    ends_at=cal.at(_working(cal, offset), 15 * 60 + 30),
                    location=texts.SESSION_LOCATIONS[replica % len(texts.SESSION_LOCATIONS)],
                    capacity=20,
                    trainer=rng.choice(texts.TRAINERS),
                )
            )
            offsets.append(offset)
    TrainingSession.objects.bulk_create(sessions)
    past = [i for i, offset in enumerate(offsets) if offset < 0]
    upcoming = [i for i, offset in enumerate(offsets) if offset > 0]
    seats = [0] * len(sessions)
    enrolments: list[Enrolment] = []

    def take(choices: list[int]) -> int | None:
        for _ in range(8):
            i = rng.choice(choices)
            if seats[i] < sessions[i].capacity:
                seats[i] += 1
                return i
        return None

    for pk in supervisor_pks:
        draw, attendance = rng.random(), rng.random()
        if pk == demo_supervisor_pk:
            draw = attendance = 0.0  # the demo supervisor is trained
        if draw < 0.62:
            i = take(past)
            if i is None:
                continue
            completed = sessions[i].starts_at.date() if attendance < 0.9 else None
            enrolments.append(
                Enrolment(
                    session=sessions[i],
                    supervisor_id=pk,
                    status=EnrolmentStatus.CANCELLED if attendance > 0.97 else EnrolmentStatus.ENROLLED,
                    enrolled_at=cal.at(offsets[i] - rng.randint(10, 40), rng.randrange(480, 960)),
                    attended=True if completed else (None if attendance > 0.97 else False),
                    completed_on=completed,
                    valid_until=completed + relativedelta(months=TRAINING_VALIDITY_MONTHS) if completed else None,
                )
            )
        elif draw < 0.8:
            i = take(upcoming)
            if i is None:
                continue
            enrolments.append(
                Enrolment(
                    session=sessions[i],
                    supervisor_id=pk,
                    status=EnrolmentStatus.WAITLISTED if draw > 0.78 else EnrolmentStatus.ENROLLED,
                    enrolled_at=cal.at(min(offsets[i] - rng.randint(5, 40), -1), rng.randrange(480, 960)),
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    return len(sessions), len(enrolments)


def _working(cal: Calendar, offset: int) -> int:
    """The offset of the first working day on or after `offset`."""
    return (cal.start(offset) - cal.today).days


def placement_type_rules() -> dict[str, PlacementType]:
    return {t.code: t for t in PlacementType.objects.all()}


def demo_supervisor_need(index: int, workplace: Workplace, kind: str) -> NeedPlan:
    """The need the demo supervisor's own placements are in: care-assistant work placements, three places."""
    return NeedPlan(
        index=index,
        workplace=workplace,
        kind=kind,
        code="5330",
        ptype="praktik",
        start=-280,
        end=210,
        places=3,
        hours=Decimal("4.0"),
        min_swedish=SwedishLevel.SFI_B,
        min_education=None,
        licence=False,
        extract="care",
        track=None,
        district=workplace.district.name,  # type: ignore[union-attr]  # every demo workplace has a district
    )
