"""Every write to supervisors and their training: registry, invitations, enrolments, completion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.municipal_settings import site_url_for
from workplaces.models import Organisation, OrganisationKind
from workplaces.services import regional_employer_refusal

from .models import Enrolment, EnrolmentStatus, Supervisor, TrainingSession


@transaction.atomic
def supervisor_save(*, supervisor: Supervisor | None = None, by: User | None, **fields: Any) -> Supervisor:
    """Register (supervisor=None) or change a supervisor. A regional employer's supervisors are the
    system administrator's, as its workplaces are (workplaces.services.regional_employer_refusal)."""
    workplace = fields.get("workplace") or (supervisor.workplace if supervisor is not None else None)
    if workplace is not None and (refused := regional_employer_refusal(workplace.organisation, by=by)):
        raise refused
    supervisor = supervisor or Supervisor()
    for name, value in fields.items():
        setattr(supervisor, name, value)
    supervisor.full_clean()
    supervisor.save()
    return supervisor


@transaction.atomic
def supervisor_invite(*, supervisor: Supervisor, by: User | None) -> User:
    """Give a supervisor a login: an account with the Supervisor role and no password, and an e-mail
    with a one-time link to choose one. The coordinator never sets or sees the password."""
    locked = Supervisor.objects.select_for_update().select_related("workplace__organisation").get(pk=supervisor.pk)
    if refused := regional_employer_refusal(locked.workplace.organisation, by=by):
        raise refused
    if locked.user_id is not None:
        raise ValidationError(_("This supervisor already has a login."), code="has_login")
    if User.objects.filter(username__iexact=locked.email).exists():
        raise ValidationError(_("Another account already uses this e-mail address."), code="email_taken")
    user = User(
        username=locked.email.lower(), email=locked.email, first_name=locked.first_name, last_name=locked.last_name
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    locked.user = user
    locked.save(update_fields=["user"])
    # No placement to take the municipality from: the inviting coordinator's, whose placements the
    # supervisor is invited for (supervisors are no municipality's; README, "Municipalities").
    link = site_url_for(by.municipality if by is not None else None) + reverse(
        "password_choose",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"supervisor": locked, "link": link, "username": user.username}
    with translation.override("sv"):
        subject = render_to_string("supervisors/email/invite_subject.txt", context).strip()
        body = render_to_string("supervisors/email/invite_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [locked.email]))
    supervisor.user = user
    return user


@transaction.atomic
def session_save(*, session: TrainingSession | None = None, by: User | None, **fields: Any) -> TrainingSession:
    """Plan (session=None) or change a training session."""
    session = session or TrainingSession()
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    return session


def may_attend_training(organisation: Organisation, on: dt.date) -> bool:
    """Municipal departments, and employers holding a social-procurement contract on that day."""
    if organisation.kind == OrganisationKind.MUNICIPAL_DEPARTMENT:
        return True
    return organisation.contracts.filter(start_date__lte=on, end_date__gte=on).exists()


@transaction.atomic
def enrolment_create(*, session: TrainingSession, supervisor: Supervisor, by: User | None) -> Enrolment:
    """Enrol a supervisor in a session; when it is full, on its waiting list."""
    locked = TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("The session has already started."), code="past_session")
    organisation = supervisor.workplace.organisation
    if not may_attend_training(organisation, timezone.localtime(locked.starts_at).date()):
        raise ValidationError(
            _(
                "%(organisation)s is neither a municipal department nor holds a procurement contract with "
                "social requirements, so its supervisors cannot take the training."
            )
            % {"organisation": organisation.name},
            code="not_eligible",
        )
    if locked.enrolments.filter(supervisor=supervisor).exclude(status=EnrolmentStatus.CANCELLED).exists():
        raise ValidationError(_("%(name)s is already enrolled.") % {"name": supervisor.full_name}, code="duplicate")
    taken = locked.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if taken < locked.capacity else EnrolmentStatus.WAITLISTED
    enrolment, _created = Enrolment.objects.update_or_create(
        session=locked, supervisor=supervisor, defaults={"status": status, "enrolled_at": timezone.now()}
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by: User | None) -> Enrolment | None:
    """Cancel an enrolment; the first on the waiting list takes the seat. Returns who moved up."""
    session = TrainingSession.objects.select_for_update().get(pk=enrolment.session_id)
    locked = Enrolment.objects.get(pk=enrolment.pk)
    if locked.status == EnrolmentStatus.CANCELLED:
        raise ValidationError(_("The enrolment is already cancelled."), code="cancelled")
    if locked.completed_on:
        raise ValidationError(_("A completed training cannot be cancelled."), code="completed")
    had_seat = locked.status == EnrolmentStatus.ENROLLED
    locked.status = EnrolmentStatus.CANCELLED
    locked.save(update_fields=["status"])
    if not had_seat:
        return None
    waiting = session.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("enrolled_at", "pk").first()
    if waiting is not None:
        waiting.status = EnrolmentStatus.ENROLLED
        waiting.save(update_fields=["status"])
    return waiting


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, attended: bool, by: User | None) -> Enrolment:
    """Record attendance; attending completes the course, trained until the course's validity runs out."""
    locked = Enrolment.objects.select_for_update().select_related("session__course").get(pk=enrolment.pk)
    if locked.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(_("Only enrolled supervisors can attend."), code="not_enrolled")
    ended = timezone.localtime(locked.session.ends_at).date()
    if ended > timezone.localdate():
        raise ValidationError(_("Attendance is recorded after the session."), code="not_yet")
    locked.attended = attended
    if attended:
        locked.completed_on = ended
        locked.valid_until = ended + relativedelta(months=locked.session.course.validity_months)
    else:
        locked.completed_on = locked.valid_until = None
    locked.full_clean()
    locked.save(update_fields=["attended", "completed_on", "valid_until"])
    return locked
