"""Counts in messages go through ngettext / {% blocktranslate count %} (issue 17: "1 rader har fel").

Walks the Swedish catalogue as gettext compiles it and fails on a singular-only message that counts
something: a placeholder named as a count (`count`, `counter`, `n`), or any placeholder followed by
a noun the application counts ("%(days)s days"). Limits (`max`) are configuration and are never 1;
hours and years are stored with one decimal and always shown with it ("1,0 timmar"), which takes the
plural form in Swedish and English alike.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO_FILE = Path(__file__).resolve().parent.parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"

COUNT_NAMES = {"count", "counter", "n"}
COUNTED_NOUNS = {
    "days", "weeks", "months", "rows", "columns", "seats", "places", "participants", "placements", "people",
    "persons", "users", "requests", "tasks", "documents", "uploads", "follow-ups",
}  # fmt: skip
NOT_COUNTS = {"max", "hours", "years"}
PLACEHOLDER = re.compile(r"%\((?P<name>\w+)\)[sd](?: (?P<word>[\w-]+))?")


def counts_something(msgid: str) -> bool:
    for match in PLACEHOLDER.finditer(msgid):
        name, word = match["name"], match["word"]
        if name in COUNT_NAMES or (word in COUNTED_NOUNS and name not in NOT_COUNTS):
            return True
    return False


@pytest.mark.parametrize(
    ("msgid", "counts"),
    [
        ("%(count)s rows have errors, so nothing was imported.", True),
        ("%(seats)s seats", True),
        ("%(present)s days present, %(absent)s absent", True),
        ("Page %(number)s of %(pages)s", False),
        ("%(later)s overlaps %(earlier)s.", False),
        ("A file may hold at most %(max)s rows.", False),
        ("%(name)s can work at most %(hours)s hours a day.", False),
        ("Week %(number)s, %(year)s", False),
        ("A %(type)s needs the decision reference.", False),
    ],
)
def test_the_rule_tells_a_count_from_other_numbers(msgid: str, counts: bool) -> None:
    assert counts_something(msgid) is counts


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_every_message_that_counts_has_plural_forms(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(PO_FILE)], check=True)  # obsolete (#~) entries left out
    with compiled.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]  # the parsed entries
    singular = [key.split("\x04")[-1] for key in catalogue if isinstance(key, str) and key]
    assert len(singular) > 1000  # the catalogue was read
    assert [msgid for msgid in singular if counts_something(msgid)] == []


# Visible messages, in Swedish, with one and two.


@pytest.mark.parametrize(
    ("present", "absent", "text"),
    [
        (1, 1, "1 dag närvarande, 1 dag frånvarande"),
        (2, 0, "2 dagar närvarande, 0 dagar frånvarande"),
        (None, 2, "– närvarodagar, 2 dagar frånvarande"),
    ],
)
def test_attendance_says_day_or_days(present: int | None, absent: int | None, text: str) -> None:
    from django.template.loader import render_to_string

    assert (
        render_to_string("placements/partials/attendance.html", {"present": present, "absent": absent}).strip() == text
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("months", "label"), [(1, "Truckkort (giltig i 1 månad)"), (2, "Truckkort (giltig i 2 månader)")]
)
def test_a_prerequisite_says_month_or_months(months: int, label: str) -> None:
    from participants.forms import _prerequisite_label
    from taxonomy.tests.factories import PrerequisiteFactory

    assert _prerequisite_label(PrerequisiteFactory(name="Truckkort", valid_months=months)) == label


@pytest.mark.django_db
@pytest.mark.parametrize(("capacity", "text"), [(1, "· 1 plats</p>"), (2, "· 2 platser</p>")])
def test_a_training_session_says_seat_or_seats(client, capacity: int, text: str) -> None:
    from django.urls import reverse

    from accounts.tests.factories import CoordinatorFactory
    from supervisors.tests.factories import TrainingSessionFactory

    session = TrainingSessionFactory(capacity=capacity)
    client.force_login(CoordinatorFactory())
    assert text in client.get(reverse("supervisors:session", args=[session.pk])).content.decode()


@pytest.mark.parametrize(
    ("count", "approved", "reset"),
    [
        (1, "1 begäran godkänd.", "En återställningslänk skickades till 1 användare."),
        (2, "2 begäranden godkända.", "Återställningslänkar skickades till 2 användare."),
    ],
)
def test_the_admins_counts_say_one_or_more(count: int, approved: str, reset: str) -> None:
    from django.utils.translation import ngettext

    from accounts.admin import _approved

    assert _approved(count) == approved
    sent = ngettext("A reset link was sent to %(count)s user.", "Reset links were sent to %(count)s users.", count)
    assert sent % {"count": count} == reset
