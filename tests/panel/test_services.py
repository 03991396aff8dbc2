"""The panel's services: appointments and their memberships, overrides, the check run again, gaps, declarations."""

import pytest

from casereview.accounts.models import AgencyKind, Membership, Role
from casereview.accounts.services import agency_create
from casereview.audit.models import AuditEvent
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.notifications.models import Notification
from casereview.panel.models import Appointment, Declaration, IndependenceConflict, Position, SeatGap
from casereview.panel.services import (
    IndependenceRefused,
    appointment_end,
    appointment_make,
    appointment_make_by_email,
    conflict_override,
    declaration_make,
    independence_recheck,
    seat_gap_record,
)
from casereview.reviews.models import Person
from casereview.reviews.services import person_add, person_change
from casereview.reviews.stages import Stage
from tests.factories import UserFactory, grant, referred_review, review_at_stage
from tests.panel.conftest import appoint, listed_worker, person

DECLARED = {
    "not_involved": True,
    "no_management_responsibility": True,
    "independent_of_workers": True,
    "knowledge_and_experience": "Twenty years in child protection",
}


# -- Appointments ---------------------------------------------------------------------------------------------


def test_appointment_grants_the_positions_role_and_is_audited(held):
    user = person("Cara Chair")
    appointment = appoint(held, user, Position.PANEL_CHAIR)
    membership = appointment.membership
    assert (membership.role, membership.review_id, membership.agency_id) == (Role.PANEL_CHAIR, held.review.pk, None)
    assert user.has_perm("panel.view_panel", held.fresh())
    event = AuditEvent.objects.filter(action="appointment.made").get()
    assert event.data == {"user": user.pk, "position": "panel_chair", "agency": None}


@pytest.mark.parametrize(
    ("position", "role", "with_agency"),
    [
        (Position.AGENCY_REPRESENTATIVE, Role.PANEL_MEMBER, False),
        (Position.CO_OPTED, Role.PANEL_MEMBER, False),
        (Position.LEGAL_ADVISER, Role.LEGAL_ADVISER, False),
        (Position.LEAD_REVIEWER, Role.LEAD_REVIEWER, False),
        (Position.IMR_AUTHOR, Role.IMR_AUTHOR, True),
        (Position.SENIOR_MANAGER, Role.SENIOR_MANAGER, True),
    ],
)
def test_each_position_grants_its_role(held, position, role, with_agency):
    agency = (
        "police" if position in {Position.AGENCY_REPRESENTATIVE, Position.IMR_AUTHOR, Position.SENIOR_MANAGER} else None
    )
    appointment = appoint(held, person(), position, agency)
    assert appointment.membership.role == role
    assert appointment.membership.agency_id == (held.agencies["police"].pk if with_agency else None)


def test_an_existing_matching_membership_is_taken_over_not_duplicated(held):
    user = person()
    grant(user, Role.LEGAL_ADVISER, held.review.board, review=held.review)
    appointment = appoint(held, user, Position.LEGAL_ADVISER)
    assert Membership.objects.filter(user=user).count() == 1
    assert appointment.membership.role == Role.LEGAL_ADVISER


def test_second_panel_chair_is_refused_until_the_first_ends(held):
    first = appoint(held, person("First Chair"), Position.PANEL_CHAIR)
    second = person("Second Chair")
    with pytest.raises(Conflict) as refusal:
        appoint(held, second, Position.PANEL_CHAIR)
    assert refusal.value.message == "First Chair is already the panel chair of this review: end their appointment first"
    appointment_end(actor=held.manager, appointment=first, reason="Moved to another authority")
    assert appoint(held, second, Position.PANEL_CHAIR).pk


def test_second_lead_reviewer_is_refused(held):
    appoint(held, person(), Position.LEAD_REVIEWER)
    with pytest.raises(Conflict):
        appoint(held, person(), Position.LEAD_REVIEWER)


def test_someone_already_on_the_panel_is_refused_a_second_panel_position(held):
    user = person("Ona Panel")
    appoint(held, user, Position.CO_OPTED)
    with pytest.raises(Conflict) as refusal:
        appoint(held, user, Position.LEGAL_ADVISER)
    assert refusal.value.message == "Ona Panel is already on the panel as co-opted member: end that appointment first"


