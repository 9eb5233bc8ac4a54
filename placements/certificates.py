"""The placement certificate (praktikintyg) as the supervisor writes it: the assessment in the
portal, the attendance summed from the follow-ups when it is submitted, then the coordinator
approves it (the certificate PDF is printed from then on) or sends it back with a note."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from participants.tenancy import tenant_key

from .models import ENDED_STATUSES, Certificate, CertificateStatus, Placement, PlacementStatus

# The supervisor writes the certificate from the last weeks of the placement to after its end.
WRITABLE_STATUSES = (PlacementStatus.ACTIVE, *ENDED_STATUSES)
EDITABLE = (CertificateStatus.DRAFT, CertificateStatus.RETURNED)


def attendance_summary(*, placement: Placement) -> tuple[int, int]:
    """Days present and days absent, summed over the follow-ups logged for the placement."""
    totals = placement.follow_ups.filter(done_on__isnull=False, cancelled_on__isnull=True).aggregate(
        present=Sum("days_present"), absent=Sum("days_absent")
    )
    return totals["present"] or 0, totals["absent"] or 0


def certificate_for(placement: Placement) -> Certificate | None:
    return Certificate.objects.filter(placement_id=placement.pk).first()


def _locked(placement: Placement) -> Certificate:
    Placement.objects.select_for_update(of=("self",)).filter(pk=placement.pk).first()
    certificate, _created = Certificate.objects.select_for_update().get_or_create(
        placement_id=placement.pk, defaults=tenant_key(placement)
    )
    return certificate


@transaction.atomic
def certificate_save(*, placement: Placement, assessment: str, submit: bool, by: User | None) -> Certificate:
    """The supervisor saves the assessment as a draft, or submits it to the coordinator; on
    submitting, the attendance is summed from the follow-ups as they are now."""
    if placement.status not in WRITABLE_STATUSES:
        raise ValidationError(_("The certificate is written once the placement has started."), code="not_started")
    certificate = _locked(placement)
    if certificate.status not in EDITABLE:
        raise ValidationError(
            _("The certificate is with the coordinator (%(status)s).") % {"status": certificate.get_status_display()},
            code="not_editable",
        )
    certificate.assessment = assessment.strip()
    if submit:
        if not certificate.assessment:
            raise ValidationError({"assessment": _("Write the assessment before submitting it.")})
        certificate.days_present, certificate.days_absent = attendance_summary(placement=placement)
        certificate.status = CertificateStatus.SUBMITTED
        certificate.submitted_at = timezone.now()
        certificate.submitted_by = by
    certificate.full_clean()
    certificate.save()
    return certificate


def _decide(placement: Placement, *, by: User | None) -> Certificate:
    certificate = _locked(placement)
    if certificate.status != CertificateStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted certificate can be approved or sent back."), code="not_submitted")
    certificate.decided_at = timezone.now()
    certificate.decided_by = by
    return certificate


@transaction.atomic
def certificate_approve(*, placement: Placement, by: User | None) -> Certificate:
    """The coordinator approves the submitted certificate: its assessment is the placement's."""
    certificate = _decide(placement, by=by)
    certificate.status = CertificateStatus.APPROVED
    certificate.return_note = ""
    certificate.full_clean()
    certificate.save()
    Placement.objects.filter(pk=placement.pk).update(assessment=certificate.assessment, updated_at=timezone.now())
    return certificate


@transaction.atomic
def certificate_return(*, placement: Placement, note: str, by: User | None) -> Certificate:
    """The coordinator sends the certificate back to the supervisor, saying what to change."""
    if not note.strip():
        raise ValidationError({"note": _("Say what the supervisor should change.")})
    certificate = _decide(placement, by=by)
    certificate.status = CertificateStatus.RETURNED
    certificate.return_note = note.strip()
    certificate.full_clean()
    certificate.save()
    return certificate


def certificate_printable(placement: Placement) -> bool:
    """A certificate PDF exists for a completed placement whose certificate is approved (or, for a
    placement that ended before supervisors wrote them, whose assessment the coordinator typed)."""
    if placement.status != PlacementStatus.COMPLETED:
        return False
    certificate = certificate_for(placement)
    if certificate is None:
        return bool(placement.assessment)
    return certificate.status == CertificateStatus.APPROVED
