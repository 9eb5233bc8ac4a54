"""Who the demo's participants are: target group, background, competences and wishes.

Dates here are offsets from today (see `plan`); the participant rows are written later, once
their placements and status history are known.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from participants.models import Gender, InformationLanguage, ReferralSource, TargetGroup
from taxonomy.models import EducationLevel as EL
from taxonomy.models import SwedishLevel as SL

from . import catalogue, texts
from .identity_numbers import IdentityNumbers, fake_identity_number
from .names import Names, ascii_slug, fictional_phone
from .plan import TODAY_MARGIN, ParticipantPlan

REFERRAL_FROM = -912  # about two and a half years back
RECENT = -60  # referred later than this: still being mapped, no placement yet
PINNED = 4  # the first participants are the demo supervisor's, see allocation.pin_demo_placements

TEAM_OF_GROUP = {
    TargetGroup.NEWCOMER: catalogue.NEWCOMER_TEAM,
    TargetGroup.YOUTH: catalogue.YOUTH_TEAM,
    TargetGroup.OTHER: catalogue.OTHER_TEAM,
}
SWEDISH = {
    TargetGroup.NEWCOMER: ([SL.NONE, SL.SFI_A, SL.SFI_B, SL.SFI_C, SL.SFI_D, SL.SFI_COMPLETED], [5, 20, 30, 25, 15, 5]),
    TargetGroup.YOUTH: ([SL.FLUENT, SL.SVA, SL.SFI_C, SL.SFI_D, SL.SFI_COMPLETED], [75, 10, 5, 5, 5]),
    TargetGroup.OTHER: ([SL.FLUENT, SL.SVA, SL.SFI_COMPLETED, SL.SFI_D], [65, 15, 10, 10]),
}
EDUCATION = {
    TargetGroup.NEWCOMER: (
        [EL.NONE, EL.COMPULSORY, EL.UPPER_SECONDARY, EL.POST_SECONDARY, EL.UNIVERSITY],
        [12, 30, 28, 12, 18],
    ),
    TargetGroup.YOUTH: ([EL.NONE, EL.COMPULSORY, EL.UPPER_SECONDARY], [5, 55, 40]),
    TargetGroup.OTHER: (
        [EL.NONE, EL.COMPULSORY, EL.UPPER_SECONDARY, EL.POST_SECONDARY, EL.UNIVERSITY],
        [5, 35, 45, 10, 5],
    ),
}
AGE_YEARS = {TargetGroup.NEWCOMER: (20, 58), TargetGroup.YOUTH: (16, 24), TargetGroup.OTHER: (25, 63)}
COORDINATION_SHARE = {TargetGroup.NEWCOMER: 0.15, TargetGroup.YOUTH: 0.02, TargetGroup.OTHER: 0.01}
LICENCE_SHARE = {TargetGroup.NEWCOMER: 0.15, TargetGroup.YOUTH: 0.25, TargetGroup.OTHER: 0.5}
HOURS = {
    TargetGroup.NEWCOMER: ([Decimal("4.0"), Decimal("3.0"), Decimal("5.0")], [85, 7, 8]),
    TargetGroup.YOUTH: ([Decimal("4.0"), Decimal("6.0"), Decimal("8.0")], [50, 30, 20]),
    TargetGroup.OTHER: ([Decimal("4.0"), Decimal("6.0"), Decimal("8.0")], [55, 30, 15]),
}
# The language a newcomer is told things in, from their origin's first language (demo.texts codes;
# "prs" is Dari). Languages Platsa has no summary in fall back to easy Swedish.
INFORMATION_LANGUAGE = {
    "ar": InformationLanguage.ARABIC,
    "ti": InformationLanguage.TIGRINYA,
    "so": InformationLanguage.SOMALI,
    "prs": InformationLanguage.DARI,
    "uk": InformationLanguage.UKRAINIAN,
}
# Occupations people look for and have done, with weights.
WISHES = {
    TargetGroup.NEWCOMER: {
        "5330": 8,
        "5321": 4,
        "9412": 8,
        "9111": 6,
        "5311": 5,
        "4322": 5,
        "7111": 4,
        "5120": 4,
        "5152": 3,
        "9622": 3,
        "8211": 2,
        "7612": 2,
        "5223": 2,
        "6113": 2,
        "4410": 1,
        "5343": 2,
    },
    TargetGroup.YOUTH: {
        "5223": 5,
        "9412": 4,
        "4322": 4,
        "5311": 4,
        "5312": 3,
        "3422": 3,
        "9622": 3,
        "5330": 3,
        "7111": 2,
        "4410": 2,
        "6113": 2,
        "4222": 2,
    },
    TargetGroup.OTHER: {
        "9111": 5,
        "5152": 4,
        "4322": 4,
        "9412": 4,
        "9622": 4,
        "5330": 4,
        "6113": 3,
        "7111": 3,
        "5223": 3,
        "9629": 3,
        "8332": 2,
        "4410": 1,
        "7522": 2,
    },
}
HOME_COUNTRY_WORK = {
    "2341": 3,
    "2343": 2,
    "5120": 4,
    "7111": 4,
    "8332": 3,
    "7233": 3,
    "5223": 4,
    "6113": 3,
    "7612": 3,
    "5321": 2,
    "9412": 3,
    "8211": 2,
    "7522": 2,
    "9629": 2,
    "2622": 1,
}
# Fields (SSYK groups above the unit level) someone may name as an interest.
FIELDS = ["53", "51", "91", "94", "71", "43", "512", "531", "532", "941"]
DISTRICT_WEIGHTS = {
    "Centrum": 12,
    "Stadsdel Norr": 8,
    "Körfältet": 8,
    "Odensala": 8,
    "Odenskog": 10,
    "Lugnvik": 10,
    "Torvalla": 10,
    "Frösön": 9,
    "Brunflo": 6,
    "Lit": 4,
    "Tandsbyn": 2,
    "Orrviken": 2,
}


def participants_plan(
    *,
    count: int,
    rng: random.Random,
    names: Names,
    today: dt.date,
    taken: IdentityNumbers,
    pinned: int = PINNED,
    districts: Mapping[str, int] = DISTRICT_WEIGHTS,
    team: str | None = None,
) -> list[ParticipantPlan]:
    """`count` participants: about half newcomers, a quarter young people, a quarter others; the first
    `pinned` of them the demo supervisor's. They live in `districts` (name: weight) and belong to the
    team of their target group, or all to `team`. `taken` holds the identity numbers already given
    (in every municipality: they are unique), and gets theirs."""
    groups = [TargetGroup.NEWCOMER] * min(pinned, count) + rng.choices(
        [TargetGroup.NEWCOMER, TargetGroup.YOUTH, TargetGroup.OTHER], weights=[50, 25, 25], k=max(0, count - pinned)
    )
    plans = [_participant(i, group, rng, names, today, taken, districts) for i, group in enumerate(groups)]
    for plan in plans[:pinned]:
        plan.kind = "pinned"
    if team is not None:
        for plan in plans:
            plan.team = team
    return plans


def _participant(
    index: int,
    group: TargetGroup,
    rng: random.Random,
    names: Names,
    today: dt.date,
    taken: IdentityNumbers,
    districts: Mapping[str, int],
) -> ParticipantPlan:
    gender = rng.choices([Gender.FEMALE, Gender.MALE, Gender.OTHER, Gender.UNKNOWN], weights=[48, 48, 1, 3])[0]
    female = gender == Gender.FEMALE or (gender not in (Gender.FEMALE, Gender.MALE) and rng.random() < 0.5)
    origin = rng.choices(texts.ORIGINS, weights=[o.weight for o in texts.ORIGINS])[0]
    if group == TargetGroup.NEWCOMER:
        first = rng.choice(origin.female if female else origin.male)
        last = rng.choice(origin.last)
    else:
        first, last = names.person(rng, female=female)
    low, high = AGE_YEARS[group]
    birth = today - dt.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300))
    identity = fake_identity_number(
        rng, birth, male=not female, coordination=rng.random() < COORDINATION_SHARE[group], taken=taken
    )
    referral = rng.randint(REFERRAL_FROM, -TODAY_MARGIN)
    swedish = rng.choices(*SWEDISH[group])[0]
    education = rng.choices(*EDUCATION[group])[0]
    prefs = _wishes(group, rng)
    source, assistance = _referral(group, rng)
    track = _track(group, education, prefs, rng)
    fields: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "identity_number": identity,
        "gender": gender,
        "phone": fictional_phone(rng) if rng.random() < 0.9 else "",
        "email": f"{ascii_slug(first)}.{ascii_slug(last)}{index}@example.com" if rng.random() < 0.5 else "",
        "target_group": group,
        "receives_social_assistance": assistance,
        "referral_source": source,
        "swedish_level": swedish,
        "education_level": education,
        "has_driving_licence": rng.random() < LICENCE_SHARE[group],
        "hours_per_day": rng.choices(*HOURS[group])[0],
        # A newcomer is told things in their first language where Platsa has it (the placement
        # summary, text messages); everyone else in easy Swedish. No draw: the rest stays as seeded.
        "information_language": INFORMATION_LANGUAGE.get(origin.languages[0], InformationLanguage.EASY_SWEDISH)
        if group == TargetGroup.NEWCOMER
        else InformationLanguage.EASY_SWEDISH,
    }
    plan = ParticipantPlan(
        index=index,
        target_group=group,
        kind="recent" if referral > RECENT else "general",
        referral=referral,
        mapped=referral + rng.randint(10, 25),
        swedish=swedish,
        education=education,
        licence=fields["has_driving_licence"],
        hours=fields["hours_per_day"],
        social_assistance=assistance,
        district=rng.choices(list(districts), weights=list(districts.values()))[0],
        track=track,
        team=TEAM_OF_GROUP[group],
        prefs=prefs,
        pref_codes=frozenset(prefs),
        pref_prefixes=frozenset(code[:2] for code in prefs),
        planned=rng.choices([0, 1, 2, 3], weights=[15, 50, 27, 8])[0],
    )
    experience = _experience(group, origin, prefs, rng)
    plan.pref_codes = frozenset([*prefs, *(row[0] for row in experience)])
    plan.pref_prefixes = frozenset(code[:2] for code in plan.pref_codes)
    plan.extras = {
        "fields": fields,
        "permit_before_referral": rng.randint(14, 300) if group == TargetGroup.NEWCOMER else None,
        "languages": _languages(group, origin, rng),
        "experience": experience,
        "interests": _interests(prefs, rng),
        "final_draw": rng.random(),
    }
    return plan


def _referral(group: TargetGroup, rng: random.Random) -> tuple[str, bool]:
    draw = rng.random()
    if group == TargetGroup.NEWCOMER:
        return ReferralSource.EMPLOYMENT_SERVICE, rng.random() < 0.1
    if group == TargetGroup.YOUTH:
        source = (
            ReferralSource.EMPLOYMENT_SERVICE
            if draw < 0.7
            else ReferralSource.SOCIAL_SERVICES
            if draw < 0.95
            else ReferralSource.OTHER
        )
    else:
        source = (
            ReferralSource.EMPLOYMENT_SERVICE
            if draw < 0.45
            else ReferralSource.SOCIAL_SERVICES
            if draw < 0.95
            else ReferralSource.OTHER
        )
    assistance = rng.random() < (0.8 if source == ReferralSource.SOCIAL_SERVICES else 0.15)
    return source, assistance


def _wishes(group: TargetGroup, rng: random.Random) -> list[str]:
    weights = WISHES[group]
    chosen: list[str] = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        code = rng.choices(list(weights), weights=list(weights.values()))[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


def _track(group: TargetGroup, education: int, prefs: list[str], rng: random.Random) -> str | None:
    share = {TargetGroup.NEWCOMER: 0.3, TargetGroup.YOUTH: 0.1, TargetGroup.OTHER: 0.15}[group]
    if rng.random() >= share:
        return None
    if education <= EL.COMPULSORY and rng.random() < 0.5:
        return "utan-gymnasieutbildning"
    for code in prefs:
        if code in catalogue.TRACK_OF_CODE:
            return catalogue.TRACK_OF_CODE[code]
    return "eget-foretagande" if rng.random() < 0.3 else "industri"


def _languages(group: TargetGroup, origin: texts.Origin, rng: random.Random) -> list[str]:
    if group == TargetGroup.NEWCOMER:
        codes = [origin.languages[0]]
        if len(origin.languages) > 1 and rng.random() < 0.4:
            codes.append(origin.languages[1])
        if rng.random() < 0.25:
            codes.append("en")
        return codes
    codes = ["sv"]
    if rng.random() < (0.8 if group == TargetGroup.YOUTH else 0.5):
        codes.append("en")
    if rng.random() < 0.04:
        codes.append(rng.choice(["fi", "se", "ar", "so"]))
    return codes


def _experience(
    group: TargetGroup, origin: texts.Origin, prefs: list[str], rng: random.Random
) -> list[tuple[str, Decimal, str]]:
    """(SSYK unit code, years, country) rows: home-country work for newcomers, Swedish jobs for others."""
    share, most = {TargetGroup.NEWCOMER: (0.7, 2), TargetGroup.YOUTH: (0.3, 1), TargetGroup.OTHER: (0.7, 3)}[group]
    if rng.random() >= share:
        return []
    rows: list[tuple[str, Decimal, str]] = []
    for _ in range(rng.randint(1, most)):
        if group == TargetGroup.NEWCOMER:
            code = rng.choices(list(HOME_COUNTRY_WORK), weights=list(HOME_COUNTRY_WORK.values()))[0]
            country = origin.country
        else:
            code = rng.choice(prefs) if rng.random() < 0.5 else rng.choice(list(WISHES[group]))
            country = texts.SWEDISH_COUNTRY
        if any(code == row[0] for row in rows):
            continue
        top = 2 if group == TargetGroup.YOUTH else 15
        rows.append((code, Decimal(rng.randint(5, top * 10)) / 10, country))
    return rows


def _interests(prefs: list[str], rng: random.Random) -> list[str]:
    """The wishes as SSYK units, sometimes a whole field too."""
    interests = list(prefs)
    if rng.random() < 0.3:
        field = rng.choice(FIELDS)
        if field not in interests:
            interests.append(field)
    return interests
