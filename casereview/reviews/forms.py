"""Forms of the review pages. They check the shape of the input; the services check the rules."""

from django import forms

from casereview.frontend.forms import GovukDateField
from casereview.reviews.models import DecisionOutcome, PlaceKind, Relationship

YES_NO = [("yes", "Yes"), ("no", "No")]


class ReferralForm(forms.Form):
    subject_pseudonym = forms.CharField(
        label="Pseudonym of the child",
        max_length=100,
        help_text="How reports will refer to the child, for example Child A. Do not enter the child's name here.",
        error_messages={"required": "Enter the pseudonym of the child, for example Child A"},
    )
    reference = forms.CharField(
        label="Reference (optional)",
        max_length=40,
        required=False,
        help_text="Leave blank to be given the next one, for example SCR-2026-004",
    )
    referred_on = GovukDateField(label="Date of the referral", error_label="the date of the referral")
    referred_by_name = forms.CharField(
        label="Name of the person who referred the case",
        max_length=200,
        error_messages={"required": "Enter the name of the person who referred the case"},
    )
    referred_by_role = forms.CharField(label="Their role (optional)", max_length=200, required=False)
    referring_agency = forms.ModelChoiceField(
        label="Their agency (optional)",
        queryset=None,
        required=False,
        empty_label="Not from an agency of the board",
    )
    circumstances = forms.CharField(
        label="Circumstances of the case",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened and which agencies knew the family",
        error_messages={"required": "Enter the circumstances of the case"},
    )
    incident_date = GovukDateField(
        label="Date of the serious incident (optional)",
        error_label="the date of the incident",
        required=False,
    )
    child_died = forms.ChoiceField(
        label="Did the child die?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the child died"},
    )
    date_of_death = GovukDateField(
        label="Date of death",
        error_label="the date of death",
        required=False,
        help_text="Only if the child died",
    )
    incident_notified_on = GovukDateField(
        label="Date the serious incident was notified to Ofsted (optional)",
        error_label="the date Ofsted was notified",
        required=False,
    )

    # The page's order, which the error summary follows.
    field_order = [
        "subject_pseudonym",
        "reference",
        "circumstances",
        "incident_date",
        "child_died",
        "date_of_death",
        "referred_on",
        "referred_by_name",
        "referred_by_role",
        "referring_agency",
        "incident_notified_on",
    ]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_agency"].queryset = agencies

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["child_died"] = values["child_died"] == "yes"
        return values


class DecisionForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label="Which of these apply?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    outcome = forms.ChoiceField(
        label="Decision",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to hold a review"},
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Required unless a child died and abuse or neglect is known or suspected",
    )
    decided_on = GovukDateField(label="Date of the decision", error_label="the date of the decision")

    def __init__(self, *args, review_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = [(g["code"], g["label"]) for g in review_type.decision_grounds]


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(
        label="Move the review to", widget=forms.RadioSelect, error_messages={"required": "Select a stage"}
    )
    on = GovukDateField(
        label="Date (if the move records an event)",
        error_label="the date",
        required=False,
        help_text="For endorsement, publication and closure: the date it happened. For example, 27 3 2026",
    )
    reason = forms.CharField(
        label="Reason or note (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(m.to_stage, m.action) for m in moves]


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"}
    )
    pseudonym = forms.CharField(
        label="Pseudonym in reports",
        max_length=100,
        help_text="For example Child A, Mother, Adult 1",
        error_messages={"required": "Enter the pseudonym used in reports, for example Mother"},
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        choices=[("", "Choose a relationship"), *Relationship.choices],
        error_messages={"required": "Choose the person's relationship to the child"},
    )
    aliases = forms.CharField(
        label="Other names (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Previous names, nicknames and other spellings, one per line",
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", error_label="date of birth", required=False)
    addresses = forms.CharField(
        label="Addresses (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One address per line, with its postcode",
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)", max_length=14, required=False, help_text="10 digits, like 943 476 5919"
    )
    national_insurance_number = forms.CharField(
        label="National Insurance number (optional)",
        max_length=13,
        required=False,
        help_text="Like QQ 12 34 56 C",
    )
    other_identifiers = forms.CharField(
        label="Other identifiers (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line, for example: Police PNC 12/345678A",
    )


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of place",
        choices=[("", "Choose a kind of place"), *PlaceKind.choices],
        error_messages={"required": "Choose what kind of place it is"},
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name of the place"})
    address = forms.CharField(label="Address (optional)", max_length=300, required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    pseudonym = forms.CharField(
        label="Pseudonym in reports",
        max_length=100,
        help_text="For example School 1, Address 2",
        error_messages={"required": "Enter the pseudonym used in reports, for example School 1"},
    )


class DeadlineOverrideForm(forms.Form):
    rule = forms.ChoiceField(
        label="Deadline", widget=forms.RadioSelect, error_messages={"required": "Select a deadline"}
    )
    due_on = GovukDateField(label="New deadline", error_label="the new deadline")
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: revised timetable agreed with the Department for Education",
        error_messages={"required": "Enter the reason for changing the deadline"},
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(str(rule.pk), rule.label) for rule in rules]
