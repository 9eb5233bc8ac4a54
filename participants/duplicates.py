"""Who is already registered: the register-wide identity check of the intake form and the import preview.

Identity numbers are unique across the whole register, so both must ask the whole register. What
they tell is as little as the exact lookup's first answer: registered in your team (with the case
file), or registered in another team, with the exact lookup (participants:lookup) as the way on,
never which team. Each person found outside the user's reach is logged as a lookup, as the exact
lookup logs its one number; the log review lists those lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from accounts import tenancy
from accounts.access_log import log_access
from accounts.models import AccessAction, User

from .models import Participant

# SQLite allows at most 999 parameters in a query.
CHUNK = 900


@dataclass(frozen=True)
class Registered:
    """A person already in the register, and whether the user may open the case file."""

    pk: int
    visible: bool


def registered_by_identity_number(
    *, user: User, identity_numbers: Iterable[str], excluding_pk: int | None = None
) -> dict[str, Registered]:
    """The identity numbers (in normal form) already registered, one query per 900 numbers.
    Writes a LOOKUP access-log entry for each person found outside what the user may see."""
    numbers = list(dict.fromkeys(identity_numbers))
    others = Participant.objects.exclude(pk=excluding_pk) if excluding_pk else Participant.objects.all()
    visible = Participant.objects.visible_to(user).filter(pk=OuterRef("pk"))
    found: dict[str, Registered] = {}
    # The whole register, past the database's municipality bound (accounts.tenancy): the numbers are
    # unique across it, and the answer names no team or municipality.
    with tenancy.municipality_scope(None):
        for start in range(0, len(numbers), CHUNK):
            rows = (
                others.filter(identity_number__in=numbers[start : start + CHUNK])
                .annotate(visible=Exists(visible))
                .values_list("identity_number", "pk", "visible")
            )
            # (A pseudonymised case file keeps no identity number: it was asked for, so it is not None here.)
            found.update({str(number): Registered(pk=pk, visible=is_visible) for number, pk, is_visible in rows})
    log_access(user=user, participant_ids=[r.pk for r in found.values() if not r.visible], action=AccessAction.LOOKUP)
    return found