def test_a_panel_member_may_also_be_the_lead_reviewer(held):
    user = person()
    appoint(held, user, Position.CO_OPTED)
    assert appoint(held, user, Position.LEAD_REVIEWER).pk


def test_representative_without_an_agency_is_refused(held):
    with pytest.raises(Invalid) as refusal:
        appoint(held, person(), Position.AGENCY_REPRESENTATIVE)
    assert refusal.value.errors == {"agency": "Choose the agency they represent"}


def test_agency_of_another_board_is_refused(held, other_board, other_manager):
    elsewhere = agency_create(actor=other_manager, board=other_board, name="Elsewhere Police", kind=AgencyKind.POLICE)
    with pytest.raises(Invalid) as refusal:
        appointment_make(
            actor=held.manager,
            review=held.fresh(),
            user=person(),
            position=Position.AGENCY_REPRESENTATIVE,
            agency=elsewhere,
        )
    assert refusal.value.errors == {"agency": "Choose an agency of this board"}
    assert not Appointment.objects.exists()


def test_unknown_position_is_refused(held):
    with pytest.raises(Invalid) as refusal:
        appoint(held, person(), "tea_maker")
    assert refusal.value.errors == {"position": "Choose the position"}


def test_appointing_before_the_review_is_held_is_not_allowed(board, manager):
    review = referred_review(board, manager)
    with pytest.raises(NotAllowed):
        appointment_make(actor=manager, review=review, user=person(), position=Position.CO_OPTED)


def test_closed_review_takes_no_appointment(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.CLOSED)
    with pytest.raises(NotAllowed):
        appointment_make(actor=manager, review=review, user=person(), position=Position.CO_OPTED)


def test_panel_chair_appoints_imr_authors_but_not_the_panel(held):
    panel_chair = person("Cara Chair")
    appoint(held, panel_chair, Position.PANEL_CHAIR)
    assert appoint(held, person(), Position.IMR_AUTHOR, "police", actor=panel_chair).pk
    with pytest.raises(NotAllowed):
        appoint(held, person(), Position.CO_OPTED, actor=panel_chair)


def test_board_member_may_not_appoint(held, member):
    with pytest.raises(NotAllowed):
        appoint(held, person(), Position.CO_OPTED, actor=member)


def test_ending_revokes_the_membership_and_keeps_the_appointment(held):
    user = person()
    appointment = appoint(held, user, Position.CO_OPTED)
    ended = appointment_end(actor=held.chair, appointment=appointment, reason="Left the council")
    assert ended.ended_at and ended.ended_by == held.chair and ended.end_reason == "Left the council"
    assert not Membership.objects.filter(user=user).exists()
    assert Appointment.objects.get(pk=appointment.pk).membership is None
    with pytest.raises(Conflict):
        appointment_end(actor=held.chair, appointment=ended, reason="Again")
    assert appoint(held, user, Position.CO_OPTED).pk  # appointed again: a new row


@pytest.mark.parametrize(("reason", "message"), [("  ", "Enter why the appointment ends"), ("a\x00b", "null")])
def test_ending_needs_a_reason(held, reason, message):
    appointment = appoint(held, person(), Position.CO_OPTED)
    with pytest.raises(Invalid) as refusal:
        appointment_end(actor=held.manager, appointment=appointment, reason=reason)
    assert message in refusal.value.errors["reason"]
    assert Appointment.objects.get(pk=appointment.pk).ended_at is None


