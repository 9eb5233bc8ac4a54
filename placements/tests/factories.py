"""Factories for placements and follow-ups. The supervisor works at the need's workplace and the
period is the need's, so a built placement is valid by construction."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.tests.factories import MunicipalityFactory
from participants.tests.factories import ParticipantFactory
from placements.models import (
    Acknowledgement,
    AgreementDocument,
    AgreementTerms,
    CalendarFeed,
    Certificate,
    CertificateStatus,
    FollowUp,
    FollowUpLink,
    LaterOutcome,
    MatchingWeights,
    Meeting,
    MeetingKind,
    Outcome,
    Party,
    Placement,
    PlacementEvent,
    PlacementHold,
    PlacementStatus,
    Reminder,
    Signature,
    SignatureMethod,
    SigningLink,
)
from supervisors.tests.factories import SupervisorFactory
from workplaces.tests.factories import NeedFactory


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    need = factory.SubFactory(NeedFactory)
    supervisor = factory.SubFactory(SupervisorFactory, workplace=factory.SelfAttribute("..need.workplace"))
    placement_type = factory.SelfAttribute("need.placement_type")
    coordinator = factory.SelfAttribute("participant.coordinator")
    planned_start = factory.SelfAttribute("need.start_date")
    planned_end = factory.SelfAttribute("need.end_date")
    hours_per_day = Decimal("4.0")
    # The supervisor factory makes untrained supervisors: a built placement has the coordinator's
    # confirmation, so only the tests of the training rule meet it.
    untrained_supervisor_confirmed = True
    status = PlacementStatus.PROPOSED

    class Params:
        active = factory.Trait(
            status=PlacementStatus.ACTIVE,
            planned_start=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=20)),
            planned_end=factory.LazyAttribute(lambda o: o.planned_start + dt.timedelta(weeks=12)),
            actual_start=factory.SelfAttribute("planned_start"),
        )
        completed = factory.Trait(
            status=PlacementStatus.COMPLETED,
            planned_start=factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=200)),
            planned_end=factory.LazyAttribute(lambda o: o.planned_start + dt.timedelta(weeks=12)),
            actual_start=factory.SelfAttribute("planned_start"),
            actual_end=factory.SelfAttribute("planned_end"),
            outcome=Outcome.EMPLOYMENT,
        )


class PlacementHoldFactory(factory.django.DjangoModelFactory):
    """A hold is written by the placements' triggers only (placements 0027), never by the application:
    the factory makes a placement that holds its place and returns the row the triggers wrote."""

    class Meta:
        model = PlacementHold

    placement = factory.SubFactory(PlacementFactory, status=PlacementStatus.AGREED)

    @classmethod
    def _create(cls, model_class: type[PlacementHold], *args: object, **kwargs: object) -> PlacementHold:
        placement = kwargs["placement"]
        assert isinstance(placement, Placement)
        return model_class.objects.get(pk=placement.pk)


class PlacementEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementEvent

    placement = factory.SubFactory(PlacementFactory)
    municipality = factory.SelfAttribute("placement.municipality")
    from_status = PlacementStatus.PROPOSED
    to_status = PlacementStatus.AGREED


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    placement = factory.SubFactory(PlacementFactory, active=True)
    municipality = factory.SelfAttribute("placement.municipality")
    due_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))


class LaterOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LaterOutcome

    placement = factory.SubFactory(PlacementFactory, completed=True)
    municipality = factory.SelfAttribute("placement.municipality")
    days_after = LaterOutcome.Checkpoint.DAYS_90
    outcome = Outcome.EMPLOYMENT
    recorded_on = factory.LazyFunction(dt.date.today)


class AcknowledgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Acknowledgement

    placement = factory.SubFactory(PlacementFactory, active=True)
    municipality = factory.SelfAttribute("placement.municipality")
    party = Party.PARTICIPANT
    name = factory.LazyAttribute(lambda o: o.placement.participant.full_name)


class MatchingWeightsFactory(factory.django.DjangoModelFactory):
    """A municipality's weights (the default municipality's); the defaults unless a test sets some."""

    class Meta:
        model = MatchingWeights

    municipality = factory.SubFactory(MunicipalityFactory)  # the default municipality


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    follow_up = factory.SubFactory(FollowUpFactory)
    municipality = factory.LazyAttribute(
        lambda o: (o.follow_up or getattr(o, "placement", None) or getattr(o, "meeting", None)).municipality
    )
    stage = Reminder.Stage.DUE
    recipient = Reminder.Recipient.SUPERVISOR


class FollowUpLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpLink

    follow_up = factory.SubFactory(FollowUpFactory)
    municipality = factory.SelfAttribute("follow_up.municipality")
    nonce = factory.Sequence(lambda n: f"{n:032x}")


def _next_weekday_at(hour: int) -> dt.datetime:
    """`hour` o'clock local time on a weekday a week or two ahead: always in the future."""
    day = timezone.localdate() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


