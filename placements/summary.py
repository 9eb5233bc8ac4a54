"""The participant's placement summary, "Din praktik": where to go on the first day and when, the
week with SFI, whom to ask for and whom to call when ill, what to bring, the next meeting and the
coordinator. In easy Swedish and in the participant's language for information
(`Participant.information_language`), as a page, a one-page PDF and a text short enough for SMS.

The fixed texts are the templates' and this module's messages (context "participant summary"), in
the catalogues locale/<locale>/LC_MESSAGES/django.po; dates and times are formatted per language by
Babel (Django has no formats for Somali or Tigrinya). Each catalogue says in its header who reviewed
it and when (`X-Reviewed-By`, `X-Reviewed-Date`): a language nobody has reviewed is marked so, and
the easy-Swedish text is shown beside it. Nothing else personal is in the summary: no identity
number, no last names but the coordinator's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_skeleton, format_time
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext
from weasyprint import HTML

from participants.models import InformationLanguage
from sms.backends.base import is_gsm, message_parts
from sms.phone_numbers import phone_display

from .documents import ScheduleDay, weekly_schedule
from .models import Placement, PlacementStatus

# The source text: written in easy Swedish by the team, shown beside every unreviewed translation.
SOURCE_LANGUAGE = InformationLanguage.EASY_SWEDISH.value

# A summary is for a placement that is coming or running.
SUMMARY_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE)

# Each language's name in itself, for the columns of the document (not translated: a reader finds
# their own language by its own name).
NATIVE_NAMES = {
    "sv": "Lättläst svenska",
    "en": "English",
    "ar": "العربية",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "fa-af": "دری",
    "uk": "Українська",
}

# At most three SMS segments: 459 characters of the GSM alphabet, 201 of any other script (UCS-2).
SMS_MAX_SEGMENTS = 3

# The messages' contexts (literal in each call, for makemessages): "participant summary" and
# "participant summary sms" keep them apart from the user interface's.


@dataclass(frozen=True)
class Review:
    """Who reviewed a language's catalogue and when, as its header says; empty when nobody has."""

    language: str
    reviewed_by: str
    reviewed_on: str

    @property
    def is_source(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    @property
    def reviewed(self) -> bool:
        return self.is_source or bool(self.reviewed_by and self.reviewed_on)


@dataclass(frozen=True)
class NextMeeting:
    kind: str
    when: str
    place: str


@dataclass(frozen=True)
class Summary:
    """The summary's facts in one language, formatted for it."""

    language: str
    language_name: str
    rtl: bool
    review: Review
    workplace: str
    address: str
    first_day: str
    first_day_short: str
    start_time: str  # "" when the need has no working hours on the first day's weekday
    schedule: list[ScheduleDay]
    supervisor_first_name: str
    sick_call_name: str
    sick_call_phone: str
    bring: str
    next_meeting: NextMeeting | None
    coordinator_name: str
    coordinator_phone: str


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / translation.to_locale(language) / "LC_MESSAGES" / "django.po"


_HEADER_FIELD = re.compile(r'^"(X-Reviewed-By|X-Reviewed-Date):\s*(.*?)\\n"$', re.MULTILINE)


@cache
def _review_fields(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {name: value.strip() for name, value in _HEADER_FIELD.findall(header)}


def catalogue_review(*, language: str) -> Review:
    """The review mark of a language's catalogue, read from its header (`X-Reviewed-By`,
    `X-Reviewed-Date`). The easy-Swedish source needs none."""
    fields = _review_fields(catalogue_path(language))
    return Review(
        language=language, reviewed_by=fields.get("X-Reviewed-By", ""), reviewed_on=fields.get("X-Reviewed-Date", "")
    )


def summary_language(value: str | None, *, default: str) -> str:
    """A language of InformationLanguage: `value` if it is one, else `default`."""
    return value if value in InformationLanguage.values else default


def _babel_locale(language: str) -> str:
    return translation.to_locale(language)


def _plain(text: str) -> str:
    # Babel puts narrow and ordinary no-break spaces in some languages' dates and times: plain
    # spaces keep an SMS in the GSM alphabet and a PDF's text searchable.
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _address(placement: Placement) -> str:
    workplace = placement.need.workplace
    town = " ".join(part for part in (workplace.postal_code, workplace.city) if part)
    return ", ".join(part for part in (workplace.street_address, town) if part)


def summary_day(day: dt.date, *, language: str, short: bool = False) -> str:
    """A date as the summary writes it in `language` (Babel's, plain spaces): in full ("torsdag 3
    december 2026"), or short for a text message ("tors 3 december"). Also the reminders' by SMS."""
    locale = _babel_locale(language)
    if short:
        return _plain(format_skeleton("MMMMEd", day, locale=locale))
    return _plain(format_date(day, "full", locale=locale))


def summary_time(time: dt.time, *, language: str) -> str:
    """A time of day as the summary writes it in `language` ("13:00", "1:00 PM")."""
    return _plain(format_time(time, "short", locale=_babel_locale(language)))


def _start_time(placement: Placement, language: str) -> str:
    first = placement.starts_on
    for hours in placement.need.working_hours.all():
        if hours.weekday == first.weekday():
            return summary_time(hours.starts_at, language=language)
    return ""


def _next_meeting(placement: Placement, *, now: dt.datetime, language: str) -> NextMeeting | None:
    coming = placement.meetings.not_cancelled().filter(with_participant=True, starts_at__gte=now)
    meeting = coming.order_by("starts_at").first()
    if meeting is None:
        return None
    local = timezone.localtime(meeting.starts_at)
    when = pgettext("participant summary", "%(day)s at %(time)s") % {
        "day": summary_day(local.date(), language=language),
        "time": summary_time(local.time(), language=language),
    }
    return NextMeeting(
        kind=str(meeting.get_kind_display()),
        when=when,
        place=meeting.place or pgettext("participant summary", "Video meeting"),
    )


def placement_summary(*, placement: Placement, language: str, now: dt.datetime | None = None) -> Summary:
    """The summary of `placement` in `language` (a value of InformationLanguage)."""
    if language not in InformationLanguage.values:
        raise ValueError(f"not a language for information: {language!r}")
    now = now or timezone.now()
    coordinator = placement.coordinator or placement.participant.coordinator
    coordinator_name = coordinator.get_full_name() if coordinator else ""
    # Numbers are stored in E.164; the participant reads them as written in Sweden ("070-123 45 67").
    municipality = placement.participant.municipality
    coordinator_phone = phone_display(
        (coordinator.phone if coordinator else "") or municipality.letterhead_phone or municipality.contact_phone
    )
    supervisor = placement.supervisor
    with translation.override(language):
        return Summary(
            language=language,
            language_name=NATIVE_NAMES[language],
            rtl=translation.get_language_bidi(),
            review=catalogue_review(language=language),
            workplace=placement.need.workplace.name,
            address=_address(placement),
            first_day=summary_day(placement.starts_on, language=language),
            first_day_short=summary_day(placement.starts_on, language=language, short=True),
            start_time=_start_time(placement, language),
            schedule=weekly_schedule(placement),
            supervisor_first_name=supervisor.first_name,
            sick_call_name=supervisor.first_name if supervisor.phone else coordinator_name,
            sick_call_phone=phone_display(supervisor.phone) if supervisor.phone else coordinator_phone,
            bring=placement.first_day_notes,
            next_meeting=_next_meeting(placement, now=now, language=language),
            coordinator_name=coordinator_name,
            coordinator_phone=coordinator_phone,
        )


def summaries_for(*, placement: Placement, language: str) -> list[Summary]:
    """What the document shows: the summary in `language`, and the easy-Swedish one beside it when
    that language's catalogue has not been reviewed."""
    summary = placement_summary(placement=placement, language=language)
    if summary.review.reviewed:
        return [summary]
    return [summary, placement_summary(placement=placement, language=SOURCE_LANGUAGE)]


def summary_pdf(*, placement: Placement, language: str) -> bytes:
    """The summary as a one-page A4 PDF (WeasyPrint, with the Noto fonts for Arabic and Ethiopic)."""
    summaries = summaries_for(placement=placement, language=language)
    html = render_to_string(
        "placements/summary/summary_pdf.html",
        {
            "summaries": summaries,
            "first": summaries[0],
            "municipality": placement.participant.municipality.name,
            "printed_on": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf()


def summary_sms_text(*, placement: Placement, language: str) -> str:
    """The summary's facts for an SMS in `language`, at most SMS_MAX_SEGMENTS segments: the
    workplace and address, the first day and time, whom to ask for, whom to call when ill; then, as
    room allows, the coordinator, the next meeting and what to bring. No link: nothing personal may
    stand behind a link anyone holding it can open."""
    summary = placement_summary(placement=placement, language=language)
    with translation.override(language):
        your_placement = pgettext("participant summary sms", "Your placement: %(place)s.")
        first_day = (
            pgettext("participant summary sms", "First day: %(day)s at %(time)s.")
            % {"day": summary.first_day_short, "time": summary.start_time}
            if summary.start_time
            else pgettext("participant summary sms", "First day: %(day)s.") % {"day": summary.first_day_short}
        )
        # After the place, what must reach the participant whole.
        essential = [
            first_day,
            pgettext("participant summary sms", "Ask for %(name)s.") % {"name": summary.supervisor_first_name},
        ]
        if summary.sick_call_phone:
            essential.append(
                pgettext("participant summary sms", "Ill? Call %(name)s %(phone)s.")
                % {"name": summary.sick_call_name, "phone": summary.sick_call_phone}
            )
        # In the message's order, which is also the order they are dropped in when it would be too long.
        optional = []
        if summary.bring:
            optional.append(pgettext("participant summary sms", "Bring: %(bring)s.") % {"bring": summary.bring})
        if summary.next_meeting:
            when = summary.next_meeting.when
            optional.append(pgettext("participant summary sms", "Meeting: %(when)s.") % {"when": when})
        if summary.coordinator_name and summary.coordinator_phone:  # a name alone is nobody to call
            optional.append(
                pgettext("participant summary sms", "Questions? %(name)s %(phone)s.")
                % {"name": summary.coordinator_name, "phone": summary.coordinator_phone}
            )
    place = _plain(", ".join(part for part in (summary.workplace, summary.address) if part))

    def compose(place: str) -> str:
        return _plain("\n".join([your_placement % {"place": place}, *essential, *optional]))

    text = compose(place)
    while message_parts(text) > SMS_MAX_SEGMENTS and optional:
        optional.pop(0)
        text = compose(place)
    return sms_fitted(compose, place)


def sms_fitted(compose: Callable[[str], str], place: str) -> str:
    """`compose(place)`, made to fit SMS_MAX_SEGMENTS segments: the place shortened first, from its end
    (the address before the workplace's name), so that the rest (the first day, whom to ask for, the
    number to call when ill, or a reminder's date and time) stays whole; in Arabic or Tigrinya (UCS-2,
    201 characters in three segments) a long street address alone would push the number out. Only if
    that is not enough (names too long for any place left) is the end cut. "..." in a GSM text, since
    "…" is not in its alphabet and would make the whole message UCS-2 (70 characters a segment)."""
    text = compose(place)
    ellipsis = "..." if is_gsm(text) else "…"
    kept = len(place)
    while message_parts(text) > SMS_MAX_SEGMENTS and kept > 0:
        kept -= 1
        text = compose(place[:kept].rstrip(" ,") + ellipsis)
    while message_parts(text) > SMS_MAX_SEGMENTS:
        text = text[: -len(ellipsis) - 1] + ellipsis
    return text
