"""`manage.py bench_participant_list --participants N [--samples S]`: how fast the participant list is.

Builds one team of N participants (or reuses it when it already holds them), each with one to three
occupations of work experience, up to two interests, one to three languages, a home district, an SFI
level, a status and one of the team's ten coordinators; then asks for the list page as a coordinator
of that team through Django's test client (the whole request: middleware, session, filters, table,
access log, template), S times per case after one warm-up, and prints one JSON object with, per case,
the median and 95th-percentile server time in ms, the number of SQL queries of one request with the
time they took (sql_ms, of which commit_ms in COMMITs), and how many people matched:

- no_filter: the whole team, first page;
- name_word: one word of a last name (--name-word);
- occupation_word: one word that names an occupation (--occupation-word, a synonym such as
  "undersköterska"), with how many unit groups taxonomy.search found for it;
- name_and_occupation_words: both words (each must match);
- combined: the name word with the occupation (the most common minor group), language,
  driving-licence, SFI-level and status filters.

The target (issue 17) is 100 ms for each case at 20,000 participants.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team, User
from accounts.services import municipality_from_settings
from participants.filters import ParticipantFilter
from participants.identity import TEST_SERIALS, make_test_identity_number
from participants.models import (
    Interest,
    Participant,
    ParticipantStatus,
    ReferralSource,
    TargetGroup,
    WorkExperience,
)
from taxonomy.models import District, Language, Occupation, SwedishLevel
from taxonomy.search import occupation_codes_matching

TEAM_NAME = "Benchmark: participant list"
COORDINATORS = 10
BATCH = 1000

FIRST_NAMES = [
    "Amina", "Ahmed", "Fatima", "Mohammed", "Zahra", "Ali", "Hodan", "Abdi", "Sara", "Omar",
    "Leyla", "Yusuf", "Maryam", "Hassan", "Aisha", "Ibrahim", "Noor", "Khalid", "Elif", "Mehmet",
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Åsa", "Björn", "Sofía", "José",
    "Olena", "Dmytro", "Tigist", "Dawit", "Rahel", "Samir", "Nadia", "Tariq", "Ewa", "Piotr",
]  # fmt: skip
LAST_NAMES = [
    "Hassan", "Mohamed", "Ali", "Ahmed", "Abdullahi", "Yilmaz", "Kaya", "Nguyen", "Haile", "Tesfaye",
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Öberg", "Åberg", "Lindberg", "Sjöström", "Ekström", "Bergström", "Jönköping", "Gómez", "Pérez",
    "Kowalski", "Nowak", "Shevchenko", "Kovalenko", "Rahimi", "Karimi", "Hosseini", "Mahmoud",
    "Osman", "Warsame", "Farah", "Gebre", "Bekele",
]  # fmt: skip
LANGUAGES = [
    ("sv", "svenska", "Swedish"), ("ar", "arabiska", "Arabic"), ("so", "somaliska", "Somali"),
    ("ti", "tigrinja", "Tigrinya"), ("fa", "persiska", "Persian"), ("uk", "ukrainska", "Ukrainian"),
    ("en", "engelska", "English"), ("tr", "turkiska", "Turkish"), ("pl", "polska", "Polish"),
    ("es", "spanska", "Spanish"),
]  # fmt: skip
DISTRICTS = ["Centrum", "Norr", "Söder", "Öster", "Väster", "Jönköping", "Huskvarna", "Råslätt"]


class Command(BaseCommand):
    help = "Benchmark the participant list page (20,000 people in one team); prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=20_000)
        parser.add_argument("--samples", type=int, default=15, help="Requests per case (after a warm-up).")
        parser.add_argument("--name-word", default="berg")
        parser.add_argument("--occupation-word", default="undersköterska")
        parser.add_argument("--seed", type=int, default=17)

    def handle(self, *args: Any, **options: Any) -> None:
        units = list(Occupation.objects.units().values_list("code", flat=True))
        if not units:
            raise CommandError("No occupations: run the migrations (they load SSYK) first.")
        team, coordinators = self._team()
        wanted = options["participants"]
        if team.participants.count() != wanted:
            self._build(team, coordinators, wanted, units, random.Random(options["seed"]))
        self._analyze()

        client = Client(HTTP_HOST="localhost")  # allowed in the local and test settings
        client.force_login(coordinators[0])
        minor = self._busiest_minor_group(team)
        occupation_word, name_word = options["occupation_word"], options["name_word"]
        cases: dict[str, dict[str, Any]] = {
            "no_filter": {},
            "name_word": {"q": name_word},
            "occupation_word": {"q": occupation_word},
            "name_and_occupation_words": {"q": f"{name_word} {occupation_word}"},
            "combined": {
                "q": name_word,
                "occupation": minor,
                "language": str(Language.objects.get(code="ar").pk),
                "driving_licence": "yes",
                "swedish_level_min": str(SwedishLevel.SFI_B),
                "status": [ParticipantStatus.MAPPED, ParticipantStatus.REFERRED],
            },
        }
        result: dict[str, Any] = {
            "database": connection.vendor,
            "participants": team.participants.count(),
            "occupation_search_word": occupation_word,
            "occupation_codes": len(occupation_codes_matching(text=occupation_word)),
        }
        for name, filters in cases.items():
            result[name] = self._measure(client, coordinators[0], filters, samples=options["samples"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _team(self) -> tuple[Team, list[User]]:
        team, _created = Team.objects.get_or_create(
            name=TEAM_NAME, defaults={"municipality": municipality_from_settings()}
        )
        group = Group.objects.get(name=Role.COORDINATOR)
        coordinators = []
        for n in range(COORDINATORS):
            user, _created = User.objects.get_or_create(
                username=f"bench-list-{n}",
                defaults={
                    "team": team,
                    "municipality": team.municipality,
                    "first_name": "Bänk",
                    "last_name": f"Samordnare {n}",
                    "is_active": True,
                },
            )
            user.groups.add(group)
            coordinators.append(user)
        return team, coordinators

    def _busiest_minor_group(self, team: Team) -> str:
        codes = WorkExperience.objects.filter(participant__team=team).values_list("occupation_id", flat=True)
        counts: dict[str, int] = {}
        for code in codes[:5000]:
            counts[code[:3]] = counts.get(code[:3], 0) + 1
        return max(counts, key=lambda code: counts[code])

    @transaction.atomic
    def _build(self, team: Team, coordinators: list[User], count: int, units: list[str], rng: random.Random) -> None:
        Participant.objects.filter(team=team).delete()  # a run at another size: start again
        languages = [
            Language.objects.get_or_create(code=code, defaults={"name_sv": sv, "name_en": en})[0]
            for code, sv, en in LANGUAGES
        ]
        districts = [District.objects.get_or_create(name=name)[0] for name in DISTRICTS]
        taken = {number for number in Participant.objects.values_list("identity_number", flat=True) if number}
        numbers = self._identity_numbers(count, taken)
        # Occupations as people have them: a few common ones, a long tail.
        weights = [1 / (rank + 1) for rank in range(len(units))]
        rng.shuffle(units)
        today = timezone.localdate()
        statuses = [s for s, _label in ParticipantStatus.choices]
        through = Participant.languages.through
        for start in range(0, count, BATCH):
            people = Participant.objects.bulk_create(
                [
                    Participant(
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choice(LAST_NAMES),
                        identity_number=numbers[n],
                        home_district=rng.choice(districts),
                        target_group=rng.choice([TargetGroup.NEWCOMER, TargetGroup.YOUTH, TargetGroup.OTHER]),
                        referral_source=ReferralSource.EMPLOYMENT_SERVICE,
                        referral_date=today - dt.timedelta(days=rng.randrange(1, 900)),
                        swedish_level=rng.choice(SwedishLevel.values),
                        has_driving_licence=rng.random() < 0.4,
                        team=team,
                        municipality_id=team.municipality_id,
                        coordinator=rng.choice(coordinators),
                        status=rng.choice(statuses),
                    )
                    for n in range(start, min(start + BATCH, count))
                ]
            )
            experiences, interests, spoken = [], [], []
            for person in people:
                for code in set(rng.choices(units, weights, k=rng.randint(1, 3))):
                    experiences.append(
                        WorkExperience(
                            participant=person, occupation_id=code, years=Decimal(rng.randint(1, 15))
                        ).key_from_parent()
                    )
                for code in set(rng.choices(units, weights, k=rng.randint(0, 2))):
                    interests.append(Interest(participant=person, occupation_id=code).key_from_parent())
                for language in rng.sample(languages, rng.randint(1, 3)):
                    spoken.append(through(participant_id=person.pk, language_id=language.pk))
            WorkExperience.objects.bulk_create(experiences)
            Interest.objects.bulk_create(interests)
            through.objects.bulk_create(spoken)

    @staticmethod
    def _analyze() -> None:
        """Table statistics, as autovacuum keeps them on a live PostgreSQL: without them the planner
        takes 20,000 rows just inserted for an empty table and picks plans five times slower."""
        tables = [model._meta.db_table for model in (Participant, WorkExperience, Interest)]
        tables.append(Participant.languages.through._meta.db_table)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    @staticmethod
    def _identity_numbers(count: int, taken: set[str]) -> list[str]:
        numbers: list[str] = []
        birth = dt.date(1960, 1, 1)
        while len(numbers) < count:
            for serial in sorted(TEST_SERIALS):
                number = make_test_identity_number(birth, serial)
                if number not in taken:
                    numbers.append(number)
            birth += dt.timedelta(days=1)
        return numbers[:count]

    def _measure(self, client: Client, user: User, filters: dict[str, Any], *, samples: int) -> dict[str, Any]:
        url = reverse("participants:list")
        client.post(url, {"reset": "1"})
        if filters:
            client.post(url, filters)
        client.get(url)  # warm-up: the first request of a case reads what later ones find cached
        times, cpu = [], []
        for _sample in range(samples):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        queryset = Participant.objects.visible_to(user)
        matched = ParticipantFilter(filters, queryset=queryset, user=user).qs.count()
        ordered = sorted(times)
        seconds = [(float(query["time"]), query["sql"]) for query in queries.captured_queries]
        return {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
            # The Django process's own CPU time (median): what a busy machine's other processes do not add.
            "cpu_ms": round(statistics.median(cpu), 1),
            "queries": len(queries),
            # Of one request: the time in SQL, and of that in COMMIT (the access-log entry and the
            # session are written on every page; on SQLite each commit waits for the disk).
            "sql_ms": round(sum(s for s, _sql in seconds) * 1000, 1),
            "commit_ms": round(sum(s for s, sql in seconds if sql == "COMMIT") * 1000, 1),
            "matched": matched,
        }
