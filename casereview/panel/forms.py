"""Forms of the panel pages. They give the input its shape; the services check it and the rules."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from casereview.panel.models import Position
from casereview.panel.selectors import required_seats

# The positions the panel page appoints to; IMR authors and senior managers are nominated with the agencies.
PANEL_PAGE_POSITIONS = [
    Position.PANEL_CHAIR,
    Position.AGENCY_REPRESENTATIVE,
    Position.LEGAL_ADVISER,
    Position.CO_OPTED,
    Position.LEAD_REVIEWER,
]
POSITION_HINTS = {
    Position.PANEL_CHAIR: "Chairs the panel. A review has one panel chair at a time.",
    Position.AGENCY_REPRESENTATIVE: "A senior manager representing an agency: choose the agency below.",
    Position.LEGAL_ADVISER: "Advises the panel on the law.",
    Position.CO_OPTED: "Brings expertise the panel needs, for example from education or housing.",
    Position.LEAD_REVIEWER: "Writes the overview report. A review has one lead reviewer at a time.",
}
YES_NO = [("yes", "Yes"), ("no", "No")]


class ServiceCheckedForm(forms.Form):
    """The service refuses a null character with a message that says what to do; the form lets it through."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]


def _yes_no(label: str) -> forms.TypedChoiceField:
    # Not required here: the service says which answer is missing, the same for the page and the API.
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )


class AppointForm(ServiceCheckedForm):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="We will use this to find their account, or to invite them to Casereview if they have none",
        error_messages={"required": "Enter the email address of the person to appoint"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label="Full name (if they have no account yet)", max_length=200, required=False)
    job_title = forms.CharField(
        label="Job title (if they have no account yet, optional)", max_length=200, required=False
    )
    position = forms.ChoiceField(
        label="Position",
        choices=[(position.value, position.label) for position in PANEL_PAGE_POSITIONS],
        required=False,
        widget=forms.RadioSelect,
    )
    agency = forms.ModelChoiceField(
        label="Agency they represent",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="Needed for an agency representative",
        error_messages={"invalid_choice": "Choose an agency of this board"},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = review.board.agencies.order_by("name")
        self.fields["position"].widget.choice_hints = POSITION_HINTS


class ReasonForm(ServiceCheckedForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, label: str = "Reason", hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint


class SeatGapForm(ServiceCheckedForm):
    seat = forms.ChoiceField(
        label="Which seat is not filled?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the seat that is not filled"},
    )
    reason = forms.CharField(
        label="Why is it not filled?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="For example, the probation service had no contact with the family and agreed not to attend",
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [
            (seat["code"], seat.get("label", seat["code"])) for seat in required_seats(review)
        ]


class DeclarationForm(ServiceCheckedForm):
    """Asked plainly; the declaration stores each answer as the statement of independence it makes."""

    involved = _yes_no("Were you involved in the case?")
    managed = _yes_no("Did you have direct management responsibility for any aspect of the case?")
    independent_of_workers = _yes_no("Are you independent of the workers involved?")
    knowledge_and_experience = forms.CharField(
        label="Your child protection knowledge and experience",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="For example, your role, your years in child protection work and relevant training",
    )
    details = forms.CharField(
        label="Details (if you were involved, had management responsibility or are not independent of the workers)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What your involvement or responsibility was. The board managers and the board chair read this; "
        "the chair decides whether you can still take part.",
    )

    # The service's fields, by the form's.
    FIELD_MAP = {"not_involved": "involved", "no_management_responsibility": "managed"}

    def declaration(self) -> dict:
        """The cleaned answers as `declaration_make` takes them."""
        data = self.cleaned_data
        flip = lambda answer: None if answer is None else not answer  # noqa: E731
        return {
            "not_involved": flip(data["involved"]),
            "no_management_responsibility": flip(data["managed"]),
            "independent_of_workers": data["independent_of_workers"],
            "knowledge_and_experience": data["knowledge_and_experience"],
            "details": data["details"],
        }
