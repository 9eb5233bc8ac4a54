"""The retention benchmark runs end to end at a small size and leaves the database as it was."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from participants.models import Participant
from privacy.models import RetentionRun

pytestmark = pytest.mark.django_db


def test_bench_retention_prints_json_and_rolls_back() -> None:
    out = StringIO()
    call_command("bench_retention", participants=60, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["participants"] >= 60
    assert figures["figures_equal"] is True
    assert figures["changed"]["case_file"] > 0 and figures["future_s"] > 0
    assert not RetentionRun.objects.exists()
    assert not Participant.objects.filter(pseudonymised_at__isnull=False).exists()
