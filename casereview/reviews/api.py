"""API operations on reviews: referral, reading, the decision, stage moves and the people register."""

from datetime import date, datetime

from django.http import Http404
from ninja import Router, Schema, Status

from casereview.accounts.selectors import agency_for_user_or_404, board_for_user_or_404
from casereview.audit.services import audit_read
from casereview.core.errors import Invalid
from casereview.core.schemas import ERRORS, StrictIn
from casereview.core.text import text_errors
from casereview.reviews import services
from casereview.reviews.deadlines import review_deadlines
from casereview.reviews.models import DecisionOutcome, PlaceKind, Relationship, Review, ReviewType
from casereview.reviews.selectors import (
    people_of,
    person_for_user_or_404,
    place_for_user_or_404,
    places_of,
    review_for_user_or_404,
    reviews_visible_to,
    stage_history_of,
)
from casereview.reviews.stages import Stage
from casereview.reviews.transitions import moves_from

router = Router(tags=["Reviews"])

# What the read events of the register say about the call (one event per call, not per person).
API_PEOPLE = {"via": "api", "part": "people"}
API_PLACES = {"via": "api", "part": "places"}


class DeadlineOut(Schema):
    key: str
    label: str
    due_on: date | None
    met_on: date | None
    status: str
    overridden: bool


class DecisionOut(Schema):
    outcome: DecisionOutcome
    grounds: list[str]
    rationale: str
    decided_on: date
    decided_by: str


class ReferralOut(Schema):
    referred_by_name: str
    referred_by_role: str
    referring_agency_id: int | None
    circumstances: str
    incident_date: date | None
    child_died: bool
    date_of_death: date | None
    incident_notified_on: date | None


class StageChangeOut(Schema):
    from_stage: str
    to_stage: Stage
    changed_by: str
    changed_at: datetime
    reason: str


class ReviewSummaryOut(Schema):
    id: int
    board_id: int
    reference: str
    review_type: str
    subject_pseudonym: str
    stage: Stage
    referred_on: date


class ReviewOut(ReviewSummaryOut):
    stage_label: str
    next_stages: list[Stage]
    deadlines: list[DeadlineOut]
    decision: DecisionOut | None = None
    referral: ReferralOut | None = None
    stage_history: list[StageChangeOut] | None = None


class ReferralIn(StrictIn):
    board_id: int
    review_type: str = "SCR"
    reference: str = ""
    subject_pseudonym: str
    referred_on: date
    referred_by_name: str
    referred_by_role: str = ""
    referring_agency_id: int | None = None
    circumstances: str
    incident_date: date | None = None
    child_died: bool = False
    date_of_death: date | None = None
    incident_notified_on: date | None = None


class StageChangeIn(StrictIn):
    to_stage: str
    reason: str = ""
    on: date | None = None


class DecisionIn(StrictIn):
    grounds: list[str]
    outcome: str
    rationale: str = ""
    decided_on: date


class PersonIn(StrictIn):
    full_name: str
    pseudonym: str
    relationship: Relationship
    aliases: list[str] = []
    date_of_birth: date | None = None
    addresses: list[str] = []
    nhs_number: str = ""
    national_insurance_number: str = ""
    other_identifiers: list[str] = []


class PersonOut(Schema):
    id: int
    full_name: str
    pseudonym: str
    relationship: Relationship
    aliases: list[str]
    date_of_birth: date | None
    addresses: list[str]
    nhs_number: str
    national_insurance_number: str
    other_identifiers: list[str]


class PlaceIn(StrictIn):
    kind: PlaceKind
    name: str
    pseudonym: str
    address: str = ""
    postcode: str = ""


class PlaceOut(Schema):
    id: int
    kind: PlaceKind
    name: str
    pseudonym: str
    address: str
    postcode: str


def summary(review: Review) -> dict:
    return {
        "id": review.pk,
        "board_id": review.board_id,
        "reference": review.reference,
        "review_type": review.review_type.code,
        "subject_pseudonym": review.subject_pseudonym,
        "stage": review.stage,
        "referred_on": review.referred_on,
    }


