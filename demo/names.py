"""Names, phone numbers and e-mail addresses for invented people."""

from __future__ import annotations

import random
import unicodedata

from faker import Faker

# Post- och telestyrelsen sets aside 070-174 06 05 – 070-174 06 99 for use in fiction,
# so no demo phone number rings a real person.
FICTION_PHONE_FIRST, FICTION_PHONE_LAST = 5, 99
POOL_SIZE = 400


class Names:
    """Swedish first and last names drawn once from a seeded Faker, then picked with the demo's rng
    (much faster than asking Faker a hundred thousand times, and just as deterministic)."""

    def __init__(self, seed: int) -> None:
        fake = Faker("sv_SE")
        fake.seed_instance(seed)
        self.female = sorted({fake.first_name_female() for _ in range(POOL_SIZE)})
        self.male = sorted({fake.first_name_male() for _ in range(POOL_SIZE)})
        self.last = sorted({fake.last_name() for _ in range(POOL_SIZE)})
        self.streets = sorted({fake.street_name() for _ in range(POOL_SIZE // 4)})

    def person(self, rng: random.Random, *, female: bool | None = None) -> tuple[str, str]:
        if female is None:
            female = rng.random() < 0.5
        return rng.choice(self.female if female else self.male), rng.choice(self.last)


def fictional_phone(rng: random.Random) -> str:
    return f"070-174 06 {rng.randint(FICTION_PHONE_FIRST, FICTION_PHONE_LAST):02d}"


def ascii_slug(text: str) -> str:
    """ "Åsa Öberg-Lind" -> "asa.oberg-lind": for user names and e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return ".".join(part for part in plain.replace("'", "").split() if part)


def email_for(first: str, last: str, domain: str, number: int | None = None) -> str:
    suffix = "" if number is None else str(number)
    return f"{ascii_slug(first)}.{ascii_slug(last)}{suffix}@{domain}"
