"""`casereview demo`: seed the fictional Northbridge board, one user per role and three reviews."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casereview.accounts.models import AgencyKind, Board, Role, User
from casereview.accounts.services import agency_create, membership_grant
from casereview.reviews import services as reviews
from casereview.reviews.models import DecisionOutcome, ReviewType
from casereview.reviews.stages import Stage

DEMO_PASSWORD = "northbridge-demo-2026"
BOARD_NAME = "Northbridge Safeguarding Children Board"

AGENCIES = [
    ("Northbridge Council Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE),
    ("Northbridge Council Adult Services", AgencyKind.ADULT_SOCIAL_CARE),
    ("Northbridge Integrated Care Board", AgencyKind.HEALTH_COMMISSIONER),
    ("Northbridge Hospitals NHS Trust", AgencyKind.NHS_TRUST),
    ("Larkfield Road Surgery", AgencyKind.GP_PRIMARY_CARE),
    ("Northshire Police", AgencyKind.POLICE),
    ("Northshire Probation Service", AgencyKind.PROBATION),
    ("Northbridge Education Service", AgencyKind.EDUCATION),
    ("Northbridge Homes", AgencyKind.HOUSING),
]

# (email, full name, job title, role, where: "board", "review" or an agency name for the first review)
USERS = [
    ("manager", "Morgan Hale", "Board business manager", Role.BOARD_MANAGER, "board"),
    ("chair", "Priya Ellison", "Independent chair", Role.BOARD_CHAIR, "board"),
    ("member", "Tom Aldridge", "Board member", Role.BOARD_MEMBER, "board"),
    ("panel.chair", "Helen Marsh", "Head of safeguarding", Role.PANEL_CHAIR, "review"),
    ("panel.member", "Daniel Okafor", "Detective Chief Inspector", Role.PANEL_MEMBER, "review"),
    ("legal", "Ruth Penrose", "Legal adviser", Role.LEGAL_ADVISER, "review"),
    ("reviewer", "Alan Whitlock", "Independent lead reviewer", Role.LEAD_REVIEWER, "review"),
    (
        "imr.author",
        "Sara Quint",
        "Service manager",
        Role.IMR_AUTHOR,
        "Northbridge Council Children's Services",
    ),
    (
        "senior.manager",
        "Grace Fenwick",
        "Assistant director",
        Role.SENIOR_MANAGER,
        "Northbridge Council Children's Services",
    ),
    ("worker", "Jordan Blake", "Social worker", Role.WORKER, "review"),
    ("national", "Casey Morrow", "Reviews officer, national panel", Role.NATIONAL_BODY, "board"),
]


def email_of(local: str) -> str:
    return f"{local}@northbridge.example"


class Command(BaseCommand):
    help = "Seed the fictional Northbridge board with a user per role and three reviews, then print the sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only seed when the database holds no board yet")

    def handle(self, *args, if_empty: bool, **options):
        if Board.objects.filter(name=BOARD_NAME).exists():
            self.stdout.write("The demo board is already in the database.")
        elif if_empty and Board.objects.exists():
            self.stdout.write("The database already holds a board: the demo was not added.")
            return
        else:
            self.seed()
            self.stdout.write(self.style.SUCCESS(f"Seeded {BOARD_NAME}."))
        self.print_sign_ins()

    def print_sign_ins(self):
        self.stdout.write(f"\nDemo sign-ins (every demo user has the password {DEMO_PASSWORD}):\n")
        for local, name, _title, role, _where in USERS:
            self.stdout.write(f"  {Role(role).label:<26} {email_of(local):<36} {name}")
        if settings.CASEREVIEW_TWO_FACTOR:
            self.stdout.write(
                "\nTwo-factor sign-in is on: every role except the worker sets up an authenticator app (any app that"
                "\nshows 6-digit codes) the first time it signs in. `make run TWO_FACTOR=off` runs the demo without it."
            )
        else:
            self.stdout.write(
                "\nTwo-factor sign-in is off in this demo (CASEREVIEW_TWO_FACTOR=off): the password is enough."
                "\n`make run TWO_FACTOR=on` asks for a code from an authenticator app, as production does."
            )
        self.stdout.write("\nOpen http://127.0.0.1:8000 and sign in with one of them.\n")

    @transaction.atomic
    def seed(self):
        board = Board.objects.create(name=BOARD_NAME, short_name="NSCB")
        users = {
            local: User.objects.create_user(email_of(local), DEMO_PASSWORD, full_name=name, job_title=title)
            for local, name, title, _role, _where in USERS
        }
        for local, _name, _title, role, where in USERS:
            if where == "board":
                membership_grant(actor=None, user=users[local], role=role, board=board)
        manager, chair = users["manager"], users["chair"]
        agencies = {name: agency_create(actor=manager, board=board, name=name, kind=kind) for name, kind in AGENCIES}
        scr = ReviewType.objects.get(code="SCR")
        today = timezone.localdate()

        child_a = reviews.review_refer(
            actor=manager,
            board=board,
            review_type=scr,
            reference=f"SCR-{(today - timedelta(days=70)).year}-001",
            subject_pseudonym="Child A",
            referred_on=today - timedelta(days=70),
            referred_by_name="Helen Marsh",
            referred_by_role="Head of safeguarding",
            referring_agency=agencies["Northbridge Hospitals NHS Trust"],
            circumstances="A baby of four months was brought to the emergency department unresponsive and died "
            "two days later. Injuries of different ages were found. The family was known to children's "
            "social care, the health visiting service and the police.",
            incident_date=today - timedelta(days=74),
            child_died=True,
            date_of_death=today - timedelta(days=72),
            incident_notified_on=today - timedelta(days=69),
        )
        self.add_register(manager, child_a)
        reviews.review_change_stage(actor=manager, review=child_a, to_stage=Stage.DECISION)
        reviews.review_decide(
            actor=chair,
            review=child_a,
            grounds=["child_died", "inter_agency_concerns"],
            outcome=DecisionOutcome.HOLD,
            rationale="The child died and abuse is suspected; several agencies knew the family.",
            decided_on=today - timedelta(days=55),
        )
        for local, _name, _title, role, where in USERS:
            if where == "review":
                membership_grant(actor=None, user=users[local], role=role, board=board, review=child_a)
            elif where in agencies:
                membership_grant(
                    actor=None,
                    user=users[local],
                    role=role,
                    board=board,
                    agency=agencies[where],
                    review=child_a,
                )
        reviews.review_change_stage(
            actor=manager,
            review=child_a,
            to_stage=Stage.AGENCY_REVIEWS,
            reason="Panel and lead reviewer appointed.",
        )

        child_b = reviews.review_refer(
            actor=manager,
            board=board,
            review_type=scr,
            subject_pseudonym="Child B",
            referred_on=today - timedelta(days=40),
            referred_by_name="Daniel Okafor",
            referred_by_role="Detective Chief Inspector",
            referring_agency=agencies["Northshire Police"],
            circumstances="A girl of thirteen disclosed serious sexual abuse by an adult known to the family over "
            "two years, during which she was missing from school for long periods.",
            incident_date=today - timedelta(days=45),
            incident_notified_on=today - timedelta(days=39),
        )
        reviews.person_add(
            actor=manager,
            review=child_b,
            full_name="Leah Carver",
            relationship="subject",
            pseudonym="Child B",
            date_of_birth=today.replace(year=today.year - 13) - timedelta(days=100),
        )
        reviews.review_change_stage(actor=manager, review=child_b, to_stage=Stage.DECISION)

        reviews.review_refer(
            actor=manager,
            board=board,
            review_type=scr,
            subject_pseudonym="Child C",
            referred_on=today - timedelta(days=3),
            referred_by_name="Grace Fenwick",
            referred_by_role="Assistant director",
            referring_agency=agencies["Northbridge Council Children's Services"],
            circumstances="A boy of six was admitted to hospital with severe malnutrition. His brothers were "
            "found in the same home. The family had moved into the area three months before.",
            incident_date=today - timedelta(days=6),
        )

    def add_register(self, manager, review):
        people = [
            dict(
                full_name="Mason Ridley",
                relationship="subject",
                pseudonym="Child A",
                date_of_birth=review.referred_on - timedelta(days=125),
                nhs_number="9434765919",
                addresses="14 Alder Crescent, Northbridge NB4 7QT",
            ),
            dict(
                full_name="Kayleigh Ridley",
                relationship="mother",
                pseudonym="Mother",
                aliases="Kayleigh Dunn\nKay Ridley",
                date_of_birth=review.referred_on - timedelta(days=365 * 22),
                addresses="14 Alder Crescent, Northbridge NB4 7QT\n3 Weir Lane, Southmoor SM2 1HD",
            ),
            dict(
                full_name="Craig Farrow",
                relationship="step_parent",
                pseudonym="Mother's partner",
                date_of_birth=review.referred_on - timedelta(days=365 * 27),
                national_insurance_number="PX123456A",
            ),
            dict(
                full_name="Ellie Ridley",
                relationship="sibling",
                pseudonym="Sibling 1",
                date_of_birth=review.referred_on - timedelta(days=365 * 3),
            ),
        ]
        for person in people:
            reviews.person_add(actor=manager, review=review, **person)
        reviews.place_add(
            actor=manager,
            review=review,
            kind="gp_surgery",
            name="Larkfield Road Surgery",
            address="2 Larkfield Road, Northbridge",
            postcode="NB4 2LR",
            pseudonym="GP surgery 1",
        )
        reviews.place_add(
            actor=manager, review=review, kind="nursery", name="Little Acorns Nursery", pseudonym="Nursery 1"
        )