def detail(user, review: Review) -> dict:
    """What the user may see of a review: its progress always, the referral and decision by role."""
    data = summary(review) | {
        "stage_label": review.get_stage_display(),
        "next_stages": [move.to_stage for move in moves_from(review)],
        "deadlines": [
            {
                "key": d.rule.key,
                "label": d.label,
                "due_on": d.due_on,
                "met_on": d.met_on,
                "status": d.status,
                "overridden": d.override is not None,
            }
            for d in review_deadlines(review)
        ],
    }
    if user.has_perm("reviews.view_referral", review):
        data["referral"] = review
        decision = getattr(review, "decision", None)
        if decision:
            data["decision"] = {
                "outcome": decision.outcome,
                "grounds": decision.grounds,
                "rationale": decision.rationale,
                "decided_on": decision.decided_on,
                "decided_by": str(decision.decided_by),
            }
    if user.has_perm("reviews.view_stage_history", review):
        data["stage_history"] = [
            {
                "from_stage": c.from_stage,
                "to_stage": c.to_stage,
                "changed_by": str(c.changed_by),
                "changed_at": c.changed_at,
                "reason": c.reason,
            }
            for c in stage_history_of(user, review)
        ]
    return data


def person_out(person) -> dict:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "pseudonym": person.pseudonym,
        "relationship": person.relationship,
        "aliases": person.alias_list(),
        "date_of_birth": person.date_of_birth,
        "addresses": person.address_list(),
        "nhs_number": person.nhs_number,
        "national_insurance_number": person.national_insurance_number,
        "other_identifiers": [line.strip() for line in person.other_identifiers.splitlines() if line.strip()],
    }


def person_values(payload: PersonIn) -> dict:
    values = payload.dict()
    for field in ["aliases", "addresses", "other_identifiers"]:
        values[field] = "\n".join(line.strip() for line in values[field] if line.strip())
    return values


@router.get("", response={200: list[ReviewSummaryOut], **ERRORS}, summary="List the reviews you can see")
def review_list(request, stage: Stage | None = None):
    reviews = reviews_visible_to(request.user)
    if stage is not None:
        reviews = reviews.filter(stage=stage)
    return [summary(review) for review in reviews]


@router.post("", response={201: ReviewOut, **ERRORS}, summary="Record a referral (a new review)")
def review_refer(request, payload: ReferralIn):
    board = board_for_user_or_404(request.user, payload.board_id)
    Invalid.check(text_errors({"review_type": payload.review_type}))
    try:
        review_type = ReviewType.objects.get(code=payload.review_type)
    except ReviewType.DoesNotExist:
        codes = ", ".join(ReviewType.objects.values_list("code", flat=True))
        raise Invalid(f"Choose a review type from: {codes}", field="review_type") from None
    values = payload.dict(exclude={"board_id", "review_type", "referring_agency_id"})
    agency = None
    if payload.referring_agency_id is not None:
        try:
            agency = agency_for_user_or_404(request.user, payload.referring_agency_id)
        except Http404:
            raise Invalid("Choose an agency of this board", field="referring_agency_id") from None
    review = services.review_refer(
        actor=request.user, board=board, review_type=review_type, referring_agency=agency, **values
    )
    return Status(201, detail(request.user, review_for_user_or_404(request.user, review.pk)))


@router.get("/{review_id}", response={200: ReviewOut, **ERRORS}, summary="Read a review")
def review_read(request, review_id: int):
    return detail(request.user, review_for_user_or_404(request.user, review_id))


@router.post("/{review_id}/stage", response={200: ReviewOut, **ERRORS}, summary="Move a review to another stage")
def review_change_stage(request, review_id: int, payload: StageChangeIn):
    review = review_for_user_or_404(request.user, review_id)
    services.review_change_stage(
        actor=request.user, review=review, to_stage=payload.to_stage, reason=payload.reason, on=payload.on
    )
    return detail(request.user, review_for_user_or_404(request.user, review_id))


