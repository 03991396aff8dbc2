"""A review held (at set-up) with two agencies, each with its IMR author and senior manager, the panel, a people
register of two and a file in the police's vault: what the tests of agency chronologies start from."""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from casereview.accounts.models import Agency, AgencyKind, Role, User
from casereview.accounts.services import agency_create
from casereview.chronology.models import ChronologyVersion
from casereview.chronology.services import chronology_draft, chronology_submit, entry_add
from casereview.involvement.services import involvement_add
from casereview.records.models import AgencyVault, CaseRecordFile
from casereview.records.services import record_upload
from casereview.reviews.models import Person, Review
from tests.factories import UserFactory, add_subject, decided_review, grant

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class ChronologyWorld:
    review: Review
    police: Agency
    health: Agency
    child: Person
    mother: Person
    police_file: CaseRecordFile
    users: dict[str, User] = field(default_factory=dict)

    def fresh_review(self) -> Review:
        return Review.objects.get(pk=self.review.pk)

    def draft(self, agency: Agency | None = None, by: str = "police_imr") -> ChronologyVersion:
        return chronology_draft(actor=self.users[by], review=self.fresh_review(), agency=agency or self.police)

    def submitted(self, agency: Agency | None = None, *entries: dict) -> ChronologyVersion:
        """The agency's draft with `entries` (one by default), submitted by its IMR author."""
        agency = agency or self.police
        by = "police_imr" if agency == self.police else "health_imr"
        version = self.draft(agency, by)
        for values in entries or (entry_values(),):
            entry_add(actor=self.users[by], version=version, **values)
        return chronology_submit(actor=self.users[by], version=version)


def entry_values(**overrides) -> dict:
    values = {
        "date": "31/03/2021",
        "what_happened": "Police attended the family home after a neighbour's call.",
        "action": "Officers spoke to Mother and saw Child A.",
        "outcome": "Referral to children's social care.",
        "significance": "significant",
        "practitioners": "PC 1234",
    }
    return values | overrides


def build_chronology_world(board, manager, chair) -> ChronologyWorld:
    review = decided_review(board, manager, chair)
    child = Person.objects.get(review=review, pseudonym=review.subject_pseudonym)
    mother = add_subject(review, manager, full_name="Maria Example", relationship="mother", pseudonym="Mother")
    police = agency_create(actor=manager, board=board, name="Northshire Police", kind=AgencyKind.POLICE)
    health = agency_create(actor=manager, board=board, name="Northshire NHS Trust", kind=AgencyKind.NHS_TRUST)
    for agency in (police, health):
        involvement_add(actor=manager, review=review, agency=agency)
    users = {"board_manager": manager, "board_chair": chair}
    for name, role, agency in [
        ("police_imr", Role.IMR_AUTHOR, police),
        ("police_senior", Role.SENIOR_MANAGER, police),
        ("health_imr", Role.IMR_AUTHOR, health),
        ("health_senior", Role.SENIOR_MANAGER, health),
    ]:
        users[name] = UserFactory(full_name=name.replace("_", " ").title())
        grant(users[name], role, board, review=review, agency=agency)
    for role in [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER]:
        users[role] = UserFactory(full_name=Role(role).label)
        grant(users[role], role, board, review=review)
    for role in [Role.BOARD_MEMBER, Role.NATIONAL_BODY]:
        users[role] = UserFactory(full_name=Role(role).label)
        grant(users[role], role, board)
    review = Review.objects.get(pk=review.pk)
    police_file = record_upload(
        actor=users["police_imr"],
        vault=AgencyVault(review, police),
        file=ContentFile(PDF),
        name="custody record.pdf",
        title="Custody record",
    )
    return ChronologyWorld(review, police, health, child, mother, police_file, users)
