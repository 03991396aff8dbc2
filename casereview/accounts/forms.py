from django import forms
from django.contrib.auth.forms import AuthenticationForm

from casereview.accounts.models import AgencyKind


class SignInForm(AuthenticationForm):
    """Email and password, with GOV.UK wording."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def clean_username(self):
        # Addresses are stored in lower case; people type them however they like.
        return self.cleaned_data["username"].strip().lower()

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed. Ask your board manager",
    }


class AgencyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name of the agency"})
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=[("", "Choose a kind"), *AgencyKind.choices],
        error_messages={"required": "Choose what kind of agency it is"},
    )


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app. Spaces are allowed, as apps show the code in two halves."""

    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code shown in your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456")
        return code


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class SetPasswordForm(forms.Form):
    """A new password, typed twice. The rules (Django's password validators) are checked by the service."""

    password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        label="Confirm new password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = help_text
