"""The register extract (registerutdrag) for a subject-access request (GDPR art. 15): everything Platsa
stores about one person, as JSON and as PDF.

Reads only. The extract is built in Swedish whatever the user's language (it leaves the system, like
the placement documents) as a list of sections, each a list of rows of (label, value); the PDF is
rendered from the same data with WeasyPrint, as in placements/documents.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from weasyprint import HTML

from accounts.models import AccessLogEntry, BreakGlassGrant, User
from participants.importing import ImportFileError, parse_referral_file
from participants.models import (
    CaseNote,
    Exit,
    Interest,
    Participant,
    ParticipantPrerequisite,
    ProgrammeStatus,
    RecordsExtractCheck,
    ReferralImport,
    StatusChange,
    StudyTime,
    Task,
    TextMessage,
    WorkExperience,
)
from placements.models import (
    Acknowledgement,
    AgreementDocument,
    Certificate,
    FollowUp,
    FollowUpLink,
    LaterOutcome,
    Meeting,
    Placement,
    PlacementEvent,
    Reminder,
    Signature,
    SigningLink,
)

Row = dict[str, str]

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "identity_number",
    "gender",
    "region_of_birth",
    "phone",
    "email",
    "information_language",
    "sms_consent_at",
    "sms_consent_withdrawn_at",
    "sms_consent_recorded_by",
    "home_district",
    "target_group",
    "receives_social_assistance",
    "social_assistance_ended_on",
    "referral_source",
    "referral_date",
    "residence_permit_date",
    "establishment_programme_end",
    "swedish_level",
    "education_level",
    "has_driving_licence",
    "hours_per_day",
    "job_track",
    "municipality",
    "team",
    "coordinator",
    "status",
    "status_changed_at",
    "birth_year",
    "pseudonymised_at",
    "created_at",
    "updated_at",
)
PLACEMENT_FIELDS = (
    "placement_type",
    "coordinator",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "hours_per_day",
    "decision_reference",
    "untrained_supervisor_confirmed",
    "status",
    "end_reason",
    "outcome",
    "assessment",
    "first_day_notes",
    "created_at",
    "updated_at",
)
FOLLOW_UP_FIELDS = (
    "due_date",
    "scheduled",
    "done_on",
    "cancelled_on",
    "author",
    "days_present",
    "days_absent",
    "tasks_done",
    "progress_work",
    "progress_swedish",
    "progress_cooperation",
    "concern",
    "concern_text",
    "next_steps",
    "created_at",
)
CASE_NOTE_FIELDS = ("noted_on", "kind", "text", "author", "created_at")
TASK_FIELDS = (
    "title",
    "detail",
    "due_on",
    "assignee",
    "created_by",
    "created_at",
    "done_on",
    "done_by",
    "action_taken",
)
WORK_EXPERIENCE_FIELDS = ("occupation", "years", "country", "description")
INTEREST_FIELDS = ("occupation",)
STATUS_CHANGE_FIELDS = ("changed_at", "from_status", "to_status", "changed_by", "note")
RECORDS_CHECK_FIELDS = ("scope", "extract_date", "checked_on", "checked_by", "result")
PREREQUISITE_FIELDS = ("prerequisite", "obtained_on", "valid_until", "recorded_by", "updated_at")
EXIT_FIELDS = ("left_on", "reason", "work_length", "student_aid", "recorded_on", "recorded_by")
PROGRAMME_STATUS_FIELDS = ("reason", "work_length", "student_aid", "recorded_on", "recorded_by")
PLACEMENT_EVENT_FIELDS = ("at", "from_status", "to_status", "by", "note")
ACKNOWLEDGEMENT_FIELDS = ("party", "name", "at", "recorded_by")
AGREEMENT_DOCUMENT_FIELDS = ("created_at", "created_by", "sha256", "voided_at", "signed_at", "signed_sha256")
SIGNATURE_FIELDS = ("party", "name", "method", "signed_at", "document_sha256", "user")
CERTIFICATE_FIELDS = (
    "assessment",
    "days_present",
    "days_absent",
    "status",
    "submitted_at",
    "submitted_by",
    "decided_at",
    "decided_by",
    "return_note",
    "updated_at",
)
LATER_OUTCOME_FIELDS = ("days_after", "outcome", "recorded_on", "recorded_by")
MEETING_FIELDS = (
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "video_link",
    "with_participant",
    "with_supervisor",
    "with_coordinator",
    "other_attendees",
    "interpreter_needed",
    "interpreter_language",
    "booked_by",
    "cancelled_at",
    "created_at",
)
ACCESS_LOG_FIELDS = ("at", "username", "action", "fields", "reason")
STUDY_TIME_FIELDS = ("weekday", "starts_at", "ends_at", "kind", "school")
TEXT_MESSAGE_FIELDS = ("kind", "text", "created_at", "created_by", "sent_at", "sent_to", "failure")

# What the extract holds of each model that stores something about the person. Every stored field is
# either shown or named in NOT_SHOWN with the reason, and every model that refers to a participant (or to
# their placements and follow-ups) is here or in MODELS_NOT_SHOWN: privacy/tests/test_extract_coverage.py
# fails on a new field or model until it is decided where it goes.
SHOWN: dict[type[models.Model], tuple[str, ...]] = {
    Participant: (*PROFILE_FIELDS, "languages"),
    WorkExperience: WORK_EXPERIENCE_FIELDS,
    Interest: INTEREST_FIELDS,
    StatusChange: STATUS_CHANGE_FIELDS,
    RecordsExtractCheck: RECORDS_CHECK_FIELDS,
    ParticipantPrerequisite: PREREQUISITE_FIELDS,
    Exit: EXIT_FIELDS,
    ProgrammeStatus: PROGRAMME_STATUS_FIELDS,
    Placement: (*PLACEMENT_FIELDS, "need", "supervisor"),
    PlacementEvent: PLACEMENT_EVENT_FIELDS,
    Acknowledgement: ACKNOWLEDGEMENT_FIELDS,
    AgreementDocument: AGREEMENT_DOCUMENT_FIELDS,
    Signature: SIGNATURE_FIELDS,
    Certificate: CERTIFICATE_FIELDS,
    FollowUp: FOLLOW_UP_FIELDS,
    LaterOutcome: LATER_OUTCOME_FIELDS,
    AccessLogEntry: ACCESS_LOG_FIELDS,
    Meeting: MEETING_FIELDS,
    CaseNote: CASE_NOTE_FIELDS,
    Task: TASK_FIELDS,
    StudyTime: STUDY_TIME_FIELDS,
    TextMessage: TEXT_MESSAGE_FIELDS,
}
_INTERNAL_KEY = "the database's internal number"
_THE_PERSON = "the person the extract is about"
_THE_PLACEMENT = "named in the row's placement column"
_THE_MUNICIPALITY = "the case file's municipality (the tenant key of its rows), shown in the profile"
NOT_SHOWN: dict[type[models.Model], dict[str, str]] = {
    Participant: {
        "id": _INTERNAL_KEY,
        "search_name": "the first and last name again, folded for the list's search (derived)",
    },
    WorkExperience: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    Interest: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    StatusChange: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    RecordsExtractCheck: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    ParticipantPrerequisite: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    Exit: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    ProgrammeStatus: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    Placement: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    PlacementEvent: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "placement": _THE_PLACEMENT},
    Acknowledgement: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "placement": _THE_PLACEMENT},
    AgreementDocument: {
        "id": _INTERNAL_KEY,
        "municipality": _THE_MUNICIPALITY,
        "placement": _THE_PLACEMENT,
        "terms": "the municipality's standard terms, the same for everyone",
        "pdf": "the agreement itself (its facts are in the placement section); its SHA-256 is shown",
        "signed_pdf": "the signed agreement; its SHA-256 is shown, the PDF given on request",
    },
    Signature: {
        "id": _INTERNAL_KEY,
        "municipality": _THE_MUNICIPALITY,
        "document": "named by the document's SHA-256 and the row's placement column",
        "scan": "the scanned paper signature, given on request",
    },
    Certificate: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "placement": _THE_PLACEMENT},
    FollowUp: {
        "id": _INTERNAL_KEY,
        "municipality": _THE_MUNICIPALITY,
        "placement": _THE_PLACEMENT,
        "concern_task": "the task is in the tasks section, with its title and what was done",
    },
    LaterOutcome: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "placement": _THE_PLACEMENT},
    Meeting: {
        "id": _INTERNAL_KEY,
        "municipality": _THE_MUNICIPALITY,
        "placement": _THE_PLACEMENT,
        "uid": "a technical id for calendar programs, random",
        "sequence": "a technical version number for calendar programs",
        "updated_at": "when the row was last saved, a technical time (the changes are in the access log)",
    },
    StudyTime: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    AccessLogEntry: {
        "id": _INTERNAL_KEY,
        "municipality": _THE_MUNICIPALITY,
        "participant_id": _THE_PERSON,
        "user": "shown by username, which the entry keeps even when the account is gone",
    },
    CaseNote: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    Task: {"id": _INTERNAL_KEY, "municipality": _THE_MUNICIPALITY, "participant": _THE_PERSON},
    TextMessage: {
        "id": _INTERNAL_KEY,
        "municipality": _THE_MUNICIPALITY,
        "participant": _THE_PERSON,
        "key": "a technical key that keeps a reminder from being sent twice",
        "claimed_at": "a technical time: when a worker started sending (sent_at says when it went)",
        "attempts": "a technical count of tries to reach the SMS provider",
        "provider_id": "the SMS provider's technical id for the message",
        "parts": "how many SMS parts the text took, for the provider's bill",
    },
}
MODELS_NOT_SHOWN: dict[type[models.Model], str] = {
    BreakGlassGrant: "each opening outside the team is in the access log section, with its reason",
    Reminder: (
        "a reminder to the supervisor about a follow-up, the first day or a meeting (e-mail or SMS): how and when"
    ),
    FollowUpLink: "a one-time login link for the supervisor to a follow-up form",
    SigningLink: "a one-time link for a party to sign the agreement: which party, when made and used",
    ReferralImport.participants.through: "which list registered the person: the section of the lists imported",
    Participant.languages.through: "the languages the person speaks: the profile's languages",
}


def _display(obj: models.Model, name: str) -> str:
    field = obj._meta.get_field(name)
    if field.choices:  # type: ignore[union-attr]  # a concrete field
        return str(getattr(obj, f"get_{name}_display")())
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]  # a concrete field


def _row(obj: models.Model, names: Iterable[str], **extra: str) -> Row:
    row = {str(capfirst(key)): value for key, value in extra.items()}
    row.update({_label(type(obj), name): _display(obj, name) for name in names})
    return row


def _placement_name(placement: Placement) -> str:
    return f"{placement.placement_type} – {placement.need.workplace.name}, {placement.planned_start:%Y-%m-%d}"


def _imported_from(participant: Participant) -> list[Row]:
    """The referral lists that registered the person: which file, who uploaded and imported it, when."""
    lists = participant.referral_imports.select_related("created_by").order_by("created_at")
    return [_row(upload, ("filename", "created_at", "created_by", "imported_at")) for upload in lists]


def _pending_uploads(participant: Participant) -> list[Row]:
    """Referral lists uploaded and not yet imported or discarded that list the person."""
    rows = []
    # An imported list's file is emptied on import: only the uploads still waiting hold rows. Only the
    # case file's municipality's: identity numbers are unique per municipality, and another
    # municipality's upload listing the same number is that municipality's register, not this one's.
    waiting = ReferralImport.objects.filter(
        status=ReferralImport.Status.PENDING, municipality_id=participant.municipality_id
    )
    for upload in waiting.select_related("created_by").order_by("created_at"):
        try:
            lines = parse_referral_file(bytes(upload.content), upload.filename)
        except ImportFileError:
            continue
        if any(line.values.get("identity_number") == participant.identity_number for line in lines):
            rows.append(_row(upload, ("filename", "created_at", "created_by")))
    return rows


def _section(key: str, title: str, rows: Sequence[Row], *, vertical: bool = False) -> dict[str, object]:
    return {"key": key, "title": title, "rows": list(rows), "vertical": vertical}


def register_extract(*, participant: Participant, by: User) -> dict[str, object]:
    """Everything stored about the person, as plain data (Swedish labels and values)."""
    with translation.override("sv"):
        return _extract(participant, by)


def _extract(participant: Participant, by: User) -> dict[str, object]:
    profile = _row(participant, PROFILE_FIELDS)  # SHOWN[Participant]
    profile[_label(Participant, "identity_number")] = participant.formatted_identity_number
    profile[_label(Participant, "languages")] = ", ".join(str(lang) for lang in participant.languages.all())

    placements = list(
        Placement.objects.filter(participant=participant)
        .select_related("placement_type", "need__workplace__organisation", "supervisor", "coordinator")
        .order_by("planned_start", "pk")
    )
    names = {p.pk: _placement_name(p) for p in placements}
    placement_key = _("placement")
    placement_rows = [
        _row(
            p,
            PLACEMENT_FIELDS,
            **{placement_key: names[p.pk], _("workplace"): str(p.need.workplace), _("supervisor"): str(p.supervisor)},
        )
        for p in placements
    ]

    def of_placements(model: type[models.Model], fields: Sequence[str], order: str) -> list[Row]:
        objects = model.objects.filter(placement__in=placements).order_by("placement__planned_start", order)  # type: ignore[attr-defined]  # each of these models has objects
        return [_row(obj, fields, **{placement_key: names[obj.placement_id]}) for obj in objects]

    log = AccessLogEntry.objects.filter(participant_id=participant.pk).order_by("at", "pk")
    sections = [
        _section("profile", _("Profile"), [profile], vertical=True),
        _section(
            "work_experience",
            _("Work experience"),
            [_row(e, WORK_EXPERIENCE_FIELDS) for e in participant.work_experiences.all()],
        ),
        _section("interests", _("Interests"), [_row(i, INTEREST_FIELDS) for i in participant.interests.all()]),
        _section(
            "study_times", _("Study timetable"), [_row(t, STUDY_TIME_FIELDS) for t in participant.study_times.all()]
        ),
        _section(
            "status_history",
            _("Status history"),
            [_row(c, STATUS_CHANGE_FIELDS) for c in participant.status_changes.order_by("changed_at", "pk")],
        ),
        _section(
            "records_checks",
            _("Criminal-records extract checks"),
            [_row(c, RECORDS_CHECK_FIELDS) for c in participant.records_checks.order_by("checked_on", "pk")],
        ),
        _section(
            "prerequisites",
            _("Prerequisites"),
            [
                _row(p, PREREQUISITE_FIELDS)
                for p in participant.prerequisites.select_related("prerequisite", "recorded_by").order_by(
                    "obtained_on", "pk"
                )
            ],
        ),
        _section(
            "exits",
            _("Exits"),
            [_row(e, EXIT_FIELDS) for e in participant.exits.select_related("recorded_by").order_by("left_on", "pk")],
        ),
        _section(
            "programme_status",
            _("Status 90 days after the establishment programme"),
            [_row(s, PROGRAMME_STATUS_FIELDS) for s in ProgrammeStatus.objects.filter(participant=participant)],
        ),
        _section("placements", _("Placements"), placement_rows),
        _section(
            "placement_events",
            _("Placement steps"),
            of_placements(PlacementEvent, PLACEMENT_EVENT_FIELDS, "at"),
        ),
        _section(
            "acknowledgements",
            _("Acknowledgements of placement agreements"),
            of_placements(Acknowledgement, ACKNOWLEDGEMENT_FIELDS, "at"),
        ),
        _section(
            "agreement_documents",
            _("Placement agreements sent for signing"),
            of_placements(AgreementDocument, AGREEMENT_DOCUMENT_FIELDS, "created_at"),
        ),
        _section(
            "signatures",
            _("Signatures of placement agreements"),
            [
                _row(sig, SIGNATURE_FIELDS, **{placement_key: names[sig.document.placement_id]})
                for sig in Signature.objects.filter(document__placement__in=placements)
                .select_related("document", "user")
                .order_by("document__placement__planned_start", "signed_at", "pk")
            ],
        ),
        _section("certificates", _("Placement certificates"), of_placements(Certificate, CERTIFICATE_FIELDS, "pk")),
        _section("follow_ups", _("Follow-ups"), of_placements(FollowUp, FOLLOW_UP_FIELDS, "due_date")),
        _section("meetings", _("Meetings"), of_placements(Meeting, MEETING_FIELDS, "starts_at")),
        _section(
            "later_outcomes",
            _("Later outcomes"),
            of_placements(LaterOutcome, LATER_OUTCOME_FIELDS, "days_after"),
        ),
        _section(
            "case_notes",
            _("Case notes"),
            [
                _row(n, CASE_NOTE_FIELDS)
                for n in CaseNote.objects.filter(participant=participant)
                .select_related("author")
                .order_by("noted_on", "created_at", "pk")
            ],
        ),
        _section(
            "tasks",
            _("Tasks"),
            [
                _row(t, TASK_FIELDS)
                for t in Task.objects.filter(participant=participant)
                .select_related("assignee", "created_by", "done_by")
                .order_by("due_on", "pk")
            ],
        ),
        _section(
            "text_messages",
            _("Text messages"),
            [
                _row(m, TEXT_MESSAGE_FIELDS)
                for m in TextMessage.objects.filter(participant=participant)
                .select_related("created_by")
                .order_by("created_at", "pk")
            ],
        ),
        _section("referral_uploads", _("Referral lists waiting to be imported"), _pending_uploads(participant)),
        _section("referral_imports", _("Registered from a referral list"), _imported_from(participant)),
        _section(
            "access_log",
            _("Who has accessed the case file"),
            [_row(e, ACCESS_LOG_FIELDS) for e in log],
        ),
    ]
    return {
        "title": _("Register extract"),
        "participant_id": participant.pk,
        "name": participant.full_name,
        "generated_at": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        "generated_by": by.get_username(),
        "sections": sections,
    }


def extract_json(extract: dict[str, object]) -> bytes:
    return json.dumps(extract, ensure_ascii=False, indent=2).encode()


def extract_pdf(extract: dict[str, object]) -> bytes:
    with translation.override("sv"):
        html = render_to_string("privacy/extract_pdf.html", {"extract": extract, "printed_on": timezone.localdate()})
    return HTML(string=html).write_pdf()
