"""The participant's placement summary, "Din praktik": its facts, every language's catalogue complete,
right to left, the one-page PDF (text in Arabic and Ethiopic script), review marks, the SMS text's
length, and who may open it (and that the read is logged)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.template import templatize
from hypothesis import given

from accounts.models import AccessAction, AccessLogEntry
from accounts.tests.factories import CoordinatorFactory, SupervisorUserFactory
from conftest import require_service
from participants.models import InformationLanguage, StudyKind
from participants.tests.factories import StudyTimeFactory
from placements.models import MeetingKind, Placement, PlacementStatus
from placements.summary import (
    SMS_MAX_SEGMENTS,
    catalogue_path,
    catalogue_review,
    placement_summary,
    summary_pdf,
    summary_sms_text,
)
from placements.tests.factories import MeetingFactory, PlacementFactory
from sms.backends.base import message_parts
from taxonomy.models import Weekday
from tests.hostile_values import HOSTILE, HOSTILE_TEXT, assert_safe, fuzz, post_hostile
from workplaces.tests.factories import WorkingHoursFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Where the tests keep what a person looks at afterwards (the browser tests' screenshots too).
ARTIFACTS = Path(os.environ.get("PLATSA_TEST_ARTIFACTS", ROOT / "test-artifacts"))
LANGUAGES = InformationLanguage.values
TRANSLATED = [code for code in LANGUAGES if code != "sv"]
SOURCES = [ROOT / "templates/placements/summary/_summary.html", ROOT / "placements/summary.py"]
# The model labels the summary shows through the weekly schedule and the next meeting.
LABELS = [*Weekday.labels, *StudyKind.labels, *MeetingKind.labels]


def _summary_msgids() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message the summary uses: extracted from its template (through
    Django's templatize, as makemessages does) and its module, and the model labels it shows."""
    found: set[tuple[str | None, str]] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text = templatize(text, origin=str(path))
        keywords = {"gettext": None, "pgettext": ((1, "c"), 2), "_": None}
        for _line, _func, message, _comments in extract_python(io.BytesIO(text.encode()), keywords, (), {}):
            if isinstance(message, tuple) and len(message) == 2:
                found.add((message[0], message[1]))
            else:
                found.add((None, message if isinstance(message, str) else message[0]))
    # A lazy label keeps its msgid as the proxy's argument.
    found |= {(None, label._args[0]) for label in LABELS}  # type: ignore[attr-defined]  # a lazy proxy keeps its arguments
    return found


@pytest.fixture
def coordinator():
    return CoordinatorFactory(phone="070-111 22 33", first_name="Karin", last_name="Koordinatorsson")


@pytest.fixture
def placement(coordinator):
    placement = PlacementFactory(
        status=PlacementStatus.AGREED,
        participant__team=coordinator.team,
        participant__coordinator=coordinator,
        participant__first_name="Amina",
        participant__last_name="Summerdotter",
        need__workplace__name="Café Norr",
        need__workplace__street_address="Storgatan 4",
        need__workplace__postal_code="831 30",
        supervisor__first_name="Per",
        supervisor__last_name="Handledarsson",
        supervisor__phone="070-999 88 77",
        first_day_notes="Arbetsskor och matlåda",
    )
    for day in range(5):
        WorkingHoursFactory(need=placement.need, weekday=day, starts_at=dt.time(13), ends_at=dt.time(17))
    StudyTimeFactory(participant=placement.participant, weekday=Weekday.TUESDAY)
    return placement


def test_the_summary_carries_the_facts_and_nothing_more_personal(placement) -> None:
    MeetingFactory(placement=placement, kind=MeetingKind.START, place="Café Norr, entrén")
    summary = placement_summary(placement=placement, language="sv")
    assert summary.workplace == "Café Norr"
    assert summary.address == "Storgatan 4, 831 30 Östersund"
    assert summary.start_time == "13:00"
    assert summary.supervisor_first_name == "Per"
    assert (summary.sick_call_name, summary.sick_call_phone) == ("Per", "070-999 88 77")
    assert (summary.coordinator_name, summary.coordinator_phone) == ("Karin Koordinatorsson", "070-111 22 33")
    assert summary.bring == "Arbetsskor och matlåda"
    assert summary.next_meeting is not None and summary.next_meeting.kind == "Startmöte"
    assert [row.day for row in summary.schedule][:2] == ["Måndag", "Tisdag"]
    assert summary.schedule[1].studies == ["SFI 08:30–12:00 (SFI Östersund)"]
    fields = " ".join(str(value) for value in vars(summary).values())
    assert placement.participant.identity_number not in fields
    assert "Handledarsson" not in fields and "Summerdotter" not in fields


