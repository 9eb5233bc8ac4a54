"""Forms for intake and competence mapping. Forms validate; services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.form_fields import DecimalInputField, IdsModelMultipleChoiceField, localized_formfield
from accounts.models import Role, User
from sms.phone_numbers import PhoneNumberField
from taxonomy.forms import OccupationChoiceField, OccupationMultipleChoiceField
from taxonomy.models import Occupation, Prerequisite, Weekday, validate_whole_minutes

from .duplicates import registered_by_identity_number
from .identity import format_identity_number, normalize_identity_number
from .models import (
    TASK_TEXT_MAX_LENGTH,
    CaseNote,
    Exit,
    Participant,
    ParticipantPrerequisite,
    ParticipantStatus,
    ProgrammeStatus,
    RecordsExtractCheck,
    StudyKind,
    Task,
    assignable_coordinators,
)
from .selectors import participants_shown
from .services import (
    ALLOWED_STATUS_CHANGES,
    EDITABLE_FIELDS,
    MAX_STUDY_TIMES,
    Experience,
    StudySpan,
    overlapping_study_times,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A time in a table cell, labelled by its column (templates/partials/table_cell_field.html).
TIME_CELL = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


class ParticipantForm(forms.ModelForm):
    """The profile of a participant: identity, referral, Swedish, education, availability, interests."""

    identity_number = forms.CharField(
        label=capfirst(_("personal identity number")),
        max_length=13,
        help_text=_("Personnummer or samordningsnummer, YYYYMMDD-NNNN."),
    )
    interests = OccupationMultipleChoiceField(
        label=capfirst(_("interests")),
        queryset=Occupation.objects.filter(level__in=(Occupation.Level.SUB_MAJOR, Occupation.Level.UNIT)),
        required=False,
        help_text=_("Occupations or fields the person wants to work in."),
    )
    # Stored in E.164 ("+46701234567"); typed as people write it, Swedish without a country code.
    phone = PhoneNumberField(label=capfirst(_("phone")), required=False)

    class Meta:
        formfield_callback = localized_formfield
        model = Participant
        fields = [f for f in EDITABLE_FIELDS if f != "identity_number"] + ["languages"]
        widgets = {
            "referral_date": DATE,
            "residence_permit_date": DATE,
            "establishment_programme_end": DATE,
            "social_assistance_ended_on": DATE,
            "languages": forms.SelectMultiple(attrs={"data-searchable": "true"}),
        }
        field_classes = {"languages": IdsModelMultipleChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        team_id = self.instance.team_id if self.instance.pk else user.team_id
        self.fields["coordinator"].queryset = User.objects.filter(  # type: ignore[attr-defined, misc]  # a ModelChoiceField; a coordinator has a team
            team_id=team_id, groups__name=Role.COORDINATOR, is_active=True
        ).order_by("first_name", "last_name")
        self.fields["establishment_programme_end"].help_text = _(
            "Left empty, it is set to 24 months after the residence permit."
        )
        # A browser always sends the select's value; a post without it (a script, an old form) keeps easy
        # Swedish, or what the case file has.
        self.fields["information_language"].required = False
        if self.instance.pk:
            self.fields["identity_number"].initial = format_identity_number(self.instance.identity_number)
            self.fields["interests"].initial = list(self.instance.interests.values_list("occupation_id", flat=True))
        elif not self.is_bound:
            self.fields["coordinator"].initial = user.pk

    def clean_information_language(self) -> str:
        return str(self.cleaned_data["information_language"] or self.instance.information_language)

    def clean_identity_number(self) -> str:
        normalized = normalize_identity_number(self.cleaned_data["identity_number"])
        # The municipality's register (the case file's: participants.duplicates); a person found
        # outside the user's reach is logged as a lookup there.
        existing = registered_by_identity_number(
            user=self.user, identity_numbers=[normalized], editing=self.instance
        ).get(normalized)
        if existing is None:
            return normalized
        if existing.visible:
            # The error names the person: a list entry, written by the selector that reads them.
            (participant,) = participants_shown(user=self.user, rows=Participant.objects.filter(pk=existing.pk))
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("This person is already registered:"),
                    reverse("participants:detail", args=[participant.pk]),
                    participant.full_name,
                ),
                code="duplicate",
            )
        # Which team is not told here: the exact lookup tells it, and logs it (no number in the link).
        raise ValidationError(
            format_html(
                '{} <a href="{}">{}</a>',
                _("This person is already registered in another team."),
                reverse("participants:lookup"),
                _("Look the person up (logged)"),
            ),
            code="duplicate",
        )


class WorkExperienceForm(forms.Form):
    """One row of work experience, from Sweden or the home country."""

    occupation = OccupationChoiceField(label=capfirst(_("occupation")))
    years = DecimalInputField(
        label=capfirst(_("years")), min_value=Decimal("0"), max_value=Decimal("60"), max_digits=3, decimal_places=1
    )
    country = forms.CharField(label=capfirst(_("country")), max_length=100, required=False)

    def to_experience(self) -> Experience:
        data = self.cleaned_data
        return Experience(occupation_code=data["occupation"].code, years=data["years"], country=data["country"])


class BaseExperienceFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            occupation = form.cleaned_data.get("occupation") if form.cleaned_data else None
            # A row without a valid occupation already carries its own error.
            if occupation is None or form.cleaned_data.get("DELETE"):
                continue
            code = occupation.code
            if code in seen:
                form.add_error("occupation", _("This occupation is already listed."))
            seen.add(code)

    def experiences(self) -> list[Experience]:
        return [
            form.to_experience() for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ExperienceFormSet = forms.formset_factory(
    WorkExperienceForm, formset=BaseExperienceFormSet, extra=3, can_delete=True, max_num=20, validate_max=True
)


def experience_initial(participant: Participant) -> list[dict[str, object]]:
    return [
        {"occupation": e.occupation_id, "years": e.years, "country": e.country}
        for e in participant.work_experiences.all()
    ]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Referral list"),
        help_text=_("CSV (UTF-8) or XLSX, with the columns of the template."),
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise ValidationError(_("Upload a CSV or an XLSX file."), code="file_type")
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."), code="file_size")
        return upload


class ImportConfirmForm(forms.Form):
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing: import nothing if any row has an error"), required=False
    )


class ImportAssignForm(forms.Form):
    """Hand people an import registered to a coordinator of the team: the ones ticked, or all of them."""

    participants = IdsModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    everyone = forms.BooleanField(label=_("Everyone this list registered"), required=False)
    coordinator = forms.ModelChoiceField(label=_("Responsible coordinator"), queryset=User.objects.none())

    def __init__(self, *args: Any, user: User, participants: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
        self.fields["coordinator"].queryset = assignable_coordinators(team_id=user.team_id or 0)  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["coordinator"].error_messages["invalid_choice"] = _("Choose an active coordinator of your team.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("everyone") and not cleaned.get("participants"):
            raise ValidationError(_("Tick the participants to assign, or choose everyone."), code="none_chosen")
        return cleaned


class StatusChangeForm(forms.Form):
    """The coordinator moves a participant on: mapped and ready, on hold, left the programme, back again.
    "In a placement" is not offered: starting a placement sets it."""

    to_status = forms.ChoiceField(label=capfirst(_("new status")))
    note = forms.CharField(
        label=capfirst(_("note")), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_STATUS_CHANGES.get(participant.status, set()) - {ParticipantStatus.PLACED}
        choices = [(s.value, s.label) for s in ParticipantStatus if s in allowed]
        # Nothing preselected: a stray submit must not change the status (it is required).
        self.fields["to_status"].choices = [("", _("Choose a new status")), *choices] if choices else []  # type: ignore[attr-defined]  # a ChoiceField


class RecordsCheckForm(forms.ModelForm):
    """That the person's criminal-records extract was checked. Who checked is the user; the extract's
    validity follows from its date."""

    class Meta:
        model = RecordsExtractCheck
        fields = ["scope", "extract_date", "checked_on", "result"]
        widgets = {"extract_date": DATE, "checked_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate
        self.fields["extract_date"].help_text = ngettext(
            "The extract is valid for %(count)s day from this date. Only the check is recorded, never the extract.",
            "The extract is valid for %(count)s days from this date. Only the check is recorded, never the extract.",
            RecordsExtractCheck.VALID_DAYS,
        ) % {"count": RecordsExtractCheck.VALID_DAYS}


def _prerequisite_label(prerequisite: Prerequisite) -> str:
    if prerequisite.valid_months is None:
        return prerequisite.localised_name
    return ngettext(
        "%(name)s (valid for %(count)s month)", "%(name)s (valid for %(count)s months)", prerequisite.valid_months
    ) % {"name": prerequisite.localised_name, "count": prerequisite.valid_months}


class ParticipantPrerequisiteForm(forms.ModelForm):
    """A prerequisite the person has, from the active ones administrators keep."""

    class Meta:
        model = ParticipantPrerequisite
        fields = ["prerequisite", "obtained_on", "valid_until"]
        widgets = {"obtained_on": DATE, "valid_until": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prerequisite"].queryset = Prerequisite.objects.filter(active=True)  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["prerequisite"].label_from_instance = _prerequisite_label  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["obtained_on"].initial = timezone.localdate
        self.fields["valid_until"].help_text = _(
            "Left empty, it is set from how long the prerequisite lasts (if it runs out at all)."
        )


STUDENT_AID_CHOICES = [("", "–"), ("true", _("Yes")), ("false", _("No"))]


class _ExitKindForm(forms.ModelForm):
    """The kind of an exit or a later status. The service checks that work has its length and studies
    their student aid; the form offers them with a help text."""

    student_aid = forms.TypedChoiceField(
        label=capfirst(_("studies qualify for student aid (CSN)")),
        choices=STUDENT_AID_CHOICES,
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        help_text=_("For studies only: Komvux, folkhögskola, university and other studies with student aid."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose a reason")), *self.fields["reason"].choices[1:]]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["work_length"].help_text = _(
            "For work only. The national statistics count work that lasts at least one continuous month."
        )


class ExitForm(_ExitKindForm):
    """When and why the person left the unit."""

    class Meta:
        model = Exit
        fields = ["left_on", "reason", "work_length", "student_aid"]
        widgets = {"left_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate


class ProgrammeStatusForm(_ExitKindForm):
    """Where a newcomer was 90 days after the establishment programme ended."""

    class Meta:
        model = ProgrammeStatus
        fields = ["reason", "work_length", "student_aid"]


# --- The case journal: notes and tasks --------------------------------------------------------------------


# Django fills in the limit and the length when it shows the message.
TOO_LONG = _("At most %(limit_value)d characters (this has %(show_value)d).")


class CaseNoteForm(forms.ModelForm):
    """A note in the case journal: the day it describes (today unless changed, never later), its kind, the text."""

    class Meta:
        model = CaseNote
        fields = ["noted_on", "kind", "text"]
        widgets = {"noted_on": DATE, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["noted_on"].initial = timezone.localdate
        self.fields["text"].error_messages["max_length"] = TOO_LONG
        self.fields["text"].error_messages["required"] = _("Write the note.")

    def clean_noted_on(self) -> Any:
        day = self.cleaned_data["noted_on"]
        if day and day > timezone.localdate():
            raise ValidationError(_("A note cannot describe a day in the future."), code="future")
        return day


class TaskForm(forms.ModelForm):
    """A task on the case file, for a coordinator of the person's team."""

    class Meta:
        model = Task
        fields = ["title", "detail", "due_on", "assignee"]
        widgets = {"due_on": DATE, "detail": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, participant: Participant, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assignee.required = True
        assignee.queryset = assignable_coordinators(team_id=participant.team_id)  # type: ignore[attr-defined]  # a ModelChoiceField
        assignee.label_from_instance = lambda user_: user_.get_full_name() or user_.get_username()  # type: ignore[attr-defined]  # a ModelChoiceField
        assignee.error_messages["invalid_choice"] = _("Choose a coordinator in the participant's team.")
        assignee.error_messages["required"] = _("Choose who is to do it.")
        if user is not None and not self.is_bound:
            assignee.initial = user.pk
        self.fields["due_on"].initial = timezone.localdate
        self.fields["title"].error_messages["max_length"] = TOO_LONG
        self.fields["title"].error_messages["required"] = _("Say what is to be done.")
        self.fields["detail"].error_messages["max_length"] = TOO_LONG

    def clean_due_on(self) -> Any:
        day = self.cleaned_data["due_on"]
        if day and day < timezone.localdate():
            raise ValidationError(_("A new task cannot be due in the past."), code="past")
        return day


class TaskCloseForm(forms.Form):
    """Close a task: what was done (required: a concern is handled by what was done about it)."""

    action_taken = forms.CharField(
        label=_("Action taken"),
        max_length=TASK_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what was done."), "max_length": TOO_LONG},
    )


class StudyTimeForm(forms.Form):
    """One row of the study timetable: a weekday, from, to, SFI or other education, the school."""

    weekday = forms.TypedChoiceField(
        label=capfirst(_("weekday")),
        choices=[("", "–"), *((value, capfirst(label)) for value, label in Weekday.choices)],
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_at = forms.TimeField(label=capfirst(_("from")), widget=TIME_CELL, validators=[validate_whole_minutes])
    ends_at = forms.TimeField(label=capfirst(_("to")), widget=TIME_CELL, validators=[validate_whole_minutes])
    kind = forms.ChoiceField(
        label=capfirst(_("kind of studies")),
        choices=StudyKind.choices,
        initial=StudyKind.SFI,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    school = forms.CharField(
        label=capfirst(_("school")),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", ValidationError(_("The end must be after the start."), code="ends_before_start"))
        return data

    def to_span(self) -> StudySpan:
        data = self.cleaned_data
        return StudySpan(
            weekday=data["weekday"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            kind=data["kind"],
            school=data["school"],
        )


class BaseStudyTimeFormSet(forms.BaseFormSet):
    """The whole timetable in one form: a time that overlaps an earlier one on its day is marked."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def _kept(self) -> list[StudyTimeForm]:
        # A row shown filled in is kept as it is; an empty extra row left empty is no time.
        return [
            form
            for index, form in enumerate(self.forms)
            if isinstance(form, StudyTimeForm)
            and form.is_valid()
            and (index < self.initial_form_count() or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        kept = self._kept()
        for _earlier, later in overlapping_study_times([form.to_span() for form in kept]):
            kept[later].add_error(
                "starts_at",
                ValidationError(_("Overlaps another study time on the same day."), code="study_times_overlap"),
            )

    def spans(self) -> list[StudySpan]:
        return sorted((form.to_span() for form in self._kept()), key=lambda t: (t.weekday, t.starts_at))


StudyTimeFormSet = forms.formset_factory(
    StudyTimeForm,
    formset=BaseStudyTimeFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_STUDY_TIMES,
    validate_max=True,
    absolute_max=MAX_STUDY_TIMES,
)


def study_times_initial(participant: Participant) -> list[dict[str, object]]:
    return [
        {"weekday": t.weekday, "starts_at": t.starts_at, "ends_at": t.ends_at, "kind": t.kind, "school": t.school}
        for t in participant.study_times.all()
    ]
