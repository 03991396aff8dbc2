"""Forms of the involved workers pages: the shape of the input only; the services check the rules."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from casereview.frontend.forms import GovukDateField
from casereview.interviews.models import InvolvedWorkerKind


class WorkerForm(forms.Form):
    full_name = forms.CharField(label="Full name", error_messages={"required": "Enter the worker's full name"})
    job_title = forms.CharField(
        label="Job title (optional)", required=False, help_text="For example, health visitor or duty sergeant"
    )
    kind = forms.ChoiceField(
        label="What did they do?",
        choices=InvolvedWorkerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the worker did, for example practitioner or manager"},
    )
    email = forms.CharField(
        label="Email address (optional)",
        required=False,
        help_text="Used later to invite them to their interview",
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off", "spellcheck": "false"}),
    )
    involved_from = GovukDateField(
        label="Date their involvement started (optional)",
        error_label="the date their involvement started",
        required=False,
    )
    involved_to = GovukDateField(
        label="Date their involvement ended (optional)",
        error_label="the date their involvement ended",
        required=False,
        help_text="Leave blank if they still work with the family. For example, 27 3 2026",
    )
    line_manager_name = forms.CharField(label="Line manager's name (optional)", required=False)
    line_manager_email = forms.CharField(
        label="Line manager's email address (optional)",
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service refuses a null character with a message that says what to do; the form lets it through.
        for field in self.fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
