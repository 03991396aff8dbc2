"""The only code that writes reviews: referral, decision, stage moves, deadlines and the people register."""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from casereview.accounts.models import Board
from casereview.audit.services import audit_record
from casereview.core.errors import Conflict, Invalid, StageRefused
from casereview.core.identifiers import (
    is_valid_nhs_number,
    is_valid_ni_number,
    normalise_nhs_number,
    normalise_ni_number,
)
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.panel.services import independence_recheck
from casereview.reviews.models import (
    DeadlineOverride,
    DeadlineRule,
    Decision,
    DecisionOutcome,
    Person,
    Place,
    PlaceKind,
    Relationship,
    Review,
    ReviewType,
    StageChange,
)
from casereview.reviews.stages import Stage
from casereview.reviews.transitions import find_move, moves_from

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,38}$")
REFERRAL_FIELDS = [
    "subject_pseudonym",
    "referred_on",
    "referred_by_name",
    "referred_by_role",
    "referring_agency",
    "circumstances",
    "incident_date",
    "child_died",
    "date_of_death",
    "incident_notified_on",
]


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _apply(obj, values: dict) -> list[str]:
    """Set and save `values` on `obj`; return the names of the fields that changed, for the audit event."""
    changed = sorted(field for field, value in values.items() if getattr(obj, field) != value)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.save()
    return changed


def _today() -> date:
    return timezone.localdate()


def _check_referral(board: Board, values: dict) -> None:
    today = _today()
    Invalid.check(text_errors(values, Review))
    errors = {}
    if values.get("referred_on") is None:
        errors["referred_on"] = "Enter the date of the referral"
    elif values["referred_on"] > today:
        errors["referred_on"] = "The date of the referral must be today or in the past"
    for field, label in [
        ("incident_date", "The date of the incident"),
        ("date_of_death", "The date of death"),
    ]:
        if values.get(field) and values[field] > today:
            errors[field] = f"{label} must be today or in the past"
    if values.get("incident_notified_on"):
        if values["incident_notified_on"] > today:
            errors["incident_notified_on"] = "The date Ofsted was notified must be today or in the past"
        elif values.get("incident_date") and values["incident_notified_on"] < values["incident_date"]:
            errors["incident_notified_on"] = "The date Ofsted was notified must be on or after the incident"
    if values.get("date_of_death") and not values.get("child_died"):
        errors["date_of_death"] = "Remove the date of death, or say that the child died"
    if values.get("child_died") and not values.get("date_of_death"):
        errors["date_of_death"] = "Enter the date of death"
    agency = values.get("referring_agency")
    if agency is not None and agency.board_id != board.pk:
        errors["referring_agency"] = "Choose an agency of this board"
    for field, label in [
        ("subject_pseudonym", "the pseudonym of the subject, for example Child A"),
        ("referred_by_name", "the name of the person who referred the case"),
        ("circumstances", "the circumstances of the case"),
    ]:
        if not str(values.get(field) or "").strip():
            errors[field] = f"Enter {label}"
    Invalid.check(errors)


