"""A review held (at set-up) with two agencies of the board, the board's staff and the panel, and helpers that
add, nominate, set deadlines and ask through the services, as the pages do."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from casereview.accounts.models import Agency, AgencyKind, Role, User
from casereview.accounts.services import agency_create
from casereview.involvement.models import AgencyInvolvement
from casereview.involvement.services import (
    default_deadlines,
    involvement_add,
    involvement_ask,
    involvement_nominate,
    involvement_set_deadlines,
)
from casereview.panel.models import Position
from casereview.reviews.models import Review
from tests.factories import UserFactory, decided_review, grant


@dataclass
class AgenciesWorld:
    review: Review
    police: Agency
    health: Agency
    users: dict[str, User]

    @property
    def manager(self) -> User:
        return self.users[Role.BOARD_MANAGER]

    @property
    def decided_on(self) -> date:
        return self.fresh_review().decision.decided_on

    def fresh_review(self) -> Review:
        return Review.objects.select_related("decision", "board").get(pk=self.review.pk)

    def involvement(self, agency: Agency | None = None) -> AgencyInvolvement:
        found = AgencyInvolvement.objects.select_related("agency").get(review=self.review, agency=agency or self.police)
        found.review = self.fresh_review()
        return found

    def add(self, agency: Agency | None = None, actor: User | None = None) -> AgencyInvolvement:
        involvement_add(actor=actor or self.manager, review=self.fresh_review(), agency=agency or self.police)
        return self.involvement(agency)

    def set_deadlines(self, agency: Agency | None = None, **dates) -> AgencyInvolvement:
        values = default_deadlines(self.fresh_review()) | dates
        involvement_set_deadlines(actor=self.manager, involvement=self.involvement(agency), **values)
        return self.involvement(agency)

    def nominate(self, position: str, user: User, agency: Agency | None = None) -> None:
        involvement_nominate(actor=self.manager, involvement=self.involvement(agency), position=position, user=user)

    def ready(self, agency: Agency | None = None, **dates) -> tuple[User, User]:
        """Added, with deadlines and a new IMR author and senior manager: ready to be asked."""
        agency = agency or self.police
        if not AgencyInvolvement.objects.filter(review=self.review, agency=agency).exists():
            self.add(agency)
        self.set_deadlines(agency, **dates)
        author = UserFactory(full_name=f"Ivy Author of {agency.name}", email=f"author.{agency.pk}@example.org")
        senior = UserFactory(full_name=f"Sam Senior of {agency.name}", email=f"senior.{agency.pk}@example.org")
        self.nominate(Position.IMR_AUTHOR, author, agency)
        self.nominate(Position.SENIOR_MANAGER, senior, agency)
        return author, senior

    def asked(self, agency: Agency | None = None, **dates) -> tuple[User, User]:
        author, senior = self.ready(agency, **dates)
        involvement_ask(actor=self.manager, involvement=self.involvement(agency), note="Cover 2024 onwards")
        return author, senior


def deadlines_from(start: date, *, records=0, initial=7, chronology=14, imr=30) -> dict[str, date]:
    """Four deadlines in a valid order, counted in days from `start`."""
    return {
        "records_secured_due_on": start + timedelta(days=records),
        "initial_report_due_on": start + timedelta(days=initial),
        "chronology_due_on": start + timedelta(days=chronology),
        "imr_due_on": start + timedelta(days=imr),
    }


@pytest.fixture
def held(board, manager, chair) -> AgenciesWorld:
    review = decided_review(board, manager, chair)
    police = agency_create(actor=manager, board=board, name="Northshire Police", kind=AgencyKind.POLICE)
    health = agency_create(actor=manager, board=board, name="Northshire NHS Trust", kind=AgencyKind.NHS_TRUST)
    users = {Role.BOARD_MANAGER: manager, Role.BOARD_CHAIR: chair}
    for role in [Role.BOARD_MEMBER, Role.NATIONAL_BODY]:
        users[role] = UserFactory(full_name=Role(role).label)
        grant(users[role], role, board)
    for role in [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER]:
        users[role] = UserFactory(full_name=Role(role).label)
        grant(users[role], role, board, review=review)
    return AgenciesWorld(Review.objects.get(pk=review.pk), police, health, users)
