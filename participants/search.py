"""The participant list's free-text search: names, record numbers, occupations and districts.

Every word of a search must match (AND across words, as in accounts.search); a word matches a person
whose name holds it, whose record number it is ("D-000070", "d70", "70"), who has work experience in
an occupation it names (taxonomy.search, with the synonyms) or an interest in it or in a field that
contains it (as the ranking counts interests), or whose home district holds it. A word that is a
record number is only that. Case and accents do not count: both sides go through `accounts.search.fold`.

The names are compared in `Participant.search_name`, a column that holds them folded, set whenever
the row is written (participants.fields.FoldedSearchField), and compared with `__contains`: the same SQL and the
same answer on SQLite and PostgreSQL, since both sides were folded by the same Python function (the
databases' own lower()/unaccent() disagree with each other and with Python on letters such as "ø"
and "ß"). On PostgreSQL a trigram GIN index on the column (pg_trgm, migration 0012) serves the
`LIKE '%word%'`; on SQLite the search scans the team's rows, which is fast enough at 20,000 people
(`manage.py bench_participant_list`). The record number is not in the column: it is the primary key,
unknown while a new row is inserted, and a key lookup answers it better than a substring would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from accounts.search import fold
from taxonomy.models import District
from taxonomy.search import containing_groups, occupation_codes_matching

from .models import Interest, Participant, WorkExperience

# "D-000070", "d-70", "d70", "000070", "70": the record number's letter, dash and zeros may be left out.
RECORD_NUMBER = re.compile(r"(?:d-?)?0*(\d{1,9})", re.IGNORECASE)


def record_number_pk(word: str) -> int | None:
    """The primary key a search word names as a record number, or None."""
    found = RECORD_NUMBER.fullmatch(word)
    return int(found.group(1)) if found else None


def named(word: str) -> Q:
    """Whose first or last name holds `word`, without regard to case or accents: the one name rule of
    every search of participants (the list, a need's candidates)."""
    return Q(search_name__contains=fold(word))


def participants_named(queryset: QuerySet[Participant], *, words: Sequence[str]) -> QuerySet[Participant]:
    """The participants of `queryset` whose names hold every word."""
    for word in words:
        queryset = queryset.filter(named(word))
    return queryset


def participants_matching(queryset: QuerySet[Participant], *, words: Sequence[str]) -> QuerySet[Participant]:
    """The participants of `queryset` whom every word matches (see the module docstring).

    The queries this makes besides the list's own do not depend on how many people there are: one
    for the districts, and what taxonomy.search needs for each word."""
    if not words:
        return queryset
    districts = [
        (pk, fold(f"{name} {name_en}")) for pk, name, name_en in District.objects.values_list("pk", "name", "name_en")
    ]
    for word in words:
        folded = fold(word)
        condition = named(word)
        pk = record_number_pk(word)
        if pk is not None:
            # A record number and nothing else: "53" is D-000053, not everyone with 53xx experience
            # (the occupation filter chooses by code) or living in "Stadsdel 53".
            queryset = queryset.filter(condition | Q(pk=pk))
            continue
        codes = sorted(occupation_codes_matching(text=word))
        if codes:
            fields = sorted(containing_groups(codes))
            condition |= with_occupations(
                WorkExperience.objects.filter(occupation_id__in=codes).values_list("participant_id", flat=True),
                Interest.objects.filter(occupation_id__in=fields).values_list("participant_id", flat=True),
            )
        in_districts = [district for district, name in districts if folded in name]
        if in_districts:
            condition |= Q(home_district_id__in=in_districts)
        queryset = queryset.filter(condition)
    return queryset


# On PostgreSQL, up to this many people with a word's occupations are named by id in the query.
OCCUPATION_IDS_INLINE = 5000


def with_occupations(*holders: QuerySet[Any, int]) -> Q:
    """Whoever the `holders` (participant ids of experience or interest rows) name: the search's
    occupation words and the list's occupation filter.

    As subqueries (`id IN (SELECT ...)`), except on PostgreSQL while they are few: there the ids are
    read first and written into the query as a list (`id = ANY(...)`), because PostgreSQL can OR a
    list of primary keys with the trigram index on the name (a bitmap of each) but not a subquery, and
    the list sorted by name otherwise read every row of the team (`bench_participant_list`). The
    answer is the same either way (tested on both databases)."""
    if connection.vendor == "postgresql":
        ids: set[int] = set()
        read = 0
        for holder in holders:
            # Rows are counted, not people: a holder cut at the limit is not known whole, however few
            # people the rows read so far name (one person has several rows).
            rows = list(holder[: OCCUPATION_IDS_INLINE + 1 - read])
            read += len(rows)
            ids.update(rows)
            if read > OCCUPATION_IDS_INLINE:
                break
        else:
            return Q(pk__in=sorted(ids))
    condition = Q()
    for holder in holders:
        condition |= Q(pk__in=holder)
    return condition
