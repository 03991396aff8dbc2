"""Forms of the integrated chronology: its filters (the page, the timeline, the exports and the API share them), the
lead reviewer's decision on two entries and their note on one. They check the shape; the services check the rules."""

from django import forms

from casereview.chronology.dates import DateError, parse_uk_date
from casereview.chronology.integrated import IntegratedFilters, gap_days_default
from casereview.chronology.models import THEMES, ChronologyVersion, PairDecision, Significance
from casereview.chronology.timeline import month_end

DATE_HINT = "For example, 31/03/2016 or March 2016"
MAX_GAP_DAYS = 3_650


class IntegratedFilterForm(forms.Form):
    """Bound to the query string (GET): every field is optional, and an empty form shows everything."""

    agency = forms.TypedMultipleChoiceField(
        label="Agencies",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Choose agencies from the list"},
    )
    person = forms.TypedChoiceField(
        label="Person",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    significance = forms.MultipleChoiceField(
        label="Significance",
        required=False,
        choices=Significance.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Choose a significance from the list"},
    )
    date_from = forms.CharField(label="From", required=False, max_length=100, help_text=DATE_HINT)
    date_to = forms.CharField(label="To", required=False, max_length=100, help_text=DATE_HINT)
    gap_days = forms.IntegerField(
        label="Show gaps with no contact of at least (days)",
        required=False,
        min_value=1,
        max_value=MAX_GAP_DAYS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 28",
            "min_value": "Enter a number of days of 1 or more",
            "max_value": f"Enter a number of days of {MAX_GAP_DAYS} or fewer",
        },
    )

    def __init__(self, *args, versions: list[ChronologyVersion], people: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(v.agency_id, v.agency.name) for v in versions]
        self.fields["person"].choices = [("", "Everyone"), *people.items()]
        self.fields["gap_days"].help_text = f"Leave empty for {gap_days_default()} days"

    def _date(self, name: str, label: str):
        text = self.cleaned_data.get(name, "")
        if not text.strip():
            return None
        try:
            parsed = parse_uk_date(text)
        except DateError as error:
            raise forms.ValidationError(f"{label}: {error}") from None
        return parsed

    def clean_date_from(self):
        parsed = self._date("date_from", "The start of the period")
        return parsed.occurred_on if parsed else None

    def clean_date_to(self):
        parsed = self._date("date_to", "The end of the period")
        if parsed is None:
            return None
        # "To March 2016" means to the end of March.
        return month_end(parsed.occurred_on) if parsed.precision == "month" else parsed.occurred_on

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the period must be the same as or after its start")
        return cleaned

    def filters(self) -> IntegratedFilters:
        """The filters asked for; nothing filtered where a field is in error."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return IntegratedFilters(
            agencies=frozenset(data.get("agency") or ()),
            person=data.get("person"),
            significance=frozenset(data.get("significance") or ()),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            gap_days=data.get("gap_days"),
        )


class EntryPairForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do these entries record the same event?",
        choices=[
            (PairDecision.LINKED, "Yes, they are the same event: link them"),
            (PairDecision.DISMISSED, "No, they are different events"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the two entries record the same event"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you decided, for example what the two agencies' records show",
    )


class EntryAnnotationForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What this entry shows about practice, or what to ask about it",
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        required=False,
        choices=[(theme, theme) for theme in THEMES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        help_text="Choose the themes this entry shows",
        error_messages={"invalid_choice": "Choose themes from the list"},
    )