def next_reference(board: Board, review_type: ReviewType, year: int) -> str:
    prefix = f"{review_type.code}-{year}-"
    taken = Review.objects.filter(board=board, reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def review_refer(*, actor, board: Board, review_type: ReviewType, reference: str = "", **referral) -> Review:
    """Record a referral: a new review at the referral stage."""
    require_or_refuse(actor, "reviews.refer", board, "record a referral on this board")
    values = {field: referral.get(field) for field in REFERRAL_FIELDS}
    values["child_died"] = bool(values["child_died"])
    for field in ["referred_by_role", "circumstances", "subject_pseudonym", "referred_by_name"]:
        values[field] = (values[field] or "").strip()
    _check_referral(board, values)
    reference = (reference or "").strip().upper() or next_reference(board, review_type, values["referred_on"].year)
    if not REFERENCE_PATTERN.fullmatch(reference):
        raise Invalid("Enter a reference of capital letters, numbers and hyphens, like SCR-2026-003", field="reference")
    if Review.objects.filter(board=board, reference=reference).exists():
        raise Invalid(
            f"A review with the reference {reference} already exists: enter another", field="reference"
        ) from None
    try:
        with transaction.atomic():
            review = Review.objects.create(
                board=board, review_type=review_type, reference=reference, created_by=actor, **values
            )
    except IntegrityError:  # a concurrent referral took the reference between the check and the insert
        raise Invalid(
            f"A review with the reference {reference} already exists: enter another", field="reference"
        ) from None
    StageChange.objects.create(review=review, from_stage="", to_stage=Stage.REFERRAL, changed_by=actor)
    audit_record(
        actor=actor,
        action="review.referred",
        obj=review,
        data={"reference": reference}
        | {field: _json(value) for field, value in values.items() if field != "circumstances"},
    )
    return review


@transaction.atomic
def review_change_referral(*, actor, review: Review, **changes) -> Review:
    """Correct the referral's details while the review awaits its decision."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_or_refuse(actor, "reviews.change_referral", review, "change this referral")
    unknown = set(changes) - set(REFERRAL_FIELDS)
    if unknown:
        raise Invalid(f"These details cannot be changed here: {', '.join(sorted(unknown))}")
    values = {field: getattr(review, field) for field in REFERRAL_FIELDS} | changes
    values["child_died"] = bool(values["child_died"])
    _check_referral(review.board, values)
    decision = getattr(review, "decision", None)
    if decision and values["referred_on"] > decision.decided_on:
        raise Invalid("The date of the referral must be on or before the decision", field="referred_on")
    changed = _apply(review, values)
    audit_record(actor=actor, action="review.referral_changed", obj=review, data={"changed": changed})
    return review


def _move(*, actor, review: Review, to_stage: str, reason: str = "", on: date | None = None) -> Review:
    """Check the table and the guard, then move, record the history row and audit. Call inside atomic."""
    move = find_move(review, to_stage)
    if move is None:
        allowed = [Stage(m.to_stage).label for m in moves_from(review)]
        known = to_stage in Stage.values
        what = f"“{Stage(to_stage).label}”" if known else f"an unknown stage “{to_stage}”"
        hint = f" From here it can move to: {', '.join(allowed)}." if allowed else " It cannot move from here."
        raise Conflict(
            f"A review at the {Stage(review.stage).label.lower()} stage cannot move to {what}.{hint}",
            field="to_stage",
        )
    Invalid.check(text_errors({"reason": reason}))
    if on is not None and on > _today():
        raise Invalid("The date must be today or in the past", field="on")
    missing = move.guard(review, on)
    if missing:
        raise StageRefused(Stage(move.to_stage).label, missing)
    from_stage = review.stage
    review.stage = move.to_stage
    if move.sets_date:
        setattr(review, move.sets_date, on or _today())
    review.save()
    StageChange.objects.create(
        review=review, from_stage=from_stage, to_stage=move.to_stage, changed_by=actor, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action="review.stage_changed",
        obj=review,
        data={"from": from_stage, "to": move.to_stage, "reason": reason.strip(), "on": _json(on)},
    )
    return review


@transaction.atomic
def review_change_stage(*, actor, review: Review, to_stage: str, reason: str = "", on: date | None = None) -> Review:
    """Move a review to another stage if the table allows it and the guard is met."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    require_or_refuse(actor, "reviews.change_stage", review, "change the stage of this review")
    return _move(actor=actor, review=review, to_stage=to_stage, reason=reason, on=on)


@transaction.atomic
def review_decide(
    *, actor, review: Review, grounds: list[str], outcome: str, rationale: str = "", decided_on: date
) -> Decision:
    """Record the chair's decision and move the review on: to set-up, or closed when no review is held."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.stage != Stage.DECISION:
        raise Conflict(
            f"The decision is recorded at the decision stage; this review is at the "
            f"{Stage(review.stage).label.lower()} stage",
            field="outcome",
        )
    require_or_refuse(actor, "reviews.decide", review, "record the decision on this review")
    review_type = review.review_type
    known = review_type.ground_labels()
    grounds = list(dict.fromkeys(grounds))
    rationale = rationale.strip()
    Invalid.check(text_errors({"rationale": rationale}))
    errors = {}
    if unknown := [g for g in grounds if g not in known]:
        errors["grounds"] = f"Choose grounds from the list; these are not grounds: {', '.join(unknown)}"
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = "Choose whether to hold a review"
    required = review_type.required_grounds() & set(grounds)
    if outcome == DecisionOutcome.NO_REVIEW and required:
        errors["outcome"] = (
            "A review must be held because: "
            + "; ".join(known[g] for g in sorted(required)).lower()
            + ". Choose to hold a review"
        )
    if not required and not rationale:
        errors["rationale"] = "Enter the reasons for the decision"
    if decided_on > _today():
        errors["decided_on"] = "The date of the decision must be today or in the past"
    elif decided_on < review.referred_on:
        errors["decided_on"] = "The date of the decision must be on or after the date of the referral"
    Invalid.check(errors)
    decision = Decision.objects.create(
        review=review,
        grounds=grounds,
        outcome=outcome,
        rationale=rationale,
        decided_on=decided_on,
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action="review.decided",
        obj=review,
        data={"grounds": grounds, "outcome": outcome, "decided_on": decided_on.isoformat()},
    )
    review.decision = decision
    to_stage = Stage.SET_UP if outcome == DecisionOutcome.HOLD else Stage.CLOSED
    _move(actor=actor, review=review, to_stage=to_stage, reason=rationale, on=decided_on)
    return decision


@transaction.atomic
def deadline_override(*, actor, review: Review, rule: DeadlineRule, due_on: date, reason: str) -> DeadlineOverride:
    """Set a deadline by hand, for example a revised timetable agreed with the Department for Education."""
    require_or_refuse(actor, "reviews.override_deadline", review, "change this review's deadlines")
    Invalid.check(text_errors({"reason": reason}))
    errors = {}
    if rule.review_type_id != review.review_type_id:
        errors["rule"] = "Choose a deadline of this review"
    if not reason.strip():
        errors["reason"] = "Enter the reason for changing the deadline"
    if due_on < review.referred_on:
        errors["due_on"] = "The new deadline must be on or after the date of the referral"
    Invalid.check(errors)
    override = DeadlineOverride.objects.create(
        review=review, rule=rule, due_on=due_on, reason=reason.strip(), set_by=actor
    )
    audit_record(
        actor=actor,
        action="review.deadline_overridden",
        obj=review,
        data={"rule": rule.key, "due_on": due_on.isoformat(), "reason": reason.strip()},
    )
    return override


PERSON_FIELDS = [
    "full_name",
    "aliases",
    "relationship",
    "date_of_birth",
    "addresses",
    "nhs_number",
    "national_insurance_number",
    "other_identifiers",
    "pseudonym",
]
PLACE_FIELDS = ["kind", "name", "address", "postcode", "pseudonym"]


def _clean_person(review: Review, values: dict, person: Person | None = None) -> dict:
    values = {field: values.get(field) for field in PERSON_FIELDS}
    for field in PERSON_FIELDS:
        if field != "date_of_birth":
            values[field] = (values[field] or "").strip()
    values["nhs_number"] = normalise_nhs_number(values["nhs_number"])
    values["national_insurance_number"] = normalise_ni_number(values["national_insurance_number"])
    Invalid.check(text_errors(values, Person))
    errors = {}
    if not values["full_name"]:
        errors["full_name"] = "Enter the person's full name"
    if not values["pseudonym"]:
        errors["pseudonym"] = "Enter the pseudonym used in reports, for example Mother"
    elif review.people.filter(pseudonym__iexact=values["pseudonym"]).exclude(pk=getattr(person, "pk", None)).exists():
        errors["pseudonym"] = f"Someone in this review is already called {values['pseudonym']}: choose another"
    if values["relationship"] not in Relationship.values:
        errors["relationship"] = "Choose the person's relationship to the subject"
    if values["date_of_birth"] and values["date_of_birth"] > _today():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    if values["nhs_number"] and not is_valid_nhs_number(values["nhs_number"]):
        errors["nhs_number"] = "Enter a valid NHS number: 10 digits, like 943 476 5919"
    if values["national_insurance_number"] and not is_valid_ni_number(values["national_insurance_number"]):
        errors["national_insurance_number"] = (
            "Enter a National Insurance number in the right format, like AB 12 34 56 C"
        )
    Invalid.check(errors)
    return values


@transaction.atomic
def person_add(*, actor, review: Review, **values) -> Person:
    require_or_refuse(actor, "reviews.change_people", review, "change this review's people register")
    person = Person.objects.create(review=review, **_clean_person(review, values))
    audit_record(actor=actor, action="person.added", obj=person, review=review, data={"pseudonym": person.pseudonym})
    independence_recheck(review=review)  # someone on the panel may be on the register
    return person


@transaction.atomic
def person_change(*, actor, person: Person, **values) -> Person:
    review = person.review
    require_or_refuse(actor, "reviews.change_people", review, "change this review's people register")
    cleaned = _clean_person(review, {field: getattr(person, field) for field in PERSON_FIELDS} | values, person)
    changed = _apply(person, cleaned)
    audit_record(actor=actor, action="person.changed", obj=person, review=review, data={"changed": changed})
    independence_recheck(review=review)  # a name or alias changed: findings may be new or gone
    return person


@transaction.atomic
def person_remove(*, actor, person: Person) -> None:
    review = person.review
    require_or_refuse(actor, "reviews.change_people", review, "change this review's people register")
    entries = person.chronology_entries.count()
    if entries:  # a submitted chronology is never changed, and removing the person would change its entries
        raise Conflict(
            f"{person.pseudonym} is named in {entries} chronology {'entry' if entries == 1 else 'entries'}: "
            "they stay on the register. Change their details instead."
        )
    audit_record(actor=actor, action="person.removed", obj=person, review=review, data={"pseudonym": person.pseudonym})
    person.delete()
    independence_recheck(review=review)  # a finding from this entry is cleared


def _clean_place(review: Review, values: dict, place: Place | None = None) -> dict:
    values = {field: (values.get(field) or "").strip() for field in PLACE_FIELDS}
    values["postcode"] = values["postcode"].upper()
    Invalid.check(text_errors(values, Place))
    errors = {}
    if values["kind"] not in PlaceKind.values:
        errors["kind"] = "Choose what kind of place it is"
    if not values["name"]:
        errors["name"] = "Enter the name of the place"
    if not values["pseudonym"]:
        errors["pseudonym"] = "Enter the pseudonym used in reports, for example School 1"
    elif review.places.filter(pseudonym__iexact=values["pseudonym"]).exclude(pk=getattr(place, "pk", None)).exists():
        errors["pseudonym"] = f"A place in this review is already called {values['pseudonym']}: choose another"
    if values["postcode"] and not re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", values["postcode"]):
        errors["postcode"] = "Enter a real postcode, like NB1 2AB"
    Invalid.check(errors)
    return values


@transaction.atomic
def place_add(*, actor, review: Review, **values) -> Place:
    require_or_refuse(actor, "reviews.change_people", review, "change this review's register of places")
    place = Place.objects.create(review=review, **_clean_place(review, values))
    audit_record(actor=actor, action="place.added", obj=place, review=review, data={"pseudonym": place.pseudonym})
    return place


@transaction.atomic
def place_change(*, actor, place: Place, **values) -> Place:
    review = place.review
    require_or_refuse(actor, "reviews.change_people", review, "change this review's register of places")
    cleaned = _clean_place(review, {field: getattr(place, field) for field in PLACE_FIELDS} | values, place)
    changed = _apply(place, cleaned)
    audit_record(actor=actor, action="place.changed", obj=place, review=review, data={"changed": changed})
    return place


@transaction.atomic
def place_remove(*, actor, place: Place) -> None:
    review = place.review
    require_or_refuse(actor, "reviews.change_people", review, "change this review's register of places")
    audit_record(actor=actor, action="place.removed", obj=place, review=review, data={"pseudonym": place.pseudonym})
    place.delete()
