"""Forms of the agencies pages: the shape of the input only; the services check the rules."""

from django import forms

from casereview.frontend.forms import GovukDateField


class AgencyAddForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=None,
        empty_label="Choose an agency",
        help_text="Agencies of the board that knew the family. The board manager adds agencies to the board.",
        error_messages={"required": "Choose the agency", "invalid_choice": "Choose an agency of this board"},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class DeadlinesForm(forms.Form):
    records_secured_due_on = GovukDateField(
        label="Case records secured by", error_label="the date the records must be secured by"
    )
    initial_report_due_on = GovukDateField(
        label="Initial report due",
        error_label="the date the initial report is due",
        help_text="The issues apparent at once. For example, 27 3 2026",
    )
    chronology_due_on = GovukDateField(label="Chronology due", error_label="the date the chronology is due")
    imr_due_on = GovukDateField(
        label="Individual management review (IMR) due",
        error_label="the date the IMR is due",
        help_text="Signed off by the senior manager. For example, 27 3 2026",
    )


class NominateForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    full_name = forms.CharField(
        label="Full name (if they are new to Casereview)",
        max_length=200,
        required=False,
        help_text="Needed only when they do not have an account yet: they are sent an invitation",
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)


class AskForm(forms.Form):
    note = forms.CharField(
        label="Anything else the agency is asked (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="For example, the period its review covers. This stays in Casereview: the e-mail does not "
        "include it.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the agency withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason the agency is withdrawn"},
    )
