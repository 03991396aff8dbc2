"""The review workspace: each stage of the review with its tasks and their status, for the task list."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from casereview.chronology.models import ChronologyVersion
from casereview.chronology.selectors import AgencyChronology
from casereview.involvement.selectors import active_involvements, own_involvements_of
from casereview.panel.selectors import active_appointments, latest_declarations
from casereview.panel.selectors import set_up_missing as panel_missing
from casereview.planning.selectors import latest_terms
from casereview.planning.selectors import set_up_missing as terms_missing
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


def _progress(missing: list, started: bool, reachable: bool) -> tuple[str, str]:
    """A task's status and hint from what its stage guard still finds missing."""
    if not missing:
        return DONE, ""
    hint = missing[0][0] + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
    return (IN_PROGRESS if started else _status(False, reachable)), hint


def set_up_tasks(review: Review, user, reachable: bool) -> list[Task]:
    """The leaflet's set-up: panel and independence, agencies asked, records secured, terms of reference."""
    link = lambda perm, name: reverse(name, args=[review.pk]) if user.has_perm(perm, review) else None  # noqa: E731
    panel_status, panel_hint = _progress(panel_missing(review), active_appointments(review).exists(), reachable)
    if not user.has_perm("panel.view_panel", review):
        panel_hint = ""  # what is missing names people and their conflicts: only for those who see the panel
    involvements = list(active_involvements(review))
    asked = [i for i in involvements if i.asked_on]
    asked_status = DONE if involvements and len(asked) == len(involvements) else None
    if asked_status is None:
        asked_status = IN_PROGRESS if involvements else _status(False, reachable)
    terms_status, terms_hint = _progress(terms_missing(review), latest_terms(review) is not None, reachable)
    tasks = [
        Task(
            "Appoint the panel and check its independence",
            panel_status,
            link("panel.view_panel", "panel:panel"),
            panel_hint,
        ),
        Task(
            "Ask the agencies involved to review their work",
            asked_status,
            link("involvement.view_agencies", "involvement:agencies"),
            f"{len(asked)} of {len(involvements)} asked" if involvements else "",
        ),
        *records_secured_tasks(review, user, reachable),
        Task(
            "Agree the terms of reference and timetable",
            terms_status,
            link("planning.view_terms", "planning:terms"),
            terms_hint,
        ),
    ]
    if user.has_perm("panel.declare", review) and user.pk not in latest_declarations(review):
        tasks.insert(
            1, Task("Make your declaration of independence", TO_DO, link("panel.declare", "panel:declaration"))
        )
    return tasks


def chronology_tasks(review: Review, user, reachable: bool) -> list[Task]:
    """One task per agency involved: its chronology, submitted (its first submission), started or not yet."""
    versions = {}
    for agency_id, submitted_at in ChronologyVersion.objects.filter(review=review).values_list(
        "agency_id", "submitted_at"
    ):
        versions.setdefault(agency_id, []).append(submitted_at)
    tasks = []
    for involvement in active_involvements(review):
        agency = involvement.agency
        found = versions.get(agency.pk, [])
        submitted = sorted(at for at in found if at is not None)
        status = DONE if submitted else (IN_PROGRESS if found else _status(False, reachable))
        chronology = AgencyChronology(review, agency)
        tasks.append(
            Task(
                f"Chronology: {agency.name}",
                status,
                reverse("chronology:agency", args=[review.pk, agency.pk])
                if user.has_perm("chronology.view_agency", chronology)
                else None,
                hint=f"Submitted on {timezone.localtime(submitted[0]):%-d %B %Y}" if submitted else "",
            )
        )
    return tasks


# The parts of a review, in the order people work through them: (words, permission asked about the review, page).
AREAS = [
    ("Panel and independence", "panel.view_panel", "panel:panel"),
    ("Your declaration of independence", "panel.declare", "panel:declaration"),
    ("Agencies involved", "involvement.view_agencies", "involvement:agencies"),
    ("Terms of reference", "planning.view_terms", "planning:terms"),
    ("Panel meetings", "planning.view_meetings", "planning:meetings"),
    ("People register", "reviews.view_people", "reviews:people"),
    ("Workers involved", "interviews.view_workers", "interviews:workers"),
    ("Agency chronologies", "chronology.view_chronologies", "chronology:agencies"),
    ("Integrated chronology and timeline", "chronology.view_integrated", "chronology:integrated"),
    ("Case records", "records.view_vault", "records:vault"),
    ("Audit trail", "audit.view_trail", "audit:trail"),
]


def areas(review: Review, user) -> list[dict]:
    """Links to the parts of the review the user may open."""
    found = [
        {"text": text, "href": reverse(name, args=[review.pk])}
        for text, perm, name in AREAS
        if user.has_perm(perm, review)
    ]
    if not user.has_perm("involvement.view_agencies", review):  # an agency's staff see their own agency's page
        found[1:1] = [
            {
                "text": f"What {involvement.agency} is asked to do",
                "href": reverse("involvement:agency", args=[review.pk, involvement.agency_id]),
            }
            for involvement in own_involvements_of(user, review)
        ]
    return found


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
            section.tasks = set_up_tasks(review, user, at_or_after)
        elif stage == Stage.AGENCY_REVIEWS:
            section.tasks = chronology_tasks(review, user, at_or_after)
        # The decision moves the review by itself; other stages are moved on by hand.
        if index == current and stage not in {Stage.DECISION, Stage.CLOSED} and may_move:
            section.tasks.append(Task("Move the review to its next stage", TO_DO, url("stage")))
        sections.append(section)
    return sections
