"""Hostile values for the property-based form tests, and the checks every form must pass.

Every create or edit form is posted random and malicious values. Whatever is posted:
- the answer is never a 500,
- posted markup never comes back unescaped,
- a refused post changes no row of any table, and an accepted one saves exactly what the form
  cleaned (checked by each test with `assert_saved_as_cleaned`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.http import QueryDict
from django.test import Client
from django.urls import resolve
from hypothesis import event, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse  # the test client's answer

# Posted markup that must only ever come back escaped: each is distinctive enough that finding it
# verbatim in a page means it was reflected as markup.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<b onmouseover=alert(3)>x</b>",
    "' onfocus='alert(4)' autofocus='",
    "<svg/onload=alert(5)>",
    "javascript:alert(6)//<a>",
]
SQL = [
    "'; DROP TABLE participants_participant;--",
    "1 OR 1=1",
    '" OR ""="',
    "1; SELECT pg_sleep(5)--",
    "%' AND 1=0 UNION SELECT username, password FROM accounts_user--",
]
NUMBERS = [
    "9" * 500,
    "-1",
    "-0",
    "0",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "1,5",
    "0x10",
    "²",
    "٣",
    str(2**63),
    str(-(2**63) - 1),
    str(2**31),
    "32768",
    "65536",
    "4.99999999999999999999",
    "1" + "0" * 30,
    "0.0000001",
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "1900-01-01",
    "2024-02-29",
    "2100-02-29",
    "31/12/2026",
    "2026-01-01T25:61",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "-2026-01-01",
    "２０２６-０１-０１",
]
UNICODE = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1f",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "e\u0301\u0301\u0301",
    "Z̷̧̛̺͇̈́a̶̛̙l̵̢͙g̸o̴",
    "😀" * 60,
    "👩‍👩‍👧‍👦",
    "\ufeff",
    "\u2028\u2029",
    "\ud7ff\ue000\uffff",
    "ﷺ",
    "Åsa Öberg-Ängström",
    "",
    " ",
    "\t\n\r",
]
LONG = ["x" * 10_000, "å" * 5_000, "<" * 3_000]

HOSTILE_TEXT = st.one_of(st.text(max_size=200), st.sampled_from(MARKUP + SQL + NUMBERS + DATES + UNICODE + LONG))
# A form field may also arrive several times (a list) or not at all (None): wrong shapes, not only wrong values.
HOSTILE = st.one_of(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT, st.lists(HOSTILE_TEXT, max_size=3), st.none())

EXPLORING = os.environ.get("HYPOTHESIS_PROFILE") == "explore"


def fuzz(examples: int = 25) -> settings:
    """A few examples per test so the suite stays fast; many more under HYPOTHESIS_PROFILE=explore."""
    return settings(max_examples=examples * 20 if EXPLORING else examples)


def hostile_data(fields: Iterable[str], fixed: dict[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Post data: every field a hostile value (or missing), then `fixed` on top."""
    names = list(fields)
    return st.fixed_dictionaries({name: HOSTILE for name in names}).map(
        lambda data: {k: v for k, v in data.items() if v is not None} | (fixed or {})
    )


def assert_safe(response: TestResponse) -> None:
    """No server error, and no posted markup reflected as markup."""
    assert response.status_code < 500, response.status_code
    content = response.content.decode("utf-8", errors="replace")
    for fragment in MARKUP:
        assert fragment not in content, fragment


def project_models() -> list[type[models.Model]]:
    own = {"accounts", "taxonomy", "participants", "workplaces", "supervisors", "placements", "reporting"}
    return [model for model in apps.get_models() if model._meta.app_label in own]


def row_counts() -> dict[str, int]:
    """How many rows every table of the project holds."""
    return {model._meta.label: model._default_manager.count() for model in project_models()}


def changed_tables(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    after = row_counts()
    return {label: (count, after[label]) for label, count in before.items() if after[label] != count}


def assert_saved_as_cleaned(instance: models.Model, cleaned: dict[str, Any], *, skip: Iterable[str] = ()) -> None:
    """The saved row holds exactly what the form cleaned (read back from the database)."""
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    for name, value in cleaned.items():
        if name in skip:
            continue
        field = fresh._meta.get_field(name)
        if field.many_to_many:
            assert set(getattr(fresh, name).all()) == set(value), name
        else:
            assert getattr(fresh, name) == value, (name, getattr(fresh, name), value)


def as_querydict(data: dict[str, Any]) -> QueryDict:
    """Post data as a view receives it, lists as repeated keys."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query


def post_hostile(client: Client, url: str, data: dict[str, Any], *, may_write: Iterable[str] = ()) -> TestResponse:
    """Post, check the answer, and check that a refused post wrote nothing (tables in `may_write` excepted).
    An accepted post's next page (where the saved values are shown) is checked for reflection too."""
    before = row_counts()
    response = client.post(url, data)
    assert_safe(response)
    response.changed = {k: v for k, v in changed_tables(before).items() if k not in set(may_write)}  # type: ignore[attr-defined]  # tagged for the caller
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows how many were accepted
    if response.status_code == 302:
        assert_safe(client.get(response["Location"]))
    else:
        assert not response.changed, response.changed  # type: ignore[attr-defined]  # tagged above
    return response


def saved_pk(response: TestResponse) -> int:
    """The primary key in the URL an accepted post redirects to."""
    return int(resolve(response["Location"]).kwargs["pk"])


@st.composite
def corrupted(draw: st.DrawFn, valid: dict[str, Any], at_most: int = 3) -> dict[str, Any]:
    """A valid post with up to `at_most` fields replaced by hostile values or left out."""
    data = dict(valid)
    for name in sorted(draw(st.sets(st.sampled_from(sorted(valid)), max_size=at_most))):
        value = draw(HOSTILE)
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    return data