def test_without_a_supervisors_phone_the_ill_participant_calls_the_coordinator(placement) -> None:
    placement.supervisor.phone = ""
    placement.supervisor.save()
    summary = placement_summary(placement=placement, language="sv")
    assert (summary.sick_call_name, summary.sick_call_phone) == ("Karin Koordinatorsson", "070-111 22 33")


def test_a_cancelled_or_past_meeting_is_not_the_next_one(placement) -> None:
    MeetingFactory(placement=placement, cancelled_at=timezone.now())
    assert placement_summary(placement=placement, language="sv").next_meeting is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_summary_is_translated_in_each_language(language: str) -> None:
    catalogue = catalogue_path(language)
    assert catalogue.exists(), catalogue
    with catalogue.open("rb") as file:
        po = read_po(file)
    wanted = _summary_msgids()
    # The Swedish catalogue is the project's: the model labels are translated there already.
    missing = sorted(
        f"{context or ''}|{msgid}"
        for context, msgid in wanted
        if not (po.get(msgid, context=context) and po.get(msgid, context=context).string)
    )
    assert len(wanted) > 40
    assert not missing, f"{language} lacks translations of: {missing}"


PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SUMMARY_CONTEXTS = ("participant summary", "participant summary sms")


def _placeholder_mismatches(po: Catalog) -> tuple[int, list[str]]:
    """How many of the summary's, its SMS's and the reminders' translations `po` has, and those whose
    %(name)s placeholders are not exactly their msgid's."""
    from placements.sms_reminders import PARTICIPANT_TEXTS

    checked, wrong = 0, []
    for message in po:
        if not message.id or not (message.context in SUMMARY_CONTEXTS or message.id in PARTICIPANT_TEXTS):
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            checked += 1
            if string and set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(msgid)):
                wrong.append(f"{message.context or ''}|{msgid} -> {string}")
    return checked, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_of_the_summary_and_sms_texts_keeps_the_placeholders(language: str) -> None:
    """A msgstr that drops or renames a %(name)s fails (KeyError) or loses a fact (the phone number)
    only when that language's text is sent: every catalogue's summary, summary SMS and reminder texts
    have exactly the placeholders of their msgid."""
    with catalogue_path(language).open("rb") as file:
        checked, wrong = _placeholder_mismatches(read_po(file))
    assert checked >= 30
    assert not wrong, f"{language}: placeholders differ from the msgid: {wrong}"


def test_the_placeholder_check_finds_a_dropped_or_renamed_placeholder() -> None:
    po = Catalog(locale="ar")
    po.add("Ill? Call %(name)s %(phone)s.", "اتصل بـ %(name)s.", context="participant summary sms")
    po.add("Ask for %(name)s.", "اسأل عن %(nom)s.", context="participant summary sms")
    po.add("Questions? Call %(name)s, %(phone)s.", "اتصل بـ %(name)s على الرقم %(phone)s.")
    po.add("Reminder: %(x)s", "تذكير", context="another context")  # not the summary's: not checked
    checked, wrong = _placeholder_mismatches(po)
    assert checked == 3
    assert [entry.split(" -> ")[0] for entry in wrong] == [
        "participant summary sms|Ill? Call %(name)s %(phone)s.",
        "participant summary sms|Ask for %(name)s.",
    ]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_summary_renders_in_the_language(client: Client, coordinator, placement, language: str) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("placements:summary", args=[placement.pk]), {"language": language})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    with translation.override(language):
        title = translation.pgettext("participant summary", "Your placement")
    assert title != "Your placement" or language == "en"
    assert title in html
    # Unreviewed: the easy-Swedish text stands beside it, and the coordinator is told.
    assert "Din praktik" in html
    assert "Ingen person har kontrollerat den här översättningen än." in html
    assert "ingen person har granskat den än" in html


