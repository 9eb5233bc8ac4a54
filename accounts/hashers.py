"""The password hasher: Argon2id, at a cost set in the settings.

Django's own Argon2 hasher asks for 100 MiB and 8 lanes per login: about 0.24 s of CPU here, as much as
its PBKDF2 default (1,000,000 iterations, 0.3 s). Under a morning's logins that CPU is taken from every
other request. OWASP's password storage cheat sheet recommends Argon2id with at least 19 MiB of memory,
2 passes and 1 lane as a defence equal to PBKDF2-SHA256 at 600,000 iterations, and memory-hard besides,
which is what makes guessing on graphics cards expensive. That costs about 25 ms here. Municipalities that
want more raise `ARGON2_MEMORY_KIB` / `ARGON2_TIME_COST`: existing hashes are upgraded at the next login
(Django compares the parameters stored in each hash with these).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (Argon2id, same `argon2$` format), with the cost from the settings."""

    parallelism = 1

    @property
    def memory_cost(self) -> int:  # type: ignore[override]  # a property where Django has an attribute
        return int(settings.ARGON2_MEMORY_KIB)

    @property
    def time_cost(self) -> int:  # type: ignore[override]  # a property where Django has an attribute
        return int(settings.ARGON2_TIME_COST)
