"""The independence check: what the system knows that says a person may not be independent of a review's case.

Each source is a function (what is known of the review, the user, the user's normalised name and email) ->
findings; `SOURCES` lists them, so a new source is added in one place. What is known is
read once per check (`known_about`), however many people are checked. A finding's key is stable, so a check run
again recognises what it found before. Descriptions name the source plainly and never a family member's real
name: the register source gives the person's pseudonym."""

from collections.abc import Callable
from dataclasses import dataclass

from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.interviews.models import MANAGING_KINDS, InvolvedWorker, InvolvedWorkerKind
from casereview.panel.models import ConflictSource, Declaration
from casereview.panel.names import name_as_words, normalise_name, normalise_text
from casereview.reviews.models import Person, Review


@dataclass(frozen=True)
class Finding:
    source: str
    key: str
    description: str


Source = Callable[["Known", object, "Checked"], list[Finding]]

# What each "no" of a declaration says, in the declaration's order.
DECLARATION_ANSWERS = [
    ("not_involved", "Declared that they were involved in the case"),
    (
        "no_management_responsibility",
        "Declared that they had direct management responsibility for an aspect of the case",
    ),
    ("independent_of_workers", "Declared that they are not independent of the workers involved"),
]

# How a listed worker was involved, after "Listed by <agency> as".
WORKER_INVOLVEMENT = {
    InvolvedWorkerKind.PRACTITIONER: "a worker with the family",
    InvolvedWorkerKind.CHILDMINDER: "the family's childminder",
    InvolvedWorkerKind.VOLUNTEER: "a volunteer with the family",
    InvolvedWorkerKind.FOSTER_CARER: "a foster carer of the family",
    InvolvedWorkerKind.MANAGER: "a manager of the work with the family",
    InvolvedWorkerKind.SUPERVISOR: "a supervisor of the work with the family",
}


def _email(value: str) -> str:
    return (value or "").strip().lower()


def _role_of(worker: InvolvedWorker) -> str:
    return worker.job_title.strip() or worker.get_kind_display().lower()


@dataclass(frozen=True)
class ListedWorker:
    """A listed worker with the names and addresses the check compares, normalised once."""

    worker: InvolvedWorker
    name: str
    email: str
    line_manager_name: str
    line_manager_email: str


@dataclass(frozen=True)
class Known:
    """What the review's records say, loaded once for a check of any number of people."""

    workers: list[ListedWorker]
    people: list[tuple[Person, set[str]]]  # each person on the register with their names, normalised
    declarations: dict[int, Declaration]  # each user's latest declaration on the review
    # Each chronology entry of each agency's latest version (draft or submitted) that names practitioners:
    # (key, agency name, date as written, the practitioners normalised and padded for whole-word search).
    practitioners: list[tuple[str, str, str, str]]


def known_about(review: Review) -> Known:
    workers = InvolvedWorker.objects.filter(review=review).select_related("agency").order_by("pk")
    declarations = {}
    for declaration in Declaration.objects.filter(review=review).order_by("declared_at", "pk"):
        declarations[declaration.user_id] = declaration  # the latest wins
    return Known(
        workers=[
            ListedWorker(
                worker,
                normalise_name(worker.full_name),
                _email(worker.email),
                normalise_name(worker.line_manager_name),
                _email(worker.line_manager_email),
            )
            for worker in workers
        ],
        people=[
            (person, {normalise_name(name) for name in [person.full_name, *person.alias_list()]} - {""})
            for person in review.people.order_by("pk")
        ],
        declarations=declarations,
        practitioners=_practitioners_named(review),
    )


def _practitioners_named(review: Review) -> list[tuple[str, str, str, str]]:
    latest = {}
    for version_id, agency_id in (
        ChronologyVersion.objects.filter(review=review).order_by("number").values_list("pk", "agency_id")
    ):
        latest[agency_id] = version_id  # the highest number wins
    rows = (
        ChronologyEntry.objects.filter(version_id__in=latest.values())
        .exclude(practitioners="")
        .values_list("key", "version__agency__name", "date_text", "occurred_on", "practitioners")
    )
    return [
        (str(key), agency, date_text or f"{occurred_on:%-d %B %Y}", normalise_text(practitioners))
        for key, agency, date_text, occurred_on, practitioners in rows
    ]


