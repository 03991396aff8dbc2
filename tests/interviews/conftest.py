"""A review held (at set-up) with two agencies, each with its IMR author and senior manager, and everyone else."""

from dataclasses import dataclass

import pytest

from casereview.accounts.models import Agency, AgencyKind, Role, User
from casereview.accounts.services import agency_create
from casereview.interviews.models import InvolvedWorker, InvolvedWorkerKind
from casereview.interviews.services import worker_add
from casereview.reviews.models import Review
from tests.factories import UserFactory, days_ago, decided_review, grant


@dataclass
class WorkersWorld:
    review: Review
    police: Agency
    health: Agency
    users: dict[str, User]

    def fresh_review(self) -> Review:
        return Review.objects.get(pk=self.review.pk)

    def add(self, who: str = "police_imr", agency: Agency | None = None, **values) -> InvolvedWorker:
        fields = {
            "full_name": "Harriet Visitor",
            "kind": InvolvedWorkerKind.PRACTITIONER,
            "job_title": "Health visitor",
            "email": "harriet.visitor@example.org",
            "involved_from": days_ago(300),
            "involved_to": days_ago(100),
            "line_manager_name": "Liam Linemanager",
            "line_manager_email": "liam.linemanager@example.org",
        }
        return worker_add(
            actor=self.users[who], review=self.fresh_review(), agency=agency or self.police, **(fields | values)
        )


@pytest.fixture
def held(board, manager, chair) -> WorkersWorld:
    review = decided_review(board, manager, chair)
    police = agency_create(actor=manager, board=board, name="Northshire Police", kind=AgencyKind.POLICE)
    health = agency_create(actor=manager, board=board, name="Northshire NHS Trust", kind=AgencyKind.NHS_TRUST)
    users = {"board_manager": manager, "board_chair": chair}
    for who, role, agency in [
        ("police_imr", Role.IMR_AUTHOR, police),
        ("police_senior", Role.SENIOR_MANAGER, police),
        ("health_imr", Role.IMR_AUTHOR, health),
        ("health_senior", Role.SENIOR_MANAGER, health),
    ]:
        users[who] = UserFactory(full_name=who.replace("_", " ").title())
        grant(users[who], role, board, review=review, agency=agency)
    for role in [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER]:
        users[role] = UserFactory(full_name=Role(role).label)
        grant(users[role], role, board, review=review)
    for role in [Role.BOARD_MEMBER, Role.NATIONAL_BODY]:
        users[role] = UserFactory(full_name=Role(role).label)
        grant(users[role], role, board)
    return WorkersWorld(Review.objects.get(pk=review.pk), police, health, users)
