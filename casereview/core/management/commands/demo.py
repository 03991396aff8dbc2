"""`casereview demo`: seed the fictional Northbridge board, one user per role and three reviews."""

from datetime import time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casereview.accounts.models import AgencyKind, Board, Role, User
from casereview.accounts.services import agency_create, membership_grant
from casereview.chronology import services as chronology
from casereview.interviews import services as interviews
from casereview.involvement import services as involvement_services
from casereview.involvement.models import AgencyInvolvement
from casereview.panel import selectors as panel_selectors
from casereview.panel import services as panel
from casereview.panel.models import PANEL_POSITIONS, Position
from casereview.planning import services as planning
from casereview.planning.models import Attendance
from casereview.planning.selectors import timetable_proposal
from casereview.records.models import AgencyVault
from casereview.records.services import records_secure
from casereview.reviews import services as reviews
from casereview.reviews.models import DecisionOutcome, Review, ReviewType
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

# (email, full name, job title, role, where: "board", "review" (appointed to the first review), "worker" (a
# worker on the first review) or the agency name of an IMR author or senior manager on the first review)
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
    ("worker", "Jordan Blake", "Social worker", Role.WORKER, "worker"),
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
        child_a = Review.objects.get(pk=child_a.pk)  # the decision moved it on to set-up
        self.set_up(child_a, users, agencies, decided_on=today - timedelta(days=55))
        reviews.review_change_stage(
            actor=manager,
            review=child_a,
            to_stage=Stage.AGENCY_REVIEWS,
            reason="Panel appointed and independent, agencies asked, terms of reference agreed.",
        )
        self.list_workers(child_a, users, agencies)
        self.add_chronologies(child_a, users, agencies)

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

    # People the first review's set-up appoints who do not sign in to the demo: (key, name, job title, agency).
    PANEL_MEMBERS = [
        ("childrens", "Owen Pryce", "Head of quality assurance", "Northbridge Council Children's Services"),
        ("adults", "Lucy Tran", "Principal social worker, adults", "Northbridge Council Adult Services"),
        ("icb", "Farah Iqbal", "Designated nurse for safeguarding", "Northbridge Integrated Care Board"),
        ("trust", "Mark Ellery", "Named doctor for safeguarding", "Northbridge Hospitals NHS Trust"),
    ]
    POLICE_STAFF = [
        ("police.imr", "Kate Rowe", "Detective Inspector, serious case review officer", Position.IMR_AUTHOR),
        ("police.senior", "Neil Harker", "Superintendent, public protection", Position.SENIOR_MANAGER),
    ]

    def set_up(self, review, users, agencies, decided_on):
        """The first review's set-up, done as its people would: the panel appointed against the required seats
        and declared independent, two agencies asked with their records secured, terms of reference agreed at
        the first panel meeting."""
        manager = users["manager"]
        police = agencies["Northshire Police"]
        childrens = agencies["Northbridge Council Children's Services"]
        appoint = lambda user, position, agency=None: panel.appointment_make(  # noqa: E731
            actor=manager, review=review, user=user, position=position, agency=agency
        )
        appoint(users["panel.chair"], Position.PANEL_CHAIR)
        appoint(users["panel.member"], Position.AGENCY_REPRESENTATIVE, police)
        appoint(users["legal"], Position.LEGAL_ADVISER)
        appoint(users["reviewer"], Position.LEAD_REVIEWER)
        for key, name, title, agency in self.PANEL_MEMBERS:
            users[key] = User.objects.create_user(email_of(key), DEMO_PASSWORD, full_name=name, job_title=title)
            appoint(users[key], Position.AGENCY_REPRESENTATIVE, agencies[agency])
        panel.seat_gap_record(
            actor=manager,
            review=review,
            seat="probation",
            reason="Probation had no contact with the family; it will be co-opted if the review finds a link.",
        )
        for key, name, title, _position in self.POLICE_STAFF:
            users[key] = User.objects.create_user(email_of(key), DEMO_PASSWORD, full_name=name, job_title=title)
        staff = {
            childrens: [(users["imr.author"], Position.IMR_AUTHOR), (users["senior.manager"], Position.SENIOR_MANAGER)],
            police: [(users[key], position) for key, _name, _title, position in self.POLICE_STAFF],
        }
        for agency, nominees in staff.items():
            involvement = involvement_services.involvement_add(actor=manager, review=review, agency=agency)
            for user, position in nominees:
                involvement_services.involvement_nominate(
                    actor=manager, involvement=involvement, position=position, user=user
                )
            today = timezone.localdate()
            involvement_services.involvement_set_deadlines(
                actor=manager,
                involvement=involvement,
                records_secured_due_on=decided_on + timedelta(days=7),
                initial_report_due_on=today + timedelta(days=7),
                chronology_due_on=today + timedelta(days=21),
                imr_due_on=today + timedelta(days=60),
            )
            involvement_services.involvement_ask(
                actor=manager,
                involvement=AgencyInvolvement.objects.get(pk=involvement.pk),
                note="Review your agency's involvement with the family from the mother's pregnancy to the death.",
            )
            records_secure(
                actor=nominees[0][0],
                vault=AgencyVault(review, agency),
                secured_on=decided_on + timedelta(days=3),
                note="Case files copied to the review folder and locked against changes.",
            )
        for appointment in panel_selectors.declaring_appointments(review):
            panel.declaration_make(
                actor=appointment.user,
                review=review,
                not_involved=True,
                no_management_responsibility=True,
                independent_of_workers=True,
                knowledge_and_experience="Senior safeguarding practice and training in child protection.",
            )
        meeting = planning.meeting_add(
            actor=manager,
            review=review,
            held_on=decided_on + timedelta(days=14),
            starts_at=time(10, 0),
            place="Northbridge Civic Centre, room 4",
            decisions="Scope: from the mother's pregnancy to the death. Agencies asked: children's services "
            "and police. The health agencies' involvement to be confirmed at the next meeting.",
        )
        planning.meeting_record_attendance(
            actor=manager,
            meeting=meeting,
            attendance={
                appointment.user: Attendance.PRESENT
                for appointment in panel_selectors.active_appointments(review)
                if appointment.position in PANEL_POSITIONS or appointment.position == Position.LEAD_REVIEWER
            }
            | {users["trust"]: Attendance.APOLOGIES},
        )
        terms = planning.terms_save(
            actor=manager,
            review=review,
            period_from=review.referred_on - timedelta(days=400),
            period_to=review.incident_date,
            lines_of_enquiry="How agencies assessed the risk to a baby from injuries of different ages\n"
            "How the health visiting service, children's social care and the police shared what they knew\n"
            "How the voice and daily life of the baby were seen\n"
            "The role of the mother's partner, and whether agencies knew of him",
            agencies=[childrens, police, agencies["Northbridge Hospitals NHS Trust"]],
            family_involvement="The lead reviewer will offer to meet the mother, with an advocate, once the "
            "police agree it will not affect the criminal investigation.",
            milestones=[(milestone.label, milestone.due_on) for milestone in timetable_proposal(review)],
        )
        planning.terms_agree(actor=users["panel.chair"], terms=terms, meeting=meeting)

    def list_workers(self, review, users, agencies):
        """The police list their workers after the review started; one was line managed by a panel member, so the
        independence check runs again and raises a conflict for the board chair to weigh."""
        for values in [
            dict(
                full_name="Amy Lowe",
                kind="practitioner",
                job_title="Police constable, public protection unit",
                involved_from=review.referred_on - timedelta(days=160),
                involved_to=review.incident_date,
                line_manager_name="Daniel Okafor",
                line_manager_email=email_of("panel.member"),
            ),
            dict(
                full_name="Ravi Shah",
                kind="supervisor",
                job_title="Detective sergeant, child abuse investigation",
                involved_from=review.incident_date,
            ),
        ]:
            interviews.worker_add(
                actor=users["police.imr"], review=review, agency=agencies["Northshire Police"], **values
            )

    def add_chronologies(self, review, users, agencies):
        """Children's services and the police each submit a short chronology; the integrated view then marks the
        health visit both recorded, a gap with no contact, and entries with no source."""
        born = review.referred_on - timedelta(days=125)

        def day(offset: int) -> str:
            return f"{born + timedelta(days=offset):%d/%m/%Y}"

        entries = {
            ("Northbridge Council Children's Services", "imr.author"): [
                dict(
                    date=day(-60),
                    what_happened="Referral from the midwife: the mother's previous partner was violent.",
                    action="Assessment opened.",
                    source_reference="Case file, contact record",
                    people=["Mother"],
                    significance="significant",
                ),
                dict(
                    date=day(-30),
                    what_happened="Assessment closed: the mother said the relationship had ended.",
                    outcome="No further action.",
                    source_reference="Assessment, section 4",
                    people=["Mother"],
                    significance="key",
                    analysis="The partner's history was not checked with the police.",
                ),
                dict(
                    date=day(70),
                    what_happened="Police notification: officers called to a domestic incident at the family home, "
                    "the baby present.",
                    action="Strategy discussion not held.",
                    people=["Mother", "Mother's partner", "Child A"],
                    significance="key",
                ),
                dict(
                    date=f"?{born + timedelta(days=95):%-d %B %Y}",
                    what_happened="Health visitor's concern about bruising passed on by telephone.",
                    people=["Child A"],
                    significance="significant",
                ),
            ],
            ("Northshire Police", "police.imr"): [
                dict(
                    date=day(-45),
                    what_happened="Disclosure request under Clare's Law not completed.",
                    source_reference="Police record 12/3456",
                    people=["Mother"],
                ),
                dict(
                    date=f"{born + timedelta(days=70):%d/%m/%Y} 23:40",
                    what_happened="Officers called to a domestic incident at the family home; the baby was present.",
                    action="Notification sent to children's services.",
                    outcome="The partner was arrested and released without charge.",
                    source_reference="Police record 12/7788",
                    practitioners="PC Amy Lowe",
                    people=["Mother", "Mother's partner", "Child A"],
                    significance="key",
                ),
            ],
        }
        for (agency_name, author), rows in entries.items():
            actor = users[author]
            version = chronology.chronology_draft(actor=actor, review=review, agency=agencies[agency_name])
            chronology.entries_add_bulk(actor=actor, version=version, rows=rows)
            chronology.chronology_submit(actor=actor, version=version)
