"""Forms for proposing a placement and moving it through its life cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.form_fields import DecimalInputField
from accounts.models import User
from participants.models import Participant
from supervisors.models import Supervisor
from workplaces.models import Need

from . import rules
from .models import LaterOutcome, Meeting, Outcome, Party, Placement
from .selectors import supervisors_in_period

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def participant_choice_label(participant: Participant) -> str:
    """A participant in a picker, told apart from namesakes by what is not sensitive: the year of
    birth (the lists show the date of birth) and the record number, which differs even for
    namesakes born the same year; never the identity number."""
    born = participant.birth_date
    details = [_("born %(year)s") % {"year": born.year} if born else "", participant.record_number]
    shown = ", ".join(detail for detail in details if detail)
    return f"{participant.full_name} ({shown})" if shown else participant.full_name


def supervisor_choice_label(supervisor: Supervisor) -> str:
    """A supervisor to choose, with what the rules ask of them in the period: the training and the
    load. Reads `trained_until`, `load` (and `max_participants`) annotated by `supervisors_in_period`."""
    trained_until = getattr(supervisor, "trained_until", None)
    if trained_until:
        training = gettext("trained until %(date)s") % {"date": date_format(trained_until, "SHORT_DATE_FORMAT")}
    else:
        training = gettext("no valid supervisor training for the period")
    load = gettext("%(load)s of %(max)s in the period") % {
        "load": getattr(supervisor, "load", 0),
        "max": supervisor.max_participants,
    }
    return f"{supervisor.full_name} – {training} – {load}"


class ProposeForm(forms.Form):
    """A proposal, new or changed. Every rule of placements.rules is asked in `clean`, on whatever
    the coordinator has filled in, so all problems show at once; the service asks again as it saves.
    Problems that do not stop a proposal (missing prerequisites) are in `warnings`.

    With a need, the form is the pre-filled dialog of a ranking or an allocation row: the period is
    the need's default (clamped to the type's maximum), the decision reference is asked only when
    the type needs one, and the supervisors are the workplace's, each with training and load."""

    participant = forms.ModelChoiceField(label=capfirst(_("participant")), queryset=Participant.objects.none())
    need = forms.ModelChoiceField(label=capfirst(_("need")), queryset=Need.objects.none())
    supervisor = forms.ModelChoiceField(label=capfirst(_("supervisor")), queryset=Supervisor.objects.none())
    start = forms.DateField(label=capfirst(_("planned start")), widget=DATE)
    end = forms.DateField(label=capfirst(_("planned end")), widget=DATE)
    hours_per_day = DecimalInputField(
        label=capfirst(_("hours per day")), min_value=Decimal("0.5"), max_value=Decimal("10"), decimal_places=1
    )
    decision_reference = forms.CharField(label=capfirst(_("decision reference")), max_length=50, required=False)
    confirm_untrained = forms.BooleanField(
        label=_("I know the supervisor's training is not valid through the period"), required=False
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        need: Need | None = None,
        participant: Participant | None = None,
        placement: Placement | None = None,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.placement = placement
        self.warnings: list[rules.Problem] = []
        today = today or timezone.localdate()
        if placement is not None:
            need, participant = placement.need, placement.participant
        participants = Participant.objects.visible_to(user).select_related("home_district")
        if participant is not None:
            self.fields["participant"].queryset = participants.filter(pk=participant.pk)  # type: ignore[attr-defined]  # a ModelChoiceField
            self.fields["participant"].initial = participant.pk
            self.fields["participant"].widget = forms.HiddenInput()
        else:
            # Every participant the user may see: whether one may take a place is the rules' to say.
            self.fields["participant"].queryset = participants.order_by("last_name", "first_name", "pk")  # type: ignore[attr-defined]  # a ModelChoiceField
            self.fields["participant"].widget.attrs["data-searchable"] = "true"
        self.fields["participant"].label_from_instance = participant_choice_label  # type: ignore[attr-defined]  # a ModelChoiceField
        needs = Need.objects.visible_to(user).select_related("workplace__organisation", "placement_type")
        if need is not None:
            self.fields["need"].queryset = needs.filter(pk=need.pk)  # type: ignore[attr-defined]  # a ModelChoiceField
            self.fields["need"].initial = need.pk
            self.fields["need"].widget = forms.HiddenInput()
            start, end = rules.default_period(need, today)
            if placement is not None:
                start, end = placement.planned_start, placement.planned_end
            self.fields["start"].initial, self.fields["end"].initial = start, end
            self.fields["hours_per_day"].initial = placement.hours_per_day if placement else need.hours_per_day
            period = self._period(start, end)
            supervisors = supervisors_in_period(workplace_ids=[need.workplace_id], start=period[0], end=period[1])
            self.fields["supervisor"].widget = forms.RadioSelect()
            self.fields["supervisor"].empty_label = None  # type: ignore[attr-defined]  # a ModelChoiceField
            if not need.placement_type.requires_decision_reference:
                del self.fields["decision_reference"]
            if placement is not None:
                self.fields["supervisor"].initial = placement.supervisor_id
                if "decision_reference" in self.fields:
                    self.fields["decision_reference"].initial = placement.decision_reference
                self.fields["confirm_untrained"].initial = placement.untrained_supervisor_confirmed
        else:
            self.fields["need"].queryset = needs.open()  # type: ignore[attr-defined]  # a ModelChoiceField
            # Choosing a need reloads the supervisor choices with that workplace's supervisors (htmx).
            self.fields["need"].widget.attrs.update(
                {
                    "data-searchable": "true",
                    "hx-get": reverse("placements:supervisor_options"),
                    "hx-target": "#id_supervisor",
                    "hx-trigger": "change",
                }
            )
            supervisors = Supervisor.objects.visible_to(user).filter(active=True).select_related("workplace")
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]  # a ModelChoiceField
        if need is not None:
            self.fields["supervisor"].label_from_instance = supervisor_choice_label  # type: ignore[attr-defined]  # a ModelChoiceField
        else:
            self.fields["supervisor"].label_from_instance = lambda s: f"{s.full_name} ({s.workplace.name})"  # type: ignore[attr-defined]  # a ModelChoiceField

    def _period(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        """The period the coordinator has typed (a bound form), else the pre-filled one."""
        if self.is_bound:
            typed = []
            for name, fallback in (("start", start), ("end", end)):
                try:
                    typed.append(self.fields[name].clean(self.data.get(self.add_prefix(name))) or fallback)
                except ValidationError:
                    typed.append(fallback)
            if typed[1] > typed[0]:
                return typed[0], typed[1]
        return start, end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # Form.clean returns cleaned_data
        participant, need = data.get("participant"), data.get("need")
        start, end, hours = data.get("start"), data.get("end"), data.get("hours_per_day")
        if not (participant and need and start and end and hours is not None):
            return data
        problems = rules.check(
            rules.Placing(
                participant=participant,
                need=need,
                supervisor=data.get("supervisor"),
                start=start,
                end=end,
                hours_per_day=hours,
                decision_reference=data.get("decision_reference", ""),
                confirm_untrained=bool(data.get("confirm_untrained")),
                exclude_pk=self.placement.pk if self.placement else None,
            ),
            stage=rules.Stage.PROPOSE,
        )
        for problem in rules.blocking(problems):
            name = problem.field if problem.field in self.fields else None
            if name is None or name not in self.errors:
                self.add_error(name, ValidationError(problem.message, code=problem.code))
        self.warnings = [problem for problem in problems if not problem.blocking]
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as the propose and change services take it."""
        data = dict(self.cleaned_data)
        data.setdefault("decision_reference", "")
        return data


class ActivateForm(forms.Form):
    on = forms.DateField(label=_("Started on"), widget=DATE, initial=timezone.localdate)


def _outcome_field(label: StrOrPromise) -> forms.ChoiceField:
    """An outcome with no default: the coordinator chooses it (a pre-selected one would be recorded unread)."""
    return forms.ChoiceField(
        label=capfirst(label),
        choices=[("", _("Choose the outcome")), *Outcome.choices],
        error_messages={"required": _("Choose the outcome.")},
    )


class CompleteForm(forms.Form):
    outcome = _outcome_field(_("outcome at the end"))
    on = forms.DateField(label=_("Ended on"), widget=DATE, initial=timezone.localdate)


class EndEarlyForm(CompleteForm):
    reason = forms.CharField(label=capfirst(_("reason for ending early")), widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=300)


class LaterOutcomeForm(forms.Form):
    days_after = forms.TypedChoiceField(
        label=capfirst(_("checkpoint")), choices=LaterOutcome.Checkpoint.choices, coerce=int
    )
    outcome = _outcome_field(_("outcome"))


class AssessmentForm(forms.Form):
    assessment = forms.CharField(
        label=capfirst(_("supervisor's assessment")), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


PROGRESS = [(value, str(value)) for value in range(1, 6)]


def _progress_field(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.TypedChoiceField:
    """A 1-5 rating as a row of radio buttons; may be left out."""
    return forms.TypedChoiceField(
        label=capfirst(label),
        choices=PROGRESS,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        help_text=help_text,
    )


class FollowUpForm(forms.Form):
    """A follow-up as a supervisor logs it, often on a phone: short, with big choices."""

    done_on = forms.DateField(label=capfirst(_("date")), widget=DATE, initial=timezone.localdate)
    days_present = forms.IntegerField(label=capfirst(_("days present")), min_value=0, max_value=366, required=False)
    days_absent = forms.IntegerField(label=capfirst(_("days absent")), min_value=0, max_value=366, required=False)
    tasks_done = forms.CharField(
        label=capfirst(_("tasks done")), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    progress_work = _progress_field(_("progress: work tasks"), help_text=_("1 = not yet, 5 = fully"))
    progress_swedish = _progress_field(_("progress: Swedish"))
    progress_cooperation = _progress_field(_("progress: cooperation"))
    concern = forms.BooleanField(label=_("I am concerned about something"), required=False)
    concern_text = forms.CharField(
        label=capfirst(_("what the concern is")),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    next_steps = forms.CharField(
        label=capfirst(_("next steps")), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # Form.clean returns cleaned_data
        if data.get("concern") and not (data.get("concern_text") or "").strip():
            self.add_error("concern_text", _("Describe the concern."))
        return data


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    """Book or change a meeting. Times are local (Europe/Stockholm); an API client may send an
    offset. The form never saves: placements.meetings books or changes the meeting."""

    class Meta:
        model = Meeting
        fields = [
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
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

        @staticmethod
        def formfield_callback(field: Any, **kwargs: Any) -> forms.Field | None:
            # A link typed without a scheme is taken as https (the only scheme the model accepts).
            if field.name == "video_link":
                kwargs["assume_scheme"] = "https"
            return field.formfield(**kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video_link"].widget.attrs["inputmode"] = "url"
        self.fields["interpreter_language"].help_text = _("Required when an interpreter is needed.")


class SignForm(forms.Form):
    """Sign the agreement by writing one's name."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    confirm = forms.BooleanField(label=_("I have read the agreement and sign it."))


class PaperSignatureForm(forms.Form):
    """Record a party's signature on a printout of the document, with its scan."""

    party = forms.ChoiceField(label=capfirst(_("party")), choices=Party.choices)
    name = forms.CharField(label=_("Signed by (name)"), max_length=200)
    scan = forms.FileField(
        label=_("Scan of the signed paper"),
        help_text=_("PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class CertificateForm(forms.Form):
    assessment = forms.CharField(
        label=capfirst(_("supervisor's assessment")),
        help_text=_("What the participant did, how it went, and what they are good at."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
        required=False,
    )


class CertificateReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the supervisor change?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