class MeetingFactory(factory.django.DjangoModelFactory):
    """A start meeting at the workplace, ten days ahead, an hour long."""

    class Meta:
        model = Meeting

    placement = factory.SubFactory(PlacementFactory, status=PlacementStatus.AGREED)
    municipality = factory.SelfAttribute("placement.municipality")
    kind = MeetingKind.START
    starts_at = factory.LazyFunction(lambda: _next_weekday_at(9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    place = "Storgatan 1, Östersund"
    uid = factory.Sequence(lambda n: f"meeting-{n}@platsa.test")
    booked_by = factory.SelfAttribute("placement.coordinator")


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    """A feed whose secret is "secret-<n>" (the stored value is its SHA-256 hash)."""

    class Meta:
        model = CalendarFeed

    user = factory.SubFactory("accounts.tests.factories.CoordinatorFactory")
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"secret-{n}".encode()).hexdigest())


def tiny_pdf() -> bytes:
    """A valid one-page PDF, made without WeasyPrint so that factories stay fast."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class AgreementTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementTerms

    municipality = factory.SubFactory(MunicipalityFactory)  # the default municipality
    insurance = "Deltagaren är försäkrad genom Kammarkollegiet."
    confidentiality = "Deltagaren iakttar tystnadsplikt."
    sick_reporting = "Sjukanmälan till handledaren och koordinatorn."
    working_hours = "Enligt överenskommelsen."
    no_wage = "Ingen lön betalas."
    contacts = "Koordinatorn på arbetsmarknadsenheten."


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    """A frozen agreement of a proposed placement (a small stand-in PDF; its hash is its own)."""

    class Meta:
        model = AgreementDocument

    placement = factory.SubFactory(PlacementFactory)
    municipality = factory.SelfAttribute("placement.municipality")
    terms = factory.SubFactory(AgreementTermsFactory, municipality=factory.SelfAttribute("..municipality"))
    pdf = factory.LazyFunction(lambda: ContentFile(tiny_pdf(), name="agreement.pdf"))
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(tiny_pdf()).hexdigest())


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    document = factory.SubFactory(AgreementDocumentFactory)
    municipality = factory.SelfAttribute("document.municipality")
    party = Party.PARTICIPANT
    name = factory.LazyAttribute(lambda o: o.document.placement.participant.full_name)
    method = SignatureMethod.LINK
    document_sha256 = factory.SelfAttribute("document.sha256")


class SigningLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SigningLink

    document = factory.SubFactory(AgreementDocumentFactory)
    municipality = factory.SelfAttribute("document.municipality")
    party = Party.PARTICIPANT
    nonce = factory.Sequence(lambda n: f"s{n:031x}")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    placement = factory.SubFactory(PlacementFactory, completed=True)
    municipality = factory.SelfAttribute("placement.municipality")
    assessment = "Noggrann och punktlig."
    status = CertificateStatus.DRAFT

    class Params:
        approved = factory.Trait(
            status=CertificateStatus.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
            days_present=40,
            days_absent=2,
        )


def with_signatures(placement: Placement) -> Placement:
    """The placement with its agreement frozen and signed by every required party, as the signing
    pages leave it: for tests about what happens once agreed, which call placement_agree next."""
    from placements.signing import REQUIRED_PARTIES, current_document

    document = current_document(placement) or AgreementDocumentFactory(placement=placement)
    for party in REQUIRED_PARTIES:
        if not document.signatures.filter(party=party).exists():
            SignatureFactory(document=document, party=party, name=f"Signerad {party.label}")
    return placement
