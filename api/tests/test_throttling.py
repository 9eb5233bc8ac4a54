"""One client calling the API too fast is told to wait (429 with Retry-After); others are not affected."""

from __future__ import annotations

import pytest

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db


def test_the_request_over_the_rate_is_refused_with_429_and_a_translated_reason(
    settings, coordinator, other_coordinator
) -> None:
    settings.API_THROTTLE_RATE = "3/min"
    client = token_client(coordinator)
    assert [client.get("/api/v1/needs/").status_code for _ in range(3)] == [200, 200, 200]

    response = client.get("/api/v1/needs/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"] == f"För många anrop. Försök igen om {response['Retry-After']} sekunder."
    # Counted per user: another coordinator still gets through.
    assert token_client(other_coordinator).get("/api/v1/needs/").status_code == 200


def test_a_browser_session_counts_for_its_user_too(settings, coordinator) -> None:
    settings.API_THROTTLE_RATE = "2/min"
    client = session_client(coordinator)
    assert [client.get("/api/v1/needs/").status_code for _ in range(3)] == [200, 200, 429]


def test_an_empty_rate_means_no_ceiling(settings, coordinator) -> None:
    settings.API_THROTTLE_RATE = ""
    client = token_client(coordinator)
    assert {client.get("/api/v1/needs/").status_code for _ in range(30)} == {200}
