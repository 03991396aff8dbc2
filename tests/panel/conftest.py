"""A review held (at set-up) on a board with an agency of each kind the Serious Case Review's panel needs."""

from dataclasses import dataclass

import pytest

from casereview.accounts.models import Agency, AgencyKind, Role, User
from casereview.accounts.services import agency_create
from casereview.interviews.models import InvolvedWorker
from casereview.panel.models import Position
from casereview.panel.services import appointment_make
from casereview.reviews.models import Review
from tests.factories import UserFactory, decided_review, grant

KINDS = {
    "children": ("Northbridge Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE),
    "adults": ("Northbridge Adult Services", AgencyKind.ADULT_SOCIAL_CARE),
    "commissioner": ("Northbridge Integrated Care Board", AgencyKind.HEALTH_COMMISSIONER),
    "trust": ("Northbridge Hospitals NHS Trust", AgencyKind.NHS_TRUST),
    "police": ("Northbridge Police", AgencyKind.POLICE),
    "probation": ("Northbridge Probation", AgencyKind.PROBATION),
    "education": ("Northbridge Education", AgencyKind.EDUCATION),
}


@dataclass
class Held:
    review: Review
    manager: User
    chair: User
    agencies: dict[str, Agency]

    def fresh(self) -> Review:
        return Review.objects.get(pk=self.review.pk)


@pytest.fixture
def held(board, manager, chair) -> Held:
    review = decided_review(board, manager, chair)
    agencies = {
        key: agency_create(actor=manager, board=board, name=name, kind=kind) for key, (name, kind) in KINDS.items()
    }
    return Held(review, manager, chair, agencies)


@pytest.fixture
def second_manager(board) -> User:
    user = UserFactory(full_name="Sam Secondmanager")
    grant(user, Role.BOARD_MANAGER, board)
    return user


def person(full_name: str = "Jo Bloggs", **fields) -> User:
    return UserFactory(full_name=full_name, **fields)


def listed_worker(held: Held, agency_key: str = "police", **fields) -> InvolvedWorker:
    """A worker an agency lists (made directly: the interview-list pages are another app's)."""
    values = {"full_name": "Wendy Worker", "kind": "practitioner", "job_title": "Health visitor"} | fields
    return InvolvedWorker.objects.create(
        review=held.review, agency=held.agencies[agency_key], added_by=held.manager, **values
    )


def appoint(held: Held, user: User, position: str = Position.CO_OPTED, agency: str | None = None, actor=None):
    return appointment_make(
        actor=actor or held.manager,
        review=held.fresh(),
        user=user,
        position=position,
        agency=held.agencies[agency] if agency else None,
    )


def fill_required_seats(held: Held) -> None:
    """A representative of each required agency and a legal adviser."""
    for key in ["children", "adults", "commissioner", "trust", "police", "probation"]:
        appoint(held, person(f"Rep {key.title()}"), Position.AGENCY_REPRESENTATIVE, key)
    appoint(held, person("Lena Lawyer"), Position.LEGAL_ADVISER)
