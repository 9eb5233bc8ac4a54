"""Reads of participants that views share. Every read starts from `.visible_to(user)`."""

from __future__ import annotations

from accounts.access import AnyUser, get_visible_or_404

from .models import Participant


def get_participant_for_user(user: AnyUser, pk: object) -> Participant:
    """The participant, if the user may open the case file; 404 otherwise (as for a missing one)."""
    return get_visible_or_404(
        Participant.objects.visible_to(user).select_related("team", "coordinator", "home_district", "job_track"),
        pk=pk,
    )
