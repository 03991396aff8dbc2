"""Forms of the agency chronology pages: the shape of the input only; the services read the date and check the
rules (the register, the agency's files, the lock on a submitted version)."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from casereview.chronology.models import Significance, SourceKind
from casereview.records.models import CaseRecordFile
from casereview.reviews.models import Person

DATE_HINT = "For example 31/03/2021, 31/03/2021 14:30, March 2021 or ?22 May 2016"
NO_SOURCE = ""


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.pseudonym


class RecordFileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CaseRecordFile) -> str:
        return f"{obj.record.title}, version {obj.version} ({obj.name})"


class EntryForm(forms.Form):
    date = forms.CharField(
        label="Date",
        help_text=DATE_HINT,
        required=False,  # the service says what to enter, the same way for pages, the API and imports
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    what_happened = forms.CharField(label="What happened", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    action = forms.CharField(
        label="Action or decision taken (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.CharField(label="Outcome (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    significance = forms.ChoiceField(
        label="Significance",
        choices=Significance.choices,
        initial=Significance.ROUTINE,
        required=False,  # none chosen is routine, as in an import
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the significance: routine, significant or key practice episode"},
    )
    people = PersonChoiceField(
        label="People involved (optional)",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from this review's people register"},
    )
    practitioners = forms.CharField(
        label="Practitioners involved (optional)",
        required=False,
        help_text="Their roles, for example health visitor or duty sergeant",
    )
    source_kind = forms.ChoiceField(
        label="Where does the entry come from?",
        choices=[*SourceKind.choices, (NO_SOURCE, "Not recorded")],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose where the entry comes from"},
    )
    source_file = RecordFileChoiceField(
        label="File in the records vault",
        queryset=CaseRecordFile.objects.none(),
        required=False,
        empty_label="Choose a file",
        help_text="Only if the entry comes from the records vault",
        error_messages={"invalid_choice": "Choose a file from this agency's records vault on this review"},
    )
    source_reference = forms.CharField(
        label="Reference",
        required=False,
        help_text="For an interview, the worker's role and the date; for another reference, what it is. For a file, "
        "the page or section (optional).",
    )
    sequence = forms.IntegerField(
        label="Order on the day (optional)",
        required=False,
        min_value=1,
        max_value=99_999,
        help_text="Leave blank to put the entry after the others of the same day",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the order on the day as a whole number from 1 to 99999",
            "min_value": "Enter the order on the day as a whole number from 1 to 99999",
            "max_value": "Enter the order on the day as a whole number from 1 to 99999",
        },
    )
    analysis = forms.CharField(label="Analysis (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    field_order = [
        "date",
        "sequence",
        "what_happened",
        "action",
        "outcome",
        "significance",
        "people",
        "practitioners",
        "source_kind",
        "source_file",
        "source_reference",
        "analysis",
    ]

    def __init__(self, *args, people=None, files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people if people is not None else Person.objects.none()
        self.fields["source_file"].queryset = files if files is not None else CaseRecordFile.objects.none()
        if people is not None and not people.exists():
            self.fields["people"].help_text = "No one is on the review's people register yet"
        if files is not None and not files.exists():
            self.fields["source_file"].help_text = "The agency has no files in the records vault yet"
        # The service refuses a null character with a message that says what to do; the form lets it through.
        for field in self.fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def entry_values(self) -> dict:
        """The cleaned values as the services take them: a file only for a source in the records vault."""
        values = dict(self.cleaned_data)
        if values["source_kind"] != SourceKind.RECORD:
            values["source_file"] = None
        values["people"] = list(values["people"])
        return values
