"""A review's deadlines: computed from its type's rules and key dates, or overridden with a reason."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from casereview.core.calendar import add_working_days, deadline
from casereview.reviews.models import DeadlineOverride, DeadlineRule, Review


class Status:
    NOT_STARTED = "not started"
    ON_TIME = "on time"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met late"


TAG_COLOURS = {
    Status.NOT_STARTED: "grey",
    Status.ON_TIME: "green",
    Status.DUE_SOON: "yellow",
    Status.OVERDUE: "red",
    Status.MET: "blue",
    Status.MET_LATE: "orange",
}


@dataclass(frozen=True)
class Deadline:
    rule: DeadlineRule
    due_on: date | None
    met_on: date | None
    status: str
    override: DeadlineOverride | None

    @property
    def label(self) -> str:
        return self.rule.label

    @property
    def colour(self) -> str:
        return TAG_COLOURS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in {Status.ON_TIME, Status.DUE_SOON, Status.OVERDUE}


def deadline_status(due_on: date | None, met_on: date | None, today: date) -> str:
    if due_on is None:
        return Status.NOT_STARTED
    if met_on is not None:
        return Status.MET if met_on <= due_on else Status.MET_LATE
    if today > due_on:
        return Status.OVERDUE
    if due_on <= add_working_days(today, settings.CASEREVIEW_DUE_SOON_WORKING_DAYS):
        return Status.DUE_SOON
    return Status.ON_TIME


def review_deadlines(review: Review, today: date | None = None) -> list[Deadline]:
    """Every deadline of the review's type, in the type's order. Uses prefetched rules and overrides."""
    today = today or timezone.localdate()
    latest_override = {o.rule_id: o for o in review.deadline_overrides.all()}  # ordered oldest first
    deadlines = []
    for rule in review.review_type.deadline_rules.all():
        override = latest_override.get(rule.pk)
        start = review.key_date(rule.starts_from)
        if override:
            due_on = override.due_on
        elif start:
            due_on = deadline(start, rule.amount, rule.unit)
        else:
            due_on = None
        met_on = review.key_date(rule.met_by)
        deadlines.append(Deadline(rule, due_on, met_on, deadline_status(due_on, met_on, today), override))
    return deadlines


def next_deadline(review: Review, today: date | None = None) -> Deadline | None:
    """The earliest deadline still open, for the dashboard."""
    open_deadlines = [d for d in review_deadlines(review, today) if d.is_open]
    return min(open_deadlines, key=lambda d: d.due_on, default=None)
