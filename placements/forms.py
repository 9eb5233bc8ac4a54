"""Forms for proposing a placement and moving it through its life cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from participants.models import Participant
from supervisors.models import Supervisor
from workplaces.models import Need

from .models import LaterOutcome, Outcome, Party
from .services import READY_STATUSES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def participant_choice_label(participant: Participant) -> str:
    """A participant in a picker, told apart from namesakes by what is not sensitive: the year of
    birth (the lists show the date of birth) and the home district; never the identity number."""
    born = participant.birth_date
    details = [_("born %(year)s") % {"year": born.year} if born else "", str(participant.home_district or "")]
    shown = ", ".join(detail for detail in details if detail)
    return f"{participant.full_name} ({shown})" if shown else participant.full_name


class ProposeForm(forms.Form):
    participant = forms.ModelChoiceField(label=capfirst(_("participant")), queryset=Participant.objects.none())
    need = forms.ModelChoiceField(label=capfirst(_("need")), queryset=Need.objects.none())
    supervisor = forms.ModelChoiceField(label=capfirst(_("supervisor")), queryset=Supervisor.objects.none())
    start = forms.DateField(label=capfirst(_("planned start")), widget=DATE)
    end = forms.DateField(label=capfirst(_("planned end")), widget=DATE)
    hours_per_day = forms.DecimalField(
        label=capfirst(_("hours per day")), min_value=0.5, max_value=10, decimal_places=1
    )
    decision_reference = forms.CharField(label=capfirst(_("decision reference")), max_length=50, required=False)
    confirm_untrained = forms.BooleanField(
        label=_("I know the supervisor has not taken the supervisor training"), required=False
    )

    def __init__(self, *args: Any, user: User, need: Need | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = (  # type: ignore[attr-defined]  # a ModelChoiceField
            Participant.objects.visible_to(user)
            .filter(status__in=READY_STATUSES)
            .select_related("home_district")
            .order_by("last_name", "first_name")
        )
        self.fields["participant"].label_from_instance = participant_choice_label  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["participant"].widget.attrs["data-searchable"] = "true"
        needs = Need.objects.visible_to(user).open().select_related("workplace__organisation")
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]  # a ModelChoiceField
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
        if need is not None:
            supervisors = supervisors.filter(workplace_id=need.workplace_id)
            self.fields["start"].initial = max(need.start_date, timezone.localdate())
            self.fields["end"].initial = need.end_date
            self.fields["hours_per_day"].initial = need.hours_per_day
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["supervisor"].label_from_instance = lambda s: f"{s.full_name} ({s.workplace.name})"  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # Form.clean returns cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end date must be after the start date."))
        need, supervisor = data.get("need"), data.get("supervisor")
        if need and supervisor and supervisor.workplace_id != need.workplace_id:
            self.add_error("supervisor", _("The supervisor must work at the need's workplace."))
        elif supervisor and not data.get("confirm_untrained"):
            on = start or timezone.localdate()
            if not Supervisor.objects.trained_on(on).filter(pk=supervisor.pk).exists():
                self.add_error(
                    "confirm_untrained",
                    _("%(name)s has not taken the supervisor training. Confirm to propose anyway.")
                    % {"name": supervisor.full_name},
                )
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


class AcknowledgeForm(forms.Form):
    party = forms.ChoiceField(label=capfirst(_("party")), choices=Party.choices)
    name = forms.CharField(label=_("Acknowledged by (name)"), max_length=200)


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
