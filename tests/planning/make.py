"""Helpers of the planning tests: a review held with its panel and agencies, and terms and meetings written
through the services, as the pages do."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from casereview.accounts.models import Agency, AgencyKind, Role, User
from casereview.accounts.services import agency_create
from casereview.planning.models import Meeting, TermsOfReference
from casereview.planning.services import meeting_add, terms_save
from casereview.reviews.models import Review
from tests.factories import UserFactory, days_ago, decided_review, grant, today

PANEL = [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER]


@dataclass
class PlanningWorld:
    review: Review
    police: Agency
    health: Agency
    users: dict[str, User]

    def fresh(self) -> Review:
        return Review.objects.get(pk=self.review.pk)

    @property
    def decided_on(self) -> date:
        return self.fresh().decision.decided_on


def held_world(board, manager, chair) -> PlanningWorld:
    """A review held (at set-up) with its panel, two agencies of the board, and a user in every other role."""
    review = decided_review(board, manager, chair)
    police = agency_create(actor=manager, board=board, name="Northshire Police", kind=AgencyKind.POLICE)
    health = agency_create(actor=manager, board=board, name="Northshire NHS Trust", kind=AgencyKind.NHS_TRUST)
    users = {Role.BOARD_MANAGER: manager, Role.BOARD_CHAIR: chair}
    for role in [*PANEL, Role.WORKER]:
        users[role] = UserFactory(full_name=f"{Role(role).label} Person")
        grant(users[role], role, board, review=review)
    for role in [Role.IMR_AUTHOR, Role.SENIOR_MANAGER]:
        users[role] = UserFactory(full_name=f"{Role(role).label} Person")
        grant(users[role], role, board, review=review, agency=police)
    for role in [Role.BOARD_MEMBER, Role.NATIONAL_BODY]:
        users[role] = UserFactory(full_name=f"{Role(role).label} Person")
        grant(users[role], role, board)
    return PlanningWorld(Review.objects.get(pk=review.pk), police, health, users)


def terms_values(world: PlanningWorld, **overrides) -> dict:
    """What a valid version says: milestones after the decision, the period before it."""
    decided = world.decided_on
    values = {
        "period_from": days_ago(700),
        "period_to": days_ago(62),
        "lines_of_enquiry": ["How agencies shared what they knew", "How the voice of the child was heard"],
        "agencies": [world.police, world.health],
        "family_involvement": "The mother is invited to meet the lead reviewer.",
        "milestones": [
            ("First panel meeting", decided + timedelta(days=14)),
            ("IMRs submitted", decided + timedelta(days=90)),
            ("Board meeting to endorse the report", decided + timedelta(days=170)),
        ],
    }
    return values | overrides


def save_terms(world: PlanningWorld, who: str = Role.BOARD_MANAGER, **overrides) -> TermsOfReference:
    return terms_save(actor=world.users[who], review=world.fresh(), **terms_values(world, **overrides))


def add_meeting(world: PlanningWorld, who: str = Role.BOARD_MANAGER, **overrides) -> Meeting:
    values = {"held_on": today(), "starts_at": time(10, 0), "place": "Room 2, Civic Centre"} | overrides
    return meeting_add(actor=world.users[who], review=world.fresh(), **values)
