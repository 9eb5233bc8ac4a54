"""What the accessibility of a page rests on in its HTML, checked through the Django test client:
titles that say which page it is (WCAG 2.4.2), the sort state of sorted columns (1.3.1), the
pagination landmark in the page's language (3.1.2), and forms whose stray submit changes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from supervisors.tests.factories import SupervisorFactory, TrainingSessionFactory
from taxonomy.tests.factories import DistrictFactory
from workplaces.tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


@pytest.fixture
def coordinator(client: Client):
    user = CoordinatorFactory()
    client.force_login(user)
    return user


def test_every_create_and_edit_page_has_a_title_of_its_own(client: Client, coordinator) -> None:
    need = NeedFactory(title="Kök", workplace__name="Kök", workplace__organisation__name="Kök")
    workplace, organisation = need.workplace, need.workplace.organisation
    supervisor = SupervisorFactory(workplace=workplace, first_name="Kök", last_name="")
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator)
    pages = {
        "organisation_create": reverse("workplaces:organisation_create"),
        "organisation_edit": reverse("workplaces:organisation_edit", args=[organisation.pk]),
        "workplace_create": reverse("workplaces:workplace_create", args=[organisation.pk]),
        "workplace_edit": reverse("workplaces:workplace_edit", args=[workplace.pk]),
        "need_create": reverse("workplaces:need_create", args=[workplace.pk]),
        "need_edit": reverse("workplaces:need_edit", args=[need.pk]),
        "supervisor_create": reverse("supervisors:create", args=[workplace.pk]),
        "supervisor_edit": reverse("supervisors:edit", args=[supervisor.pk]),
        "session_create": reverse("supervisors:session_create"),
        "participant_create": reverse("participants:create"),
        "participant_edit": reverse("participants:edit", args=[participant.pk]),
    }
    titles = {}
    for kind, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, kind
        titles[kind] = _title(response.content.decode())
    assert len(set(titles.values())) == len(titles), titles
    assert not [t for t in titles.values() if t.startswith("Redigera ·")], titles
    assert titles["workplace_edit"] == "Redigera arbetsplats: Kök · Platsa"
    assert titles["need_create"] == "Nytt behov på Kök · Platsa"


def test_a_training_sessions_title_is_not_the_training_overviews(client: Client, coordinator) -> None:
    session = TrainingSessionFactory(course__name="Handledarutbildning")
    overview = _title(client.get(reverse("supervisors:training")).content.decode())
    detail = _title(client.get(reverse("supervisors:session", args=[session.pk])).content.decode())
    assert overview != detail and "Handledarutbildning, tillfälle" in detail


def test_the_sorted_column_says_how_it_is_sorted(client: Client, coordinator) -> None:
    ParticipantFactory.create_batch(2, team=coordinator.team, coordinator=coordinator)
    url = reverse("participants:list")
    default = client.get(url).content.decode()  # sorted by name unless told otherwise
    assert len(re.findall(r'aria-sort="ascending"', default)) == 1 and 'aria-sort="descending"' not in default
    descending = client.get(url, {"sort": "-referral_date"}).content.decode()
    header = re.search(r'<th[^>]*aria-sort="descending"[^>]*>.*?</th>', descending, re.S).group(0)
    assert "sort=referral_date" in header and 'aria-sort="ascending"' not in descending


def test_the_pagination_landmark_is_named_in_swedish(client: Client, coordinator) -> None:
    ParticipantFactory.create_batch(30, team=coordinator.team, coordinator=coordinator)
    page = client.get(reverse("participants:list")).content.decode()
    assert 'aria-label="Tabellnavigering"' in page and "Table navigation" not in page


def test_the_case_files_status_form_preselects_nothing(client: Client, coordinator) -> None:
    participant = ParticipantFactory(team=coordinator.team, coordinator=coordinator, status=ParticipantStatus.MAPPED)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    select = re.search(r'<select name="to_status".*?</select>', page, re.S).group(0)
    first = re.search(r"<option[^>]*>", select).group(0)
    assert 'value=""' in first and "selected" not in select.replace(first, "")
    response = client.post(reverse("participants:status", args=[participant.pk]), {"to_status": "", "note": ""})
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.MAPPED


def test_the_need_pages_status_control_preselects_nothing(client: Client, coordinator) -> None:
    need = NeedFactory()
    page = client.get(reverse("workplaces:need_detail", args=[need.pk])).content.decode()
    select = re.search(r'<select id="need-status".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="">', select) and "selected" not in select


def test_a_participant_in_a_picker_is_told_apart_from_namesakes_without_the_identity_number() -> None:
    from placements.forms import participant_choice_label

    district = DistrictFactory(name="Lugnvik")
    one = ParticipantFactory(
        first_name="Amal", last_name="Yusuf", identity_number="199001011239", home_district=district
    )
    other = ParticipantFactory(
        first_name="Amal", last_name="Yusuf", identity_number="198505052385", home_district=district
    )
    # Born the same year, in the same district: only the record number tells these two apart.
    third = ParticipantFactory(
        first_name="Amal", last_name="Yusuf", identity_number="199007072383", home_district=district
    )
    labels = [participant_choice_label(person) for person in (one, other, third)]
    assert labels == [
        f"Amal Yusuf (född 1990, D-{one.pk:06d})",
        f"Amal Yusuf (född 1985, D-{other.pk:06d})",
        f"Amal Yusuf (född 1990, D-{third.pk:06d})",
    ]
    assert len(set(labels)) == 3
    assert not [label for label in labels if "1239" in label or "2385" in label or "2383" in label]
