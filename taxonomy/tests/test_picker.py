"""The occupation picker (taxonomy.forms): every occupation field renders its options with the
synonyms static/js/platsa.js searches, in as many queries as a plain select."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.tests.factories import AdministratorFactory, CoordinatorFactory
from participants.forms import ParticipantForm, WorkExperienceForm
from taxonomy.forms import OccupationCodeSelect, OccupationSelect, OccupationSelectMultiple
from taxonomy.models import Occupation, OccupationSynonym
from taxonomy.tests.factories import OccupationSynonymFactory
from workplaces.filters import NeedFilter
from workplaces.forms import NeedForm

pytestmark = pytest.mark.django_db


def _field(name: str):
    if name == "work experience":
        return WorkExperienceForm()["occupation"]
    if name == "need":
        return NeedForm()["occupation"]
    if name == "need list filter":
        return NeedFilter(data={}).form["occupation"]
    return ParticipantForm(user=CoordinatorFactory())["interests"]


FIELDS = ["work experience", "need", "need list filter", "interests"]


def _option(html: str, code: str) -> str:
    match = re.search(rf'<option value="{code}"[^>]*>', html)
    assert match, f"no option {code}"
    return match.group(0)


@pytest.mark.parametrize("name", FIELDS)
def test_every_occupation_field_offers_the_synonyms_to_the_picker(name: str) -> None:
    bound = _field(name)
    # The list filter's picker is written out in Python from plain codes (OccupationCodeSelect).
    widget = OccupationCodeSelect if name == "need list filter" else OccupationSelect | OccupationSelectMultiple
    assert isinstance(bound.field.widget, widget)
    html = str(bound)
    assert "data-searchable" in html and "data-search-synonyms" in html
    electricians = _option(html, "7411")
    assert "elektriker" in electricians and "electrician" in electricians
    assert "undersköterska" in _option(html, "5321")
    # All 429 unit groups are offered, with SCB's names.
    assert html.count('<option value="') - html.count('<option value=""') >= 429
    assert ">7411 Installations- och serviceelektriker</option>" in html


def test_a_group_without_synonyms_has_no_synonym_attribute() -> None:
    html = str(WorkExperienceForm()["occupation"])
    assert not OccupationSynonym.objects.filter(occupation_id="0110").exists()
    assert "data-synonyms" not in _option(html, "0110")


@pytest.mark.parametrize("name", FIELDS)
def test_the_synonyms_cost_no_query_of_their_own(name: str, django_assert_num_queries) -> None:
    bound = _field(name)
    # The model fields read options and synonyms in one join; the code list reads codes and synonyms
    # each as plain rows (taxonomy.forms.occupation_options), which is cheaper than the instances.
    with django_assert_num_queries(2 if name == "need list filter" else 1):
        str(bound)


def test_the_choice_still_works_without_javascript() -> None:
    form = WorkExperienceForm(data={"occupation": "7411", "years": "2", "country": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["occupation"] == Occupation.objects.get(code="7411")
    # A minor group is no unit group: refused.
    assert not WorkExperienceForm(data={"occupation": "741", "years": "2"}).is_valid()


def test_a_synonym_added_in_the_admin_reaches_the_picker() -> None:
    client = Client()
    client.force_login(AdministratorFactory())
    response = client.post(
        "/admin/taxonomy/occupationsynonym/add/", {"occupation": "7411", "title": "Elfixare", "language": "sv"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Elfixare" in _option(str(WorkExperienceForm()["occupation"]), "7411")
    # The same title again, in other case, is refused with a message, not a 500.
    response = client.post(
        "/admin/taxonomy/occupationsynonym/add/", {"occupation": "7411", "title": "ELFIXARE", "language": "sv"}
    )
    assert response.status_code == 200
    assert OccupationSynonym.objects.filter(occupation_id="7411", title_folded="elfixare").count() == 1


def test_a_coordinator_cannot_edit_synonyms_in_the_admin() -> None:
    synonym = OccupationSynonymFactory(occupation=Occupation.objects.get(code="7411"), title="Elfixare")
    client = Client()
    client.force_login(CoordinatorFactory())
    response = client.post(
        f"/admin/taxonomy/occupationsynonym/{synonym.pk}/change/",
        {"occupation": "7411", "title": "Annat", "language": "sv"},
    )
    assert response.status_code in (302, 403)
    synonym.refresh_from_db()
    assert synonym.title == "Elfixare"
