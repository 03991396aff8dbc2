"""Forms of the vault pages: the shape of the input only; the services check the file and the rules."""

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from casereview.frontend.forms import GovukDateField
from casereview.records import conf
from casereview.records.sniff import allowed_labels


class RecordsSecuredForm(forms.Form):
    secured_on = GovukDateField(
        label="Date the records were secured", error_label="the date the records were secured", max_today=True
    )
    note = forms.CharField(
        label="Where the records are held and how they were secured (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class RecordUploadForm(forms.Form):
    title = forms.CharField(
        label="Title of the record (optional)",
        max_length=200,
        required=False,
        help_text="For example, Children's social care case file. Use the title of an existing record to add a new "
        "version of it. Leave blank to use the file name.",
    )
    file = forms.FileField(
        label="Upload a file",
        allow_empty_file=True,  # the service refuses an empty file with its own message
        error_messages={"required": "Select a file", "invalid": "Select a file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"{allowed_labels(conf.allowed_kinds())}. Smaller than {conf.size_label(conf.max_bytes())}."


class VaultSizeLimit(FileUploadHandler):
    """Stops receiving a file as soon as it passes the vault's size limit, so a huge body is neither kept in
    memory nor written to disk in full. Put first, before Django's own handlers."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = conf.max_bytes()
        if request is not None:
            request.vault_file_too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.vault_file_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
