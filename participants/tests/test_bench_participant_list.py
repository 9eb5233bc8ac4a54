"""The participant-list benchmark runs at a small size and reports each case."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from participants.models import Participant
from taxonomy.search import occupation_codes_matching

pytestmark = pytest.mark.django_db


def test_bench_participant_list_measures_each_case_of_one_team() -> None:
    out = StringIO()
    call_command("bench_participant_list", participants=60, samples=2, occupation_word="hemtjänst", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["participants"] == 60
    assert figures["occupation_codes"] == len(occupation_codes_matching(text="hemtjänst")) > 0
    cases = ["no_filter", "name_word", "occupation_word", "name_and_occupation_words", "combined"]
    for case in cases:
        assert set(figures[case]) == {"median_ms", "p95_ms", "cpu_ms", "queries", "sql_ms", "commit_ms", "matched"}
        assert figures[case]["median_ms"] > 0 and figures[case]["queries"] > 0
    assert figures["no_filter"]["matched"] == 60
    codes = occupation_codes_matching(text="hemtjänst")
    with_the_occupation = (
        Participant.objects.filter(Q(work_experiences__occupation__in=codes) | Q(interests__occupation__in=codes))
        .distinct()
        .count()
    )
    assert figures["occupation_word"]["matched"] == with_the_occupation < 60
