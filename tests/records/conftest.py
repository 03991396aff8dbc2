"""A review held (at set-up) with two agencies involved, each with its IMR author and senior manager, and the panel."""

from dataclasses import dataclass

import pytest

from casereview.accounts.models import Agency, AgencyKind, Role, User
from casereview.accounts.services import agency_create
from casereview.involvement.services import involvement_add
from casereview.records.models import AgencyVault
from casereview.reviews.models import Review
from tests.factories import UserFactory, decided_review, grant


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    """Every file the tests keep goes to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class VaultWorld:
    review: Review
    police: Agency
    health: Agency
    users: dict[str, User]

    def vault(self, agency: Agency | None = None) -> AgencyVault:
        return AgencyVault(Review.objects.get(pk=self.review.pk), agency or self.police)


@pytest.fixture
def held(board, manager, chair) -> VaultWorld:
    review = decided_review(board, manager, chair)
    police = agency_create(actor=manager, board=board, name="Northshire Police", kind=AgencyKind.POLICE)
    health = agency_create(actor=manager, board=board, name="Northshire NHS Trust", kind=AgencyKind.NHS_TRUST)
    for agency in (police, health):
        involvement_add(actor=manager, review=review, agency=agency)
    users = {"board_manager": manager, "board_chair": chair}
    for role, agency in [
        ("police_imr", police),
        ("police_senior", police),
        ("health_imr", health),
        ("health_senior", health),
    ]:
        users[role] = UserFactory(full_name=role.replace("_", " ").title())
        grant(
            users[role],
            Role.IMR_AUTHOR if role.endswith("imr") else Role.SENIOR_MANAGER,
            board,
            review=review,
            agency=agency,
        )
    for role in [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER]:
        users[role] = UserFactory(full_name=f"{Role(role).label}")
        grant(users[role], role, board, review=review)
    for role in [Role.BOARD_MEMBER, Role.NATIONAL_BODY]:
        users[role] = UserFactory(full_name=f"{Role(role).label}")
        grant(users[role], role, board)
    return VaultWorld(Review.objects.get(pk=review.pk), police, health, users)