@pytest.mark.parametrize("language", ["ar", "fa-af"])
def test_right_to_left_languages_render_right_to_left(client: Client, coordinator, placement, language: str) -> None:
    client.force_login(coordinator)
    html = client.get(reverse("placements:summary", args=[placement.pk]), {"language": language}).content.decode()
    assert re.search(rf'<article class="summary" lang="{language}" dir="rtl"', html)
    assert '<article class="summary" lang="sv" dir="ltr"' in html


def test_the_case_files_language_is_the_default_and_an_unknown_one_falls_back_to_it(
    client: Client, coordinator, placement
) -> None:
    placement.participant.information_language = InformationLanguage.TIGRINYA
    placement.participant.save()
    client.force_login(coordinator)
    for query in ({}, {"language": "xx"}):
        html = client.get(reverse("placements:summary", args=[placement.pk]), query).content.decode()
        assert 'lang="ti"' in html and "ናይ ስራሕ ልምምድኹም" in html


def test_easy_swedish_alone_has_no_second_column_and_no_unreviewed_mark(client: Client, coordinator, placement) -> None:
    client.force_login(coordinator)
    html = client.get(reverse("placements:summary", args=[placement.pk]), {"language": "sv"}).content.decode()
    assert html.count('<article class="summary"') == 1
    assert "Ingen person har kontrollerat" not in html


