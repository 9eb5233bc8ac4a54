"""Who is already registered: the one check of the intake form, the API, the import preview and the
import's re-check when the list is confirmed.

Identity numbers are unique within a municipality (the constraint on Participant), not across the
register: each municipality's register is its own, and a person who moved may have a case file in
two. So the check asks the register of the municipality the case file is registered in (the user's;
an edit, the case file's own) and nothing else: of another municipality's case files it tells
nothing, not even that the person is registered there, exactly as for a number no one has.

What it tells is as little as the exact lookup's first answer: registered in your team (with the
case file), or registered in another team, with the exact lookup (participants:lookup) as the way on,
never which team. Each person found outside the user's reach is logged as a lookup, as the exact
lookup logs its one number; the log review lists those lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

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
    *, user: User, identity_numbers: Iterable[str], editing: Participant | None = None
) -> dict[str, Registered]:
    """The identity numbers (in normal form) already registered in the municipality of the case file
    being registered (`editing`'s own when one is edited, which is left out; otherwise the user's),
    one query per 900 numbers. Writes a LOOKUP access-log entry for each person found outside what
    the user may see.

    Within the database's municipality bound (accounts.tenancy) of the request: the municipality
    asked is the user's, or a case file they may edit."""
    numbers = list(dict.fromkeys(identity_numbers))
    municipality_id = editing.municipality_id if editing is not None and editing.pk else user.municipality_id
    if municipality_id is None or not numbers:
        return {}  # no municipality, no register (and a user without one registers no one)
    register = Participant.objects.filter(municipality_id=municipality_id)
    if editing is not None and editing.pk:
        register = register.exclude(pk=editing.pk)
    visible = Participant.objects.visible_to(user).filter(pk=OuterRef("pk"))
    found: dict[str, Registered] = {}
    for start in range(0, len(numbers), CHUNK):
        rows = (
            register.filter(identity_number__in=numbers[start : start + CHUNK])
            .annotate(visible=Exists(visible))
            .values_list("identity_number", "pk", "visible")
        )
        # (A pseudonymised case file keeps no identity number: it was asked for, so it is not None here.)
        found.update({str(number): Registered(pk=pk, visible=is_visible) for number, pk, is_visible in rows})
    log_access(user=user, participant_ids=[r.pk for r in found.values() if not r.visible], action=AccessAction.LOOKUP)
    return found