@router.post("/{review_id}/decision", response={200: ReviewOut, **ERRORS}, summary="Record the chair's decision")
def review_decide(request, review_id: int, payload: DecisionIn):
    review = review_for_user_or_404(request.user, review_id)
    services.review_decide(actor=request.user, review=review, **payload.dict())
    return detail(request.user, review_for_user_or_404(request.user, review_id))


@router.get("/{review_id}/people", response={200: list[PersonOut], **ERRORS}, summary="The people register")
def person_list(request, review_id: int):
    review = review_for_user_or_404(request.user, review_id)
    people = [person_out(person) for person in people_of(request.user, review)]
    audit_read(actor=request.user, action="people_register.viewed", obj=review, review=review, data=API_PEOPLE)
    return people


@router.post("/{review_id}/people", response={201: PersonOut, **ERRORS}, summary="Add a person to the register")
def person_add(request, review_id: int, payload: PersonIn):
    review = review_for_user_or_404(request.user, review_id)
    people_of(request.user, review)  # hidden registers answer 404, not 403
    return Status(201, person_out(services.person_add(actor=request.user, review=review, **person_values(payload))))


@router.get("/{review_id}/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="Read a person")
def person_read(request, review_id: int, person_id: int):
    review = review_for_user_or_404(request.user, review_id)
    person = person_for_user_or_404(request.user, review, person_id)
    audit_read(actor=request.user, action="person.viewed", obj=person, review=review, data={"via": "api"})
    return person_out(person)


@router.put("/{review_id}/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="Change a person")
def person_change(request, review_id: int, person_id: int, payload: PersonIn):
    review = review_for_user_or_404(request.user, review_id)
    person = person_for_user_or_404(request.user, review, person_id)
    return person_out(services.person_change(actor=request.user, person=person, **person_values(payload)))


@router.delete("/{review_id}/people/{person_id}", response={204: None, **ERRORS}, summary="Remove a person")
def person_remove(request, review_id: int, person_id: int):
    review = review_for_user_or_404(request.user, review_id)
    services.person_remove(actor=request.user, person=person_for_user_or_404(request.user, review, person_id))
    return Status(204, None)


@router.get("/{review_id}/places", response={200: list[PlaceOut], **ERRORS}, summary="The register of places")
def place_list(request, review_id: int):
    review = review_for_user_or_404(request.user, review_id)
    places = list(places_of(request.user, review))
    audit_read(actor=request.user, action="people_register.viewed", obj=review, review=review, data=API_PLACES)
    return places


@router.post("/{review_id}/places", response={201: PlaceOut, **ERRORS}, summary="Add a place to the register")
def place_add(request, review_id: int, payload: PlaceIn):
    review = review_for_user_or_404(request.user, review_id)
    places_of(request.user, review)
    return Status(201, services.place_add(actor=request.user, review=review, **payload.dict()))


@router.get("/{review_id}/places/{place_id}", response={200: PlaceOut, **ERRORS}, summary="Read a place")
def place_read(request, review_id: int, place_id: int):
    review = review_for_user_or_404(request.user, review_id)
    place = place_for_user_or_404(request.user, review, place_id)
    audit_read(actor=request.user, action="place.viewed", obj=place, review=review, data={"via": "api"})
    return place


@router.put("/{review_id}/places/{place_id}", response={200: PlaceOut, **ERRORS}, summary="Change a place")
def place_change(request, review_id: int, place_id: int, payload: PlaceIn):
    review = review_for_user_or_404(request.user, review_id)
    place = place_for_user_or_404(request.user, review, place_id)
    return services.place_change(actor=request.user, place=place, **payload.dict())


@router.delete("/{review_id}/places/{place_id}", response={204: None, **ERRORS}, summary="Remove a place")
def place_remove(request, review_id: int, place_id: int):
    review = review_for_user_or_404(request.user, review_id)
    services.place_remove(actor=request.user, place=place_for_user_or_404(request.user, review, place_id))
    return Status(204, None)
