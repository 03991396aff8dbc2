"""Template filters and tags for GOV.UK dates, tags, page titles and message banners."""

import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html

from casereview.frontend.dates import MONTH_NAMES

register = template.Library()

UK_TIME = ZoneInfo("Europe/London")
TAG_COLOURS = {
    "grey",
    "green",
    "turquoise",
    "blue",
    "light-blue",
    "purple",
    "pink",
    "red",
    "orange",
    "yellow",
}


def _uk(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(UK_TIME)
    return value


@register.filter
def govuk_date(value):
    """4 March 2026: no leading zero, month in full, datetimes in UK time."""
    if not isinstance(value, datetime.date):
        return "" if value is None else value
    value = _uk(value)
    return f"{value.day} {MONTH_NAMES[value.month - 1].capitalize()} {value.year}"


@register.filter
def govuk_time(value):
    """2:05pm, 2pm, midday, midnight (GOV.UK style), in UK time."""
    if not isinstance(value, datetime.datetime | datetime.time):
        return "" if value is None else value
    value = _uk(value)
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def govuk_datetime(value):
    """4 March 2026 at 2:05pm, in UK time."""
    if not isinstance(value, datetime.datetime):
        return govuk_date(value)
    return f"{govuk_date(value)} at {govuk_time(value)}"


@register.simple_tag
def govuk_tag(text, colour=""):
    """{% govuk_tag "Overdue" "red" %} → <strong class="govuk-tag govuk-tag--red">Overdue</strong>."""
    if colour and colour not in TAG_COLOURS:
        raise template.TemplateSyntaxError(f"govuk_tag colour must be one of {sorted(TAG_COLOURS)}")
    classes = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
    return format_html('<strong class="{}">{}</strong>', classes, text)


@register.simple_tag
def page_title_prefix(*forms):
    """'Error: ' when any of the forms has errors, for the start of the page <title>."""
    return "Error: " if any(getattr(form, "errors", None) for form in forms) else ""


@register.simple_tag
def govuk_message_banners(messages):
    """Group Django messages into notification banners: one success banner, one for everything else."""
    success, important = [], []
    for message in messages or ():
        (success if message.level_tag == "success" else important).append(message)
    banners = []
    if success:
        banners.append({"type": "success", "title": "Success", "role": "alert", "messages": success})
    if important:
        banners.append({"type": "", "title": "Important", "role": "region", "messages": important})
    return banners