@dataclass(frozen=True)
class Checked:
    """The person checked: their name and email address, normalised once."""

    name: str
    email: str


def _is_worker(listed: ListedWorker, who: Checked) -> bool:
    return bool(who.email and listed.email == who.email) or bool(who.name and listed.name == who.name)


def from_declaration(known: Known, user, who: Checked) -> list[Finding]:
    """Each "no" of the person's latest declaration on the review."""
    declaration = known.declarations.get(user.pk)
    if declaration is None:
        return []
    return [
        Finding(ConflictSource.DECLARATION, f"declaration:{declaration.pk}:{field}", description)
        for field, description in DECLARATION_ANSWERS
        if not getattr(declaration, field)
    ]


def from_people_register(known: Known, user, who: Checked) -> list[Finding]:
    """The person's name is the name, or another name, of someone on the review's people register."""
    if not who.name:
        return []
    return [
        Finding(
            ConflictSource.PEOPLE_REGISTER,
            f"person:{person.pk}",
            f"Their name matches {person.pseudonym} ({person.get_relationship_display().lower()}) "
            "on the people register",
        )
        for person, names in known.people
        if who.name in names
    ]


def from_interview_list(known: Known, user, who: Checked) -> list[Finding]:
    """An agency lists the person (by email address or name) among the workers involved with the family. Managers
    and supervisors are the managed-the-case source's."""
    return [
        Finding(
            ConflictSource.INTERVIEW_LIST,
            f"worker:{listed.worker.pk}",
            f"Listed by {listed.worker.agency} as "
            f"{WORKER_INVOLVEMENT.get(listed.worker.kind, listed.worker.get_kind_display().lower())}"
            + (f" ({listed.worker.job_title.strip()})" if listed.worker.job_title.strip() else ""),
        )
        for listed in known.workers
        if listed.worker.kind not in MANAGING_KINDS and _is_worker(listed, who)
    ]


def from_line_management(known: Known, user, who: Checked) -> list[Finding]:
    """An agency records the person as the line manager of a worker involved with the family."""
    return [
        Finding(
            ConflictSource.LINE_MANAGEMENT,
            f"worker:{listed.worker.pk}:line_manager",
            f"Recorded by {listed.worker.agency} as the line manager of a worker involved with the family "
            f"({_role_of(listed.worker)})",
        )
        for listed in known.workers
        if (who.email and listed.line_manager_email == who.email) or (who.name and listed.line_manager_name == who.name)
    ]


def from_managed_case(known: Known, user, who: Checked) -> list[Finding]:
    """The person works for an agency under review in a role that managed the case: an agency lists them as a
    manager or supervisor of the work with the family."""
    return [
        Finding(
            ConflictSource.MANAGED_CASE,
            f"worker:{listed.worker.pk}:managed",
            f"Works for {listed.worker.agency}, an agency under review, in a role that managed the case "
            f"({_role_of(listed.worker)})",
        )
        for listed in known.workers
        if listed.worker.kind in MANAGING_KINDS and _is_worker(listed, who)
    ]


def from_chronology(known: Known, user, who: Checked) -> list[Finding]:
    """An agency's chronology names the person among the practitioners of an event (their full name, as whole
    words, in the entry's practitioners)."""
    needle = name_as_words(user.full_name)
    if not needle:
        return []
    return [
        Finding(
            ConflictSource.CHRONOLOGY,
            f"chronology:{key}",
            f"Named in {agency}'s chronology as a practitioner in the event of {date_text}",
        )
        for key, agency, date_text, practitioners in known.practitioners
        if needle in practitioners
    ]


SOURCES: list[Source] = [
    from_declaration,
    from_people_register,
    from_interview_list,
    from_line_management,
    from_managed_case,
    from_chronology,
]


def independence_findings(review: Review, user, known: Known | None = None) -> list[Finding]:
    """Everything every source finds about `user` on `review`, each key once. Pass `known` (from `known_about`)
    to check many people against one reading of the review."""
    known = known if known is not None else known_about(review)
    who = Checked(normalise_name(user.full_name), _email(user.email))
    findings = {}
    for source in SOURCES:
        for finding in source(known, user, who):
            findings.setdefault(finding.key, finding)
    return list(findings.values())
