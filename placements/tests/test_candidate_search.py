"""Finding a person among a need's excluded uses the participant list's name rule."""

from __future__ import annotations

import pytest

from participants.models import ParticipantStatus
from placements.selectors import candidates_for_view
from placements.tests.test_rules_paths import _world

pytestmark = pytest.mark.django_db


def test_finding_a_person_among_a_needs_excluded_ignores_case_and_accents() -> None:
    """The list's name rule (participants.search.named), not a second one: "jonkoping" found José
    Jönköping in the participant list but not among a need's excluded."""
    world = _world()
    world.participant.first_name, world.participant.last_name = "José", "Jönköping"
    world.participant.status = ParticipantStatus.ON_HOLD
    world.participant.save()
    for words in (["jonkoping"], ["JOSE"], ["Jönköping"]):
        ranking = candidates_for_view(user=world.coordinator, need=world.need, search=words)
        assert [e.participant.pk for e in ranking.excluded] == [world.participant.pk], words
    assert candidates_for_view(user=world.coordinator, need=world.need, search=["berg"]).excluded == []


def test_the_name_searched_among_the_excluded_is_posted_and_kept_out_of_the_url(client) -> None:
    """It was a GET form: "?q=Jönköping" stood in the address bar, the history and the server's log."""
    from django.urls import reverse

    from participants.tests.factories import ParticipantFactory
    from workplaces.tests.factories import NeedFactory

    world = _world()
    world.participant.first_name, world.participant.last_name = "José", "Jönköping"
    world.participant.status = ParticipantStatus.ON_HOLD
    world.participant.save()
    ParticipantFactory(
        team=world.coordinator.team, status=ParticipantStatus.ON_HOLD, first_name="Ebba", last_name="Qvist"
    )
    url = reverse("placements:need_candidates", args=[world.need.pk])
    client.force_login(world.coordinator)
    response = client.post(url, {"q": "jonkoping"})
    assert response.status_code == 302 and response["Location"] == url + "#excluded"
    page = client.get(url).content.decode()
    assert ">José Jönköping</a>" in page and ">Ebba Qvist</a>" not in page
    assert "jonkoping" not in page.replace('value="jonkoping"', "")  # only in the field, in no link
    # Another need's page starts unsearched; clearing shows everyone again.
    second = NeedFactory(workplace=world.need.workplace)
    assert ">Ebba Qvist</a>" in client.get(reverse("placements:need_candidates", args=[second.pk])).content.decode()
    client.post(url, {"reset": "1"})
    assert ">Ebba Qvist</a>" in client.get(url).content.decode()
    # Nine words are refused next to the field, and nothing is kept.
    response = client.post(url, {"q": " ".join(["a"] * 9)})
    assert response.status_code == 200 and "Sök på högst 8 ord." in response.content.decode()
    assert ">Ebba Qvist</a>" in response.content.decode()
