"""The filters of a review's audit trail, sent as GET parameters."""

import datetime

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from casereview.frontend.forms import GovukDateField

NO_ACTOR = "system"


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, UK time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class TrailFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", required=False, error_messages={"invalid_choice": "Select an action from the list"}
    )
    actor = forms.ChoiceField(
        label="Who", required=False, error_messages={"invalid_choice": "Select a person from the list"}
    )
    date_from = GovukDateField(label="From", error_label="the first date", required=False)
    date_to = GovukDateField(label="To", error_label="the last date", required=False)

    def __init__(self, data, *, trail: QuerySet):
        super().__init__(data)
        actions = trail.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", "All actions"), *((a, a) for a in actions)]
        actors = trail.order_by().filter(actor__isnull=False).values_list("actor", "actor__full_name", "actor__email")
        named = sorted({(str(pk), name or email) for pk, name, email in actors.distinct()}, key=lambda c: c[1])
        self.fields["actor"].choices = [
            ("", "Everyone"),
            *named,
            (NO_ACTOR, "The system (no one signed in)"),
        ]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last date must be the same as or after the first date")
        return cleaned

    def apply(self, trail: QuerySet) -> QuerySet:
        """The trail narrowed by the valid filters."""
        values = self.cleaned_data
        if values.get("action"):
            trail = trail.filter(action=values["action"])
        if values.get("actor") == NO_ACTOR:
            trail = trail.filter(actor__isnull=True)
        elif values.get("actor"):
            trail = trail.filter(actor_id=values["actor"])
        if values.get("date_from"):
            trail = trail.filter(at__gte=_start_of(values["date_from"]))
        if values.get("date_to"):
            trail = trail.filter(at__lt=_start_of(values["date_to"] + datetime.timedelta(days=1)))
        return trail

    def described(self) -> dict[str, str]:
        """The filters asked for, as kept in the export's audit event."""
        return {name: str(value) for name, value in self.cleaned_data.items() if value}