def test_every_translation_is_marked_unreviewed_until_its_header_says_who_reviewed_it(tmp_path, settings) -> None:
    assert catalogue_review(language="sv").reviewed
    assert not any(catalogue_review(language=code).reviewed for code in TRANSLATED)
    reviewed = tmp_path / "ar" / "LC_MESSAGES"
    reviewed.mkdir(parents=True)
    text = catalogue_path("ar").read_text(encoding="utf-8")
    text = text.replace('"X-Reviewed-By: \\n"', '"X-Reviewed-By: Sara Translator\\n"')
    text = text.replace('"X-Reviewed-Date: \\n"', '"X-Reviewed-Date: 2026-11-30\\n"')
    (reviewed / "django.po").write_text(text, encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    review = catalogue_review(language="ar")
    assert review.reviewed and (review.reviewed_by, review.reviewed_on) == ("Sara Translator", "2026-11-30")


def _pdftotext(content: bytes, tmp_path: Path) -> str:
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _fonts_installed() -> None:
    listed = (
        subprocess.run(["fc-list"], capture_output=True, text=True, check=False) if shutil.which("fc-list") else None
    )
    fonts = listed.stdout if listed else ""
    require_service(
        "NotoSansArabic" in fonts.replace(" ", "") and "NotoSansEthiopic" in fonts.replace(" ", ""),
        "the Noto fonts for Arabic and Ethiopic (fonts-noto-core)",
    )


def _pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_is_one_page_with_arabic_script_and_easy_swedish_beside_it(placement, tmp_path) -> None:
    _fonts_installed()
    MeetingFactory(placement=placement)
    content = summary_pdf(placement=placement, language="ar")
    assert _pages(content) == 1
    text = _pdftotext(content, tmp_path)
    for expected in ("تدريبك", "العملي", "الهاتف", "Din praktik", "Café Norr", "070-999 88 77"):
        assert expected in text, expected


def test_the_pdf_is_one_page_with_tigrinya_in_ethiopic_script(placement, tmp_path) -> None:
    _fonts_installed()
    content = summary_pdf(placement=placement, language="ti")
    assert _pages(content) == 1
    text = _pdftotext(content, tmp_path)
    for expected in ("ናይ ስራሕ ልምምድኹም", "ሰሙንኩም", "ሰኑይ", "Din praktik"):
        assert expected in text, expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_languages_pdf_fits_one_page(placement, language: str) -> None:
    MeetingFactory(placement=placement)
    assert _pages(summary_pdf(placement=placement, language=language)) == 1


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_a_full_week_long_names_and_notes_still_fit_one_page(placement, language: str) -> None:
    placement.first_day_notes = ("Arbetsskor med stålhätta, arbetsbyxor, varm jacka, matlåda och busskort. " * 5)[:300]
    placement.save()
    workplace = placement.need.workplace
    workplace.name = "Östersunds kommuns äldreboende Solbacken, avdelning Norrsken"
    workplace.street_address = "Långa vägen genom skogen 123 B, ingång från parkeringen"
    workplace.save()
    for day in (Weekday.SATURDAY, Weekday.SUNDAY):
        WorkingHoursFactory(need=placement.need, weekday=day, starts_at=dt.time(9), ends_at=dt.time(13))
    for day in Weekday:
        StudyTimeFactory(
            participant=placement.participant,
            weekday=day,
            starts_at=dt.time(7),
            ends_at=dt.time(8, 30),
            kind=StudyKind.OTHER,
            school="Komvux Östersund distans",
        )
    MeetingFactory(placement=placement, place="Arbetsmarknadsenheten, Rådhusgatan 44, rum 12")
    assert _pages(summary_pdf(placement=placement, language=language)) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_languages_pdf_first_page_is_kept_as_a_picture(placement, tmp_path, language: str) -> None:
    """A PNG of the first page per language under test-artifacts/summary/, for a person to look at."""
    require_service(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    _fonts_installed()
    MeetingFactory(placement=placement)
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(summary_pdf(placement=placement, language=language))
    folder = ARTIFACTS / "summary"
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"din-praktik-{language}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True
    )
    picture = stem.with_suffix(".png")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_pdf_download_names_no_person(client: Client, coordinator, placement) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("placements:summary_pdf", args=[placement.pk]), {"language": "ar"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="din-praktik-{placement.pk}-ar.pdf"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sms_text_fits_its_segments_in_every_language(placement, language: str) -> None:
    MeetingFactory(placement=placement)
    text = summary_sms_text(placement=placement, language=language)
    assert message_parts(text) <= SMS_MAX_SEGMENTS
    assert "Café Norr" in text and "070-999 88 77" in text
    assert "http" not in text
    assert placement.participant.identity_number not in text


def test_a_long_sms_drops_what_to_bring_before_the_essentials(placement) -> None:
    placement.first_day_notes = "Arbetsskor, arbetsbyxor, matlåda och busskort " * 6
    placement.save()
    text = summary_sms_text(placement=placement, language="ar")
    assert message_parts(text) <= SMS_MAX_SEGMENTS
    assert "Café Norr" in text and "070-999 88 77" in text
    assert "busskort" not in text


def test_sms_segments_count_the_gsm_alphabet_and_ucs2() -> None:
    assert message_parts("a" * 160) == 1
    assert message_parts("a" * 161) == 2
    assert message_parts("å" * 160) == 1  # in the GSM alphabet
    assert message_parts("€" * 80) == 1  # two each, from the extension table
    assert message_parts("ا" * 70) == 1
    assert message_parts("ا" * 71) == 2
    assert message_parts("ا" * 201) == 3


def test_access_owner_yes_other_team_no_supervisor_and_anonymous_no(client: Client, coordinator, placement) -> None:
    urls = [reverse("placements:summary", args=[placement.pk]), reverse("placements:summary_pdf", args=[placement.pk])]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login
    client.force_login(SupervisorUserFactory())
    for url in urls:
        assert client.get(url).status_code in (403, 404)
    client.force_login(CoordinatorFactory())
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(coordinator)
    for url in urls:
        assert client.get(url).status_code == 200


def test_every_read_is_logged_as_a_view_of_the_case_file(client: Client, coordinator, placement) -> None:
    client.force_login(coordinator)
    client.get(reverse("placements:summary", args=[placement.pk]))
    client.get(reverse("placements:summary_pdf", args=[placement.pk]))
    entries = AccessLogEntry.objects.filter(user=coordinator, participant_id=placement.participant_id)
    assert entries.filter(action=AccessAction.VIEW).count() == 2


def test_an_ended_placement_has_no_summary(client: Client, coordinator) -> None:
    placement = PlacementFactory(completed=True, participant__team=coordinator.team)
    client.force_login(coordinator)
    assert client.get(reverse("placements:summary", args=[placement.pk])).status_code == 404


def test_the_coordinator_says_what_to_bring_and_it_shows(client: Client, coordinator, placement) -> None:
    client.force_login(coordinator)
    url = reverse("placements:summary_notes", args=[placement.pk]) + "?language=uk"
    response = client.post(url, {"notes": "  Varma kläder  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:summary", args=[placement.pk]) + "?language=uk"
    placement.refresh_from_db()
    assert placement.first_day_notes == "Varma kläder"
    assert "Varma kläder" in client.get(response["Location"]).content.decode()


def test_another_team_cannot_say_what_to_bring(client: Client, placement) -> None:
    client.force_login(CoordinatorFactory())
    response = client.post(reverse("placements:summary_notes", args=[placement.pk]), {"notes": "Nej"})
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.first_day_notes == "Arbetsskor och matlåda"


def test_the_placement_page_links_to_the_summary(client: Client, coordinator, placement) -> None:
    client.force_login(coordinator)
    html = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert reverse("placements:summary", args=[placement.pk]) in html
    assert "Arbetsskor och matlåda" in html  # what to bring, with a link to change it


@fuzz()
@given(notes=HOSTILE, language=HOSTILE_TEXT)
def test_hostile_notes_and_languages_never_break_the_summary(notes: object, language: str) -> None:
    coordinator = CoordinatorFactory()
    placement = PlacementFactory(status=PlacementStatus.AGREED, participant__team=coordinator.team)
    client = Client()
    client.force_login(coordinator)
    query = {"language": language}
    post_hostile(
        client,
        reverse("placements:summary_notes", args=[placement.pk]) + "?" + urlencode(query),
        {} if notes is None else {"notes": notes},
        may_write=["placements.Placement", "accounts.AccessLogEntry"],
    )
    assert_safe(client.get(reverse("placements:summary", args=[placement.pk]), query))
    assert message_parts(summary_sms_text(placement=Placement.objects.get(pk=placement.pk), language="ar")) <= 3


def test_django_serves_somali_tigrinya_and_dari_from_the_summary_catalogues() -> None:
    """Django has no locale data for Somali or Tigrinya (LANG_INFO lacks them), yet override() works:
    it loads locale/so and locale/ti, and a message missing there would fall back to the default
    language, Swedish, not to the English msgid (the completeness test above guards that). Dari
    ("fa-af") is fa_AF on disk, and right to left through Persian."""
    title = ("participant summary", "Your placement")
    expected = {"so": "Tababarkaaga shaqada", "ti": "ናይ ስራሕ ልምምድኹም", "fa-af": "کارآموزی شما", "sv": "Din praktik"}
    for language, text in expected.items():
        with translation.override(language):
            assert translation.pgettext(*title) == text
            assert translation.get_language() == language
    with translation.override("so"):
        assert translation.gettext("Language of the summary") == "Sammanfattningens språk"  # the fallback
        assert not translation.get_language_bidi()
    with translation.override("fa-af"):
        assert translation.get_language_bidi() and translation.to_locale("fa-af") == "fa_AF"
    with pytest.raises(KeyError):
        translation.get_language_info("ti")  # hence the summary's own NATIVE_NAMES


def test_the_coordinator_sends_the_summary_by_sms_in_the_case_files_language(
    client: Client, coordinator, placement, django_capture_on_commit_callbacks
) -> None:
    from participants.models import TextMessage
    from sms.backends import locmem

    person = placement.participant
    person.information_language = "ti"
    person.save()
    client.force_login(coordinator)
    page_url = reverse("placements:summary", args=[placement.pk])
    url = reverse("placements:summary_sms", args=[placement.pk])
    # Without consent: said on the page, no button, and a post queues nothing.
    page = client.get(page_url, {"language": "sv"}).content.decode()
    assert "Deltagaren har inte samtyckt till sms" in page and url not in page
    response = client.post(url, follow=True)
    assert "Deltagaren har inte samtyckt till sms." in response.content.decode()
    assert not TextMessage.objects.exists()
    # With consent: the page shows the text in Tigrinya whichever language it shows, and the post sends it.
    person.phone, person.sms_consent_at, person.sms_consent_recorded_by = "+46701740605", timezone.now(), coordinator
    person.save()
    text = summary_sms_text(placement=placement, language="ti")
    page = client.get(page_url, {"language": "sv"}).content.decode()
    assert url in page and text.split()[0] in page
    # The page shows Swedish, the SMS goes in Tigrinya: the coordinator is told it is unreviewed.
    assert "Sms:et skickas på Tigrinja (ትግርኛ), maskinskrivet och ännu inte granskat" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == page_url + "?language=ti"
    assert [(m.to, m.text) for m in locmem.outbox] == [("+46701740605", text)]
    # A double click (or the post sent again) the same day queues no second message, and says so.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)
    assert "redan skickats som sms i dag" in again.content.decode()
    assert len(locmem.outbox) == 1 and TextMessage.objects.count() == 1
    entry = AccessLogEntry.objects.filter(action=AccessAction.SMS).get()
    assert entry.participant_id == person.pk and text not in (entry.reason + " ".join(entry.fields))
    # Another team's coordinator and a GET reach nothing.
    other = CoordinatorFactory()
    client.force_login(other)
    assert client.post(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 405


def test_the_sms_asks_no_questions_of_a_coordinator_without_a_phone(placement, settings) -> None:
    """It ended "Frågor? Karin Koordinatorsson ." with nothing to call."""
    municipality = placement.participant.municipality
    municipality.letterhead_phone = municipality.contact_phone = ""
    municipality.save()
    assert "Karin Koordinatorsson 070-111 22 33" in summary_sms_text(placement=placement, language="sv")
    coordinator = placement.participant.coordinator
    coordinator.phone = ""
    coordinator.save()
    placement.refresh_from_db()
    text = summary_sms_text(placement=placement, language="sv")
    assert "Koordinatorsson" not in text and " ." not in text


def test_the_service_bounds_what_to_bring_for_every_caller(placement) -> None:
    """A TextField's max_length bounds only its form; the service took any length from other callers."""
    from django.core.exceptions import ValidationError

    from placements.services import FIRST_DAY_NOTES_MAX_LENGTH, placement_set_first_day_notes

    by = placement.participant.coordinator
    with pytest.raises(ValidationError, match="högst 300 tecken"), translation.override("sv"):
        placement_set_first_day_notes(placement=placement, notes="x" * (FIRST_DAY_NOTES_MAX_LENGTH + 1), by=by)
    placement.refresh_from_db()
    assert placement.first_day_notes == "Arbetsskor och matlåda"
    saved = placement_set_first_day_notes(placement=placement, notes=" " + "y" * FIRST_DAY_NOTES_MAX_LENGTH, by=by)
    assert saved.first_day_notes == "y" * FIRST_DAY_NOTES_MAX_LENGTH


def test_a_swedish_sms_cut_short_stays_in_the_gsm_alphabet(placement) -> None:
    """It was cut with "…", which is not GSM: the whole message became UCS-2 (70 characters a
    segment) and was cut down to about 200 characters."""
    from sms.backends.base import is_gsm

    workplace = placement.need.workplace
    workplace.name = ("Vård- och omsorgsförvaltningens dagverksamhet för äldre " * 3).strip()  # 168 of 200
    workplace.street_address = ("Långa gatan " * 16).strip()  # 191 of 200
    workplace.save()
    placement.refresh_from_db()
    text = summary_sms_text(placement=placement, language="sv")
    assert is_gsm(text) and "..." in text and "…" not in text
    assert len(text) >= 3 * 153 - 10 and message_parts(text) == SMS_MAX_SEGMENTS


@pytest.mark.parametrize("language", ["ar", "ti"])
def test_a_long_address_in_ucs2_is_shortened_before_the_number_to_call_when_ill(placement, language: str) -> None:
    """In Arabic or Tigrinya three segments hold 201 characters: the end was cut, and with it the
    number to call when ill. The place is shortened first; the essential lines stay whole."""
    workplace = placement.need.workplace
    workplace.street_address = (
        "Industrivägen 14, port 3, lastkajen på baksidan, ingång via den gula dörren bredvid " * 2
    )
    workplace.street_address = workplace.street_address[:160].strip()
    workplace.save()
    assert len(workplace.street_address) >= 150
    placement.refresh_from_db()
    summary = placement_summary(placement=placement, language=language)
    text = summary_sms_text(placement=placement, language=language)
    assert message_parts(text) <= SMS_MAX_SEGMENTS
    with translation.override(language):
        ill = translation.pgettext("participant summary sms", "Ill? Call %(name)s %(phone)s.") % {
            "name": "Per",
            "phone": "070-999 88 77",
        }
        first_day = translation.pgettext("participant summary sms", "First day: %(day)s at %(time)s.") % {
            "day": summary.first_day_short,
            "time": summary.start_time,
        }
        ask_for = translation.pgettext("participant summary sms", "Ask for %(name)s.") % {"name": "Per"}
    lines = text.split("\n")
    assert ill in lines and first_day in lines and ask_for in lines
    assert "Café Norr, Industrivägen 14" in lines[0] and "…" in lines[0]  # the address shortened, not dropped
