"""The demo's identity numbers stay unique at any size, and giving them grows with the number given, not
with its square: a day whose test birth numbers are all given is skipped from then on."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from demo import identity_numbers
from demo.identity_numbers import IdentityNumbers, fake_identity_number
from participants.identity import validate_identity_number

BIRTH = dt.date(1990, 6, 15)


def test_a_full_day_moves_the_next_person_to_the_day_before() -> None:
    taken, rng = IdentityNumbers(), random.Random(3)
    numbers = [fake_identity_number(rng, BIRTH, male=True, coordination=False, taken=taken) for _ in range(11)]
    assert len(set(numbers)) == 11
    assert sum(number.startswith("19900615") for number in numbers) == 10  # the ten male test numbers
    assert numbers[-1].startswith("19900614")
    for number in numbers:
        validate_identity_number(number)
    # Women and coordination numbers of that day are another kind: still free.
    assert fake_identity_number(rng, BIRTH, male=False, coordination=False, taken=taken).startswith("19900615")
    assert fake_identity_number(rng, BIRTH, male=True, coordination=True, taken=taken)[6:8] == str(15 + 60)


def test_many_people_born_on_one_day_cost_a_few_tries_each(monkeypatch: pytest.MonkeyPatch) -> None:
    tries = 0
    make = identity_numbers.make_test_identity_number

    def counted(*args: Any, **kwargs: Any) -> str:
        nonlocal tries
        tries += 1
        return make(*args, **kwargs)

    monkeypatch.setattr(identity_numbers, "make_test_identity_number", counted)
    taken, rng, people = IdentityNumbers(), random.Random(5), 3000
    numbers = {fake_identity_number(rng, BIRTH, male=False, coordination=False, taken=taken) for _ in range(people)}
    assert len(numbers) == people
    assert min(numbers)[:8] == (BIRTH - dt.timedelta(days=people // 10 - 1)).strftime("%Y%m%d")
    # Walking every full day again would be about people² / 2 tries (4.5 million); each day's ten are
    # tried about twice here (each birth number as it is given, and all ten once when the day is found full).
    assert tries <= 25 * people
