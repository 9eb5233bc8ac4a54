"""Fake, checksum-valid Swedish identity and organisation numbers for the demo.

Personal identity numbers (personnummer) and coordination numbers (samordningsnummer) are
YYMMDD-NNNC: a birth date (the day plus 60 for a coordination number), a three-digit birth
number NNN whose last digit is odd for men and even for women, and a Luhn check digit C over
YYMMDDNNN. They are stored as twelve digits, YYYYMMDDNNNC.

Why birth numbers 980–999 only: demo data should never be a real person's number. The Swedish
Tax Agency (Skatteverket) publishes test numbers that are never assigned (dataportal.se,
"Testpersonnummer"); the convention for Swedish test data is to stay in the 980–999 range those
test numbers use, so that a generated number is unlikely to belong to anyone. Only the numbers on
the published list are guaranteed unassigned, so keep these to demo and test databases.
"""

from __future__ import annotations

import datetime as dt
import random

from participants.identity import luhn_check_digit, make_test_identity_number

TEST_SERIALS_MALE = tuple(s for s in range(980, 1000) if s % 2 == 1)
TEST_SERIALS_FEMALE = tuple(s for s in range(980, 1000) if s % 2 == 0)


class IdentityNumbers(set[str]):
    """The identity numbers given so far, and the days found full: a day whose every test birth number
    of one kind (sex, coordination or not) is given points at an earlier day to try. With ten birth
    numbers per day and kind, a demo of a million people fills years of days; without these pointers,
    each new person would walk all of them again (the seeding grew with the square of its size)."""

    def __init__(self) -> None:
        super().__init__()
        self.earlier: dict[tuple[bool, bool, dt.date], dt.date] = {}

    def free_day(self, day: dt.date, *, male: bool, coordination: bool) -> dt.date:
        """`day`, or the latest earlier day not known to be full for this kind."""
        passed = []
        while (key := (male, coordination, day)) in self.earlier:
            passed.append(key)
            day = self.earlier[key]
        for key in passed:  # the next walk from any of them jumps straight here
            self.earlier[key] = day
        return day


def fake_identity_number(
    rng: random.Random, birth: dt.date, *, male: bool | None, coordination: bool, taken: IdentityNumbers
) -> str:
    """A twelve-digit test number not in `taken` (which it joins), for someone born on or near `birth`.

    If every test birth number of the day is taken, the next earlier day is tried: a demo person's birth
    date may move back, uniqueness may not.
    """
    if male is None:
        male = rng.random() < 0.5
    serials = list(TEST_SERIALS_MALE if male else TEST_SERIALS_FEMALE)
    day = taken.free_day(birth, male=male, coordination=coordination)
    while True:
        rng.shuffle(serials)
        for serial in serials:
            number = make_test_identity_number(day, serial, coordination=coordination)
            if number not in taken:
                taken.add(number)
                return number
        taken.earlier[(male, coordination, day)] = day - dt.timedelta(days=1)
        day = taken.free_day(day, male=male, coordination=coordination)


def fake_organisation_number(rng: random.Random, prefix: str, taken: set[str]) -> str:
    """A checksum-valid organisation number NNNNNN-NNNN starting with `prefix`.

    The first digit is the group: 5 for limited companies (aktiebolag numbers begin 556 or 559),
    8 for non-profit associations; the third and fourth digits are at least 20, which is what tells
    an organisation number from a personal identity number.
    """
    while True:
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
        number = f"{body}{luhn_check_digit(body)}"
        formatted = f"{number[:6]}-{number[6:]}"
        if formatted not in taken:
            taken.add(formatted)
            return formatted