def test_appointment_by_email_invites_someone_new(held, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_make_by_email(
            actor=held.manager,
            review=held.fresh(),
            email="New.Person@Example.org",
            full_name="New Person",
            job_title="Head of education",
            position=Position.CO_OPTED,
        )
    assert (appointment.user.email, appointment.user.full_name) == ("new.person@example.org", "New Person")
    assert [message.to for message in mailoutbox] == [["new.person@example.org"]]


def test_appointment_by_email_finds_an_existing_account_without_a_name(held):
    known = UserFactory(full_name="Kim Known", email="kim@example.org")
    appointment = appointment_make_by_email(
        actor=held.manager, review=held.fresh(), email="KIM@example.org", position=Position.LEGAL_ADVISER
    )
    assert appointment.user == known


def test_appointment_by_email_checks_the_position_before_inviting(held):
    with pytest.raises(Invalid):
        appointment_make_by_email(
            actor=held.manager, review=held.fresh(), email="x@example.org", full_name="X", position="nonsense"
        )
    assert not Appointment.objects.exists()


# -- Conflicts: the override path, the check run again ------------------------------------------------------------


def test_refused_then_chair_overrides_then_appointment_succeeds(held):
    listed_worker(held, full_name="Olive Override")
    user = person("Olive Override")
    with pytest.raises(IndependenceRefused) as refusal:
        appoint(held, user, Position.LEAD_REVIEWER)
    (conflict,) = refusal.value.conflicts
    assert IndependenceConflict.objects.get().pk == conflict.pk  # kept though the appointment was refused

    with pytest.raises(NotAllowed):
        conflict_override(actor=held.manager, conflict=conflict, reason="Manager may not")
    with pytest.raises(Invalid) as empty:
        conflict_override(actor=held.chair, conflict=conflict, reason="  ")
    assert empty.value.errors == {"reason": "Enter why the conflict does not stop them taking part"}

    overridden = conflict_override(actor=held.chair, conflict=conflict, reason="Contact was one phone call in 2019")
    assert overridden.overridden_by == held.chair and not overridden.is_unresolved
    with pytest.raises(Conflict):
        conflict_override(actor=held.chair, conflict=overridden, reason="Again")

    appointment = appoint(held, user, Position.LEAD_REVIEWER)
    assert appointment.membership.role == Role.LEAD_REVIEWER
    assert AuditEvent.objects.filter(action="independence.conflict_overridden").count() == 1


def test_recheck_raises_a_new_conflict_to_the_board_managers_once(
    held, second_manager, mailoutbox, django_capture_on_commit_callbacks
):
    user = person("Rhea Recheck")
    appoint(held, user, Position.CO_OPTED)
    assert not IndependenceConflict.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        person_add(
            actor=held.manager,
            review=held.review,
            full_name="Rhea Recheck",
            relationship="other_adult",
            pseudonym="Aunt",
        )
    conflict = IndependenceConflict.objects.get()
    assert conflict.is_unresolved and conflict.raised_at is not None
    notified = Notification.objects.filter(review=held.review)
    assert sorted(n.user_id for n in notified) == sorted([held.manager.pk, second_manager.pk])
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert held.review.reference in message.subject
    assert "Aunt" in message.body and "Rhea" not in message.body and "Recheck" not in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert independence_recheck(review=held.fresh()) == []
        person_change(actor=held.manager, person=Person.objects.get(pseudonym="Aunt"), addresses="1 High Street")
    assert IndependenceConflict.objects.count() == 1
    assert Notification.objects.filter(review=held.review).count() == 2
    assert len(mailoutbox) == 2


def test_recheck_finds_a_worker_listed_later(held):
    user = person("Lou Later")
    appoint(held, user, Position.LEGAL_ADVISER)
    listed_worker(held, full_name="Lou Later")
    (new,) = independence_recheck(review=held.fresh())
    assert new.user == user and new.source == "interview_list"


def test_a_finding_no_longer_true_is_cleared_not_deleted(held):
    user = person("Cleo Clear")
    appoint(held, user, Position.CO_OPTED)
    entry = person_add(
        actor=held.manager,
        review=held.review,
        full_name="Cleo Clear",
        relationship="other_adult",
        pseudonym="Neighbour",
    )
    conflict = IndependenceConflict.objects.get()
    person_change(actor=held.manager, person=entry, full_name="Cleo Clearwater")
    conflict.refresh_from_db()
    assert conflict.cleared_at is not None and not conflict.is_unresolved
    assert AuditEvent.objects.filter(action="independence.conflict_cleared").count() == 1
    with pytest.raises(Conflict):
        conflict_override(actor=held.chair, conflict=conflict, reason="Nothing to override")

    person_change(actor=held.manager, person=entry, full_name="Cleo Clear")  # found again: opened again
    conflict.refresh_from_db()
    assert conflict.is_unresolved and IndependenceConflict.objects.count() == 1


def test_recheck_ignores_ended_appointments_and_senior_managers(held):
    ended = appoint(held, person("Ed Ended"), Position.CO_OPTED)
    appointment_end(actor=held.manager, appointment=ended, reason="Stood down")
    appoint(held, person("Sue Senior"), Position.SENIOR_MANAGER, "police")
    listed_worker(held, full_name="Ed Ended")
    listed_worker(held, full_name="Sue Senior")
    assert independence_recheck(review=held.fresh()) == []
    assert not IndependenceConflict.objects.exists()


# -- Seat gaps ----------------------------------------------------------------------------------------------------


def test_seat_gap_recorded(held):
    gap = seat_gap_record(
        actor=held.manager, review=held.fresh(), seat="probation", reason="No probation involvement with the family"
    )
    assert (gap.seat, gap.recorded_by) == ("probation", held.manager)
    assert AuditEvent.objects.filter(action="seat_gap.recorded").exists()


@pytest.mark.parametrize(
    ("seat", "reason", "errors"),
    [
        ("tea_maker", "Because", {"seat": "Choose the seat that is not filled"}),
        ("", "Because", {"seat": "Choose the seat that is not filled"}),
        ("police", "   ", {"reason": "Enter why the seat is not filled"}),
        ("police", "bad\x00text", {"reason": "Remove the null character from the reason"}),
        ("pol\x00ice", "Because", {"seat": "Remove the null character from the seat"}),
    ],
)
def test_seat_gap_bad_input(held, seat, reason, errors):
    with pytest.raises(Invalid) as refusal:
        seat_gap_record(actor=held.manager, review=held.fresh(), seat=seat, reason=reason)
    assert refusal.value.errors == errors
    assert not SeatGap.objects.exists()


def test_seat_gap_for_a_filled_seat_is_refused(held):
    appoint(held, person(), Position.AGENCY_REPRESENTATIVE, "police")
    with pytest.raises(Conflict):
        seat_gap_record(actor=held.manager, review=held.fresh(), seat="police", reason="Because")


# -- Declarations -------------------------------------------------------------------------------------------------


def test_declaration_by_the_appointee(held):
    user = person()
    appoint(held, user, Position.CO_OPTED)
    declaration = declaration_make(actor=user, review=held.fresh(), **DECLARED)
    assert declaration.declares_independence
    assert not IndependenceConflict.objects.exists()


def test_declaration_needs_a_declaring_appointment(held):
    senior = person()
    appoint(held, senior, Position.SENIOR_MANAGER, "police")
    for actor in [senior, held.manager, person()]:
        with pytest.raises(NotAllowed):
            declaration_make(actor=actor, review=held.fresh(), **DECLARED)


def test_a_no_answer_is_raised_and_a_later_yes_clears_it(held, mailoutbox, django_capture_on_commit_callbacks):
    user = person()
    appoint(held, user, Position.CO_OPTED)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_make(
            actor=user, review=held.fresh(), **(DECLARED | {"not_involved": False, "details": "I chaired a meeting"})
        )
    conflict = IndependenceConflict.objects.get()
    assert conflict.description == "Declared that they were involved in the case"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [held.manager.email]
    assert "I chaired a meeting" not in mailoutbox[0].body

    declaration_make(actor=user, review=held.fresh(), **DECLARED)
    conflict.refresh_from_db()
    assert conflict.cleared_at is not None
    assert Declaration.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"not_involved": None}, "not_involved", "Select yes if you were involved in the case"),
        ({"independent_of_workers": "yes"}, "independent_of_workers", "Select yes if you are independent"),
        ({"knowledge_and_experience": " "}, "knowledge_and_experience", "Describe your child protection"),
        ({"knowledge_and_experience": "a\x00"}, "knowledge_and_experience", "Remove the null character"),
        ({"not_involved": False}, "details", "Give details of your involvement"),
        ({"not_involved": False, "details": "x\x00"}, "details", "Remove the null character"),
    ],
)
def test_declaration_bad_input(held, changes, field, message):
    user = person()
    appoint(held, user, Position.CO_OPTED)
    with pytest.raises(Invalid) as refusal:
        declaration_make(actor=user, review=held.fresh(), **(DECLARED | changes))
    assert refusal.value.errors[field].startswith(message)
    assert not Declaration.objects.exists()
