"""Forms of the terms of reference and meeting pages: the shape of the input only; the services check the rules."""

import re
from datetime import date, time

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from casereview.frontend.forms import GovukDateField
from casereview.frontend.templatetags.govuk import govuk_time
from casereview.planning.models import Attendance

TIME_HINT = "For example, 10am, 2:30pm or 14:30"
EXTRA_MILESTONE_ROWS = 3  # blank rows offered after the milestones there are, to add more without JavaScript
MAX_MILESTONE_ROWS = 40
_TIME = re.compile(r"(\d{1,2})(?::?(\d{2}))?(am|pm)?")


def parse_time(text: str) -> time:
    """A time of day as people write it: 10am, 2.30pm, 2:30 pm, 14:30, 1430, midday, noon, midnight."""
    value = re.sub(r"\s+", "", str(text)).lower().replace(".", ":").replace("a:m:", "am").replace("p:m:", "pm")
    if value in {"midday", "noon", "12noon"}:
        return time(12, 0)
    if value == "midnight":
        return time(0, 0)
    match = _TIME.fullmatch(value)
    if not match:
        raise ValueError(text)
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(text)
    return time(hour, minute)


class TimeOfDayField(forms.Field):
    """A text box for a time of day (GOV.UK: times as people write them), cleaned to a `datetime.time`."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", TIME_HINT)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("class", "govuk-input--width-5")

    def prepare_value(self, value):
        return govuk_time(value) if isinstance(value, time) else value

    def to_python(self, value):
        if isinstance(value, time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            if len(text) > 20:
                raise ValueError(text)
            return parse_time(text)
        except ValueError:
            raise ValidationError("Enter a real time, for example 10am or 2:30pm", code="invalid") from None


class TermsForm(forms.Form):
    """A version of the terms of reference; the timetable is rows of milestone and date, blank rows ignored."""

    period_from = GovukDateField(label="Start of the period under review", error_label="the start of the period")
    period_to = GovukDateField(label="End of the period under review", error_label="the end of the period")
    lines_of_enquiry = forms.CharField(
        label="Key lines of enquiry",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One per line, for example: How did agencies share what they knew about the family?",
        error_messages={"required": "Enter at least one key line of enquiry"},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies in scope",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all the agencies asked to review their involvement",
        error_messages={"required": "Choose the agencies in scope", "invalid_choice": "Choose agencies of this board"},
    )
    family_involvement = forms.CharField(
        label="How the family is involved",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who of the family is told about the review, who is invited to contribute, and how",
        error_messages={"required": "Enter how the family is involved in the review"},
    )
    change_note = forms.CharField(
        label="What changed and why (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self, *args, agencies, milestone_count: int = 0, first_version: bool = True, add_rows: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        change_note = self.fields.pop("change_note")
        posted = self._posted_rows()
        wanted = posted + EXTRA_MILESTONE_ROWS if add_rows else max(milestone_count + EXTRA_MILESTONE_ROWS, posted)
        self.row_count = min(wanted, MAX_MILESTONE_ROWS)
        for row in range(self.row_count):
            self.fields[f"milestone_{row}_label"] = forms.CharField(
                label=f"Milestone {row + 1}",
                max_length=200,
                required=False,
                error_messages={"max_length": f"Milestone {row + 1} must be 200 characters or fewer"},
            )
            self.fields[f"milestone_{row}_due_on"] = GovukDateField(
                label=f"Date of milestone {row + 1}", error_label=f"the date of milestone {row + 1}", required=False
            )
        if not first_version:  # last, as on the page, so the error summary keeps the page's order
            self.fields["change_note"] = change_note

    def without_errors(self) -> "TermsForm":
        """Show what was typed, with more rows, without checking it (the "add more milestones" button)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    @property
    def can_add_rows(self) -> bool:
        return self.row_count < MAX_MILESTONE_ROWS

    def _posted_rows(self) -> int:
        numbers = [int(m[1]) for key in (self.data or {}) if (m := re.fullmatch(r"milestone_(\d{1,2})_label", key))]
        return max(numbers, default=-1) + 1

    @property
    def main_fields(self):
        return [self[name] for name in ("period_from", "period_to", "lines_of_enquiry", "agencies")]

    @property
    def milestone_rows(self):
        return [(self[f"milestone_{row}_label"], self[f"milestone_{row}_due_on"]) for row in range(self.row_count)]

    def clean(self):
        cleaned = super().clean()
        self.rows_used = []  # the form's row of each milestone given to the service, in order
        for row in range(self.row_count):
            label_name, date_name = f"milestone_{row}_label", f"milestone_{row}_due_on"
            if label_name in self.errors or date_name in self.errors:
                continue
            if cleaned.get(label_name) or cleaned.get(date_name):
                self.rows_used.append(row)
        return cleaned

    def milestones(self) -> list[tuple[str, date | None]]:
        data = self.cleaned_data
        return [(data[f"milestone_{row}_label"], data[f"milestone_{row}_due_on"]) for row in self.rows_used]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "period_from": data["period_from"],
            "period_to": data["period_to"],
            "lines_of_enquiry": data["lines_of_enquiry"],
            "agencies": list(data["agencies"]),
            "family_involvement": data["family_involvement"],
            "milestones": self.milestones(),
            "change_note": data.get("change_note", ""),
            "based_on_version": data.get("based_on_version"),
        }

    def field_map(self) -> dict[str, str]:
        """The service's name for each milestone's fields, and the form's."""
        mapping = {"milestones": "milestone_0_label"}
        for index, row in enumerate(self.rows_used):
            mapping[f"milestones.{index}.label"] = f"milestone_{row}_label"
            mapping[f"milestones.{index}.due_on"] = f"milestone_{row}_due_on"
        return mapping

    @staticmethod
    def milestone_initial(milestones) -> dict:
        """Initial values of the rows from (label, date) pairs."""
        initial = {}
        for row, (label, due_on) in enumerate(milestones):
            initial[f"milestone_{row}_label"] = label
            initial[f"milestone_{row}_due_on"] = due_on
        return initial


class AgreementForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label="Meeting at which the panel agreed (optional)",
        queryset=None,
        required=False,
        empty_label="Not at a meeting recorded here",
        help_text="The date of the meeting is used when you choose one",
        error_messages={"invalid_choice": "Choose a meeting of this review"},
    )
    agreed_on = GovukDateField(
        label="Date the panel agreed (if not at a meeting recorded here)",
        error_label="the date the panel agreed",
        required=False,
        max_today=True,
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.held_on:%-d %B %Y}, {m.place}"


class MeetingForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting", error_label="the date of the meeting")
    starts_at = TimeOfDayField(
        label="Start time", error_messages={"required": "Enter the start time, for example 10am or 2:30pm"}
    )
    place = forms.CharField(
        label="Where or how the meeting is held",
        max_length=200,
        help_text="For example, Room 2, Civic Centre, or by video call",
        error_messages={
            "required": "Enter where the meeting is held, or how, for example by video call",
            "max_length": "Where or how the meeting is held must be 200 characters or fewer",
        },
    )
    decisions = forms.CharField(
        label="Decisions (optional)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What the meeting decided, once it has taken place",
    )


class AttendanceForm(forms.Form):
    """A choice for each member of the panel, and others attending, one per line."""

    others_attending = forms.CharField(
        label="Others attending (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line, with their role, for example: Dr Sam Patel, co-opted paediatric adviser",
    )

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = attendees
        others = self.fields.pop("others_attending")
        for user, role_label in attendees:
            self.fields[f"attendance_{user.pk}"] = forms.ChoiceField(
                label=f"{user} ({role_label})",
                choices=Attendance.choices,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={"required": f"Choose whether {user} was present, sent apologies or was absent"},
            )
        self.fields["others_attending"] = others

    def attendance(self) -> dict[int, str]:
        return {user.pk: self.cleaned_data[f"attendance_{user.pk}"] for user, _role in self.attendees}


class ActionForm(forms.Form):
    what = forms.CharField(
        label="Action",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action", "max_length": "The action must be 500 characters or fewer"},
    )
    owner = forms.ModelChoiceField(
        label="Who will do it",
        queryset=None,
        required=False,
        empty_label="Someone else (enter their name below)",
        error_messages={"invalid_choice": "Choose someone from the list, or enter a name"},
    )
    owner_name = forms.CharField(
        label="Their name, if they are not in the list (optional)",
        max_length=200,
        required=False,
        help_text="For example, the head teacher of School 1",
        error_messages={"max_length": "Their name must be 200 characters or fewer"},
    )
    due_on = GovukDateField(label="Due date", error_label="the due date")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ActionDoneForm(forms.Form):
    done_on = GovukDateField(label="Date it was done", error_label="the date the action was done", max_today=True)
