"""The review workspace: each stage of the review with its tasks and their status, for the task list."""

from dataclasses import dataclass, field

from django.urls import reverse

from casereview.accounts.models import Role
from casereview.records.models import AgencyVault
from casereview.records.selectors import records_secured_by_agency
from casereview.reviews.models import Review
from casereview.reviews.stages import Stage

DONE, TO_DO, CANNOT_START, IN_PROGRESS = "Completed", "Not yet started", "Cannot start yet", "In progress"


@dataclass
class Task:
    name: str
    status: str
    href: str | None = None
    hint: str = ""


@dataclass
class StageSection:
    stage: Stage
    status: str
    tasks: list[Task] = field(default_factory=list)


def _status(done: bool, reachable: bool) -> str:
    return DONE if done else (TO_DO if reachable else CANNOT_START)


def records_secured_tasks(review: Review, user, reachable: bool) -> list[Task]:
    """One task per agency on the review: its case records secured (the leaflet: as soon as a review is decided)."""
    return [
        Task(
            f"Records secured: {agency.name}",
            _status(secured is not None, reachable),
            reverse("records:agency", args=[review.pk, agency.pk])
            if user.has_perm("records.view_agency", AgencyVault(review, agency))
            else None,
            hint=f"Secured on {secured.secured_on:%-d %B %Y}" if secured else "",
        )
        for agency, secured in records_secured_by_agency(review)
    ]


def workspace(review: Review, user) -> list[StageSection]:
    stages = [Stage(code) for code in review.review_type.stages]
    current = stages.index(Stage(review.stage))
    url = lambda name: reverse(f"reviews:{name}", args=[review.pk])  # noqa: E731
    may_edit_referral = user.has_perm("reviews.change_referral", review)
    may_see_people = user.has_perm("reviews.view_people", review)
    may_decide = user.has_perm("reviews.decide", review)
    may_move = user.has_perm("reviews.change_stage", review)
    decision = getattr(review, "decision", None)
    has_subject = review.people.filter(relationship="subject").exists()
    team = set(review.memberships.values_list("role", flat=True))

    sections = []
    for index, stage in enumerate(stages):
        status = DONE if index < current else IN_PROGRESS if index == current else TO_DO
        if review.stage == Stage.CLOSED and stage == Stage.CLOSED:
            status = DONE
        section = StageSection(stage, status)
        at_or_after = index <= current
        if stage == Stage.REFERRAL:
            section.tasks = [
                Task("Referral details", DONE, url("referral") if may_edit_referral else None),
                Task(
                    "Serious incident notified to Ofsted",
                    _status(bool(review.incident_notified_on), True),
                    url("referral") if may_edit_referral else None,
                ),
                Task(
                    f"Add {review.subject_pseudonym} and their family to the people register",
                    _status(has_subject, True),
                    url("people") if may_see_people else None,
                ),
            ]
        elif stage == Stage.DECISION:
            section.tasks = [
                Task(
                    "Chair's decision against the criteria",
                    _status(decision is not None, at_or_after),
                    url("decision") if may_decide else None,
                    hint=decision.get_outcome_display() if decision else "",
                ),
            ]
        elif stage == Stage.SET_UP:
            section.tasks = [
                Task("Appoint the panel chair", _status(Role.PANEL_CHAIR in team, at_or_after)),
                Task("Appoint the lead reviewer", _status(Role.LEAD_REVIEWER in team, at_or_after)),
                *records_secured_tasks(review, user, at_or_after),
            ]
        # The decision moves the review by itself; other stages are moved on by hand.
        if index == current and stage not in {Stage.DECISION, Stage.CLOSED} and may_move:
            section.tasks.append(Task("Move the review to its next stage", TO_DO, url("stage")))
        sections.append(section)
    return sections
