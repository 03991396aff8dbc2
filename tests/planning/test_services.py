"""Writing terms of reference and meetings: versions that never change, agreement per version, the timetable's
dates against the decision, refusals that leave nothing behind, and who may do what."""

from datetime import time, timedelta

import pytest

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.planning.difference import long_date
from casereview.planning.models import (
    Meeting,
    MeetingAction,
    MeetingAttendance,
    Milestone,
    TermsAgreement,
    TermsOfReference,
)
from casereview.planning.selectors import changes_in, meeting_attendees, review_panel, set_up_missing
from casereview.planning.services import (
    meeting_action_add,
    meeting_action_done,
    meeting_add,
    meeting_change,
    meeting_record_attendance,
    terms_agree,
    terms_save,
)
from casereview.reviews.models import Review
from casereview.reviews.stages import Stage
from tests.factories import AgencyFactory, UserFactory, days_ago, grant, referred_review, review_at_stage, today
from tests.planning.make import add_meeting, save_terms


def count_rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (TermsOfReference, Milestone, TermsAgreement, Meeting, MeetingAttendance, MeetingAction)
    )


# -- Versions ------------------------------------------------------------------------------------------------


def test_first_save_is_version_one_with_its_timetable_in_date_order_and_audited(held):
    decided = held.decided_on
    terms = save_terms(
        held,
        milestones=[("Board meeting", decided + timedelta(days=170)), ("First panel meeting", decided)],
        lines_of_enquiry="  How agencies shared what they knew \n\n  How the child was heard  ",
    )
    assert terms.version == 1
    assert terms.enquiry_lines() == ["How agencies shared what they knew", "How the child was heard"]
    assert [(m.position, m.label) for m in terms.milestones.all()] == [(1, "First panel meeting"), (2, "Board meeting")]
    assert set(terms.agencies.all()) == {held.police, held.health}
    event = AuditEvent.objects.get(action="terms.saved")
    assert (event.review_id, event.data) == (held.review.pk, {"version": 1, "changed": []})


def test_saving_again_is_a_new_version_and_the_old_one_stays_as_it_was(held):
    first = save_terms(held)
    before = (TermsOfReference.objects.filter(pk=first.pk).values().get(), list(first.milestones.values()))
    second = save_terms(
        held,
        who=Role.LEAD_REVIEWER,
        lines_of_enquiry=["How agencies shared what they knew", "Whether the family's housing was known"],
        agencies=[held.police],
        change_note="Housing added; health is out of scope",
    )
    assert (second.version, TermsOfReference.objects.count()) == (2, 2)
    assert (TermsOfReference.objects.filter(pk=first.pk).values().get(), list(first.milestones.values())) == before
    assert set(first.agencies.all()) == {held.police, held.health}
    assert AuditEvent.objects.filter(action="terms.saved").last().data == {
        "version": 2,
        "changed": ["lines_of_enquiry", "agencies"],
    }


def test_unchanged_terms_are_refused_rather_than_saved_as_a_version(held):
    save_terms(held)
    with pytest.raises(Invalid, match="have not changed"):
        save_terms(held, change_note="Nothing really")
    assert TermsOfReference.objects.count() == 1


def test_a_save_based_on_an_older_version_is_refused(held):
    save_terms(held, based_on_version=0)
    save_terms(held, based_on_version=1, family_involvement="The father is invited too.")
    with pytest.raises(Conflict, match="Version 2 of the terms of reference was saved while you were working"):
        save_terms(held, based_on_version=1, family_involvement="Someone else's change.")
    assert TermsOfReference.objects.count() == 2


def test_difference_from_the_version_before_is_field_by_field(held):
    decided = held.decided_on
    save_terms(held)
    second = save_terms(
        held,
        period_from=days_ago(365),
        lines_of_enquiry=["How the voice of the child was heard", "Whether the school knew"],
        agencies=[held.police],
        milestones=[
            ("First panel meeting", decided + timedelta(days=21)),
            ("IMRs submitted", decided + timedelta(days=90)),
            ("Overview report draft", decided + timedelta(days=120)),
        ],
    )
    changes = {change.field: change for change in changes_in(second)}
    assert list(changes) == ["period", "lines_of_enquiry", "agencies", "milestones"]
    assert changes["period"].before == f"{long_date(days_ago(700))} to {long_date(days_ago(62))}"
    assert changes["period"].after == f"{long_date(days_ago(365))} to {long_date(days_ago(62))}"
    assert [(c.change, c.text) for c in changes["lines_of_enquiry"].lines] == [
        ("removed", "How agencies shared what they knew"),
        ("added", "Whether the school knew"),
    ]
    assert [(c.change, c.text) for c in changes["agencies"].lines] == [("removed", "Northshire NHS Trust")]
    first_meeting = f"from {long_date(decided + timedelta(days=14))} to {long_date(decided + timedelta(days=21))}"
    assert [(c.change, c.text) for c in changes["milestones"].lines] == [
        ("moved", f"First panel meeting: {first_meeting}"),
        ("removed", f"Board meeting to endorse the report, {long_date(decided + timedelta(days=170))}"),
        ("added", f"Overview report draft, {long_date(decided + timedelta(days=120))}"),
    ]
    assert changes_in(TermsOfReference.objects.get(version=1)) == []


# -- Bad input ---------------------------------------------------------------------------------------------


def test_milestone_before_the_decision_is_refused_naming_the_decision_date(held):
    decided = held.decided_on
    with pytest.raises(Invalid) as refusal:
        save_terms(held, milestones=[("First panel meeting", decided - timedelta(days=1)), ("Board", decided)])
    assert refusal.value.errors == {
        "milestones.0.due_on": f"First panel meeting must be on or after the decision, {long_date(decided)}"
    }
    assert count_rows() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"period_to": days_ago(800)}, "period_to", f"must be on or after its start, {long_date(days_ago(700))}"),
        ({"period_to": today() + timedelta(days=1)}, "period_to", "must be today or in the past"),
        ({"period_from": None}, "period_from", "Enter the start of the period under review"),
        ({"period_to": None}, "period_to", "Enter the end of the period under review"),
        ({"lines_of_enquiry": " \n "}, "lines_of_enquiry", "Enter at least one key line of enquiry"),
        ({"lines_of_enquiry": ["x"] * 51}, "lines_of_enquiry", "no more than 50"),
        ({"lines_of_enquiry": ["x" * 501]}, "lines_of_enquiry", "500 characters or fewer"),
        ({"agencies": []}, "agencies", "Choose the agencies in scope"),
        ({"family_involvement": "  "}, "family_involvement", "Enter how the family is involved"),
        ({"milestones": []}, "milestones", "Add at least one milestone"),
        ({"milestones": [("", today())]}, "milestones.0.label", "Enter what milestone 1 is"),
        ({"milestones": [("Meeting", None)]}, "milestones.0.due_on", "Enter the date of Meeting"),
        ({"milestones": [("x" * 201, today())]}, "milestones.0.label", "200 characters or fewer"),
        ({"milestones": [("Meeting", today())] * 41}, "milestones", "no more than 40"),
    ],
)
def test_bad_terms_are_refused_with_a_message_on_the_field_and_nothing_saved(held, overrides, field, message):
    with pytest.raises(Invalid) as refusal:
        save_terms(held, **overrides)
    assert message in refusal.value.errors[field]
    assert count_rows() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lines_of_enquiry": ["How a\x00gencies"]}, "lines_of_enquiry"),
        ({"family_involvement": "Mother\x00"}, "family_involvement"),
        ({"change_note": "\x00"}, "change_note"),
        ({"milestones": [("Panel\x00", today())]}, "milestones.0.label"),
    ],
)
def test_nul_characters_are_refused(held, overrides, field):
    with pytest.raises(Invalid) as refusal:
        save_terms(held, **overrides)
    assert refusal.value.errors[field].startswith("Remove the null character")
    assert count_rows() == (0, 0, 0, 0, 0, 0)


@pytest.mark.parametrize("bad", ["other board", True, -1, 2**70, "1"])
def test_agencies_must_be_of_the_reviews_board(held, bad):
    agency = AgencyFactory() if bad == "other board" else bad
    with pytest.raises(Invalid) as refusal:
        save_terms(held, agencies=[held.police, agency])
    assert refusal.value.errors == {"agencies": "Choose agencies of this review's board"}


# -- Agreement ---------------------------------------------------------------------------------------------


def test_agreement_is_per_version_and_a_new_version_needs_agreeing_again(held):
    chair = held.users[Role.PANEL_CHAIR]
    review = held.fresh()
    assert set_up_missing(review) == [("Write the terms of reference", "planning:terms-edit")]
    first = save_terms(held)
    assert set_up_missing(held.fresh()) == [
        ("Record the panel's agreement of the terms of reference (version 1)", "planning:terms")
    ]
    agreement = terms_agree(actor=chair, terms=first, agreed_on=today(), note="Agreed without change")
    assert (agreement.recorded_by, agreement.agreed_on) == (chair, today())
    assert set_up_missing(held.fresh()) == []
    assert AuditEvent.objects.get(action="terms.agreed").data == {
        "version": 1,
        "agreed_on": today().isoformat(),
        "meeting": None,
    }

    second = save_terms(held, family_involvement="The father is invited too.")
    first.refresh_from_db()
    assert first.agreement == agreement  # the agreed version stays agreed
    assert not TermsAgreement.objects.filter(terms=second).exists()
    assert set_up_missing(held.fresh()) == [
        ("Record the panel's agreement of the terms of reference (version 2)", "planning:terms")
    ]


def test_only_the_current_version_is_agreed_and_only_once(held):
    chair = held.users[Role.PANEL_CHAIR]
    first = save_terms(held)
    second = save_terms(held, family_involvement="Changed.")
    with pytest.raises(Conflict, match="Version 2 has been saved since version 1"):
        terms_agree(actor=chair, terms=first, agreed_on=today())
    terms_agree(actor=chair, terms=second, agreed_on=today())
    with pytest.raises(Conflict, match="already agreed"):
        terms_agree(actor=chair, terms=second, agreed_on=today())
    assert TermsAgreement.objects.count() == 1


def test_agreement_at_a_meeting_takes_the_meetings_date(held):
    meeting = add_meeting(held, held_on=days_ago(1))
    terms = save_terms(held)
    agreement = terms_agree(actor=held.users[Role.PANEL_CHAIR], terms=terms, meeting=meeting)
    assert (agreement.agreed_on, agreement.meeting) == (days_ago(1), meeting)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("future", "must be today or in the past"),
        ("before decision", "must be on or after the decision"),
        ("missing", "Enter the date the panel agreed"),
        ("not the meeting's", "must be the date of the meeting"),
        ("other review's meeting", "Choose a meeting of this review"),
    ],
)
def test_bad_agreement_dates_are_refused(held, board, manager, chair, when, message):
    terms = save_terms(held)
    agreed_on = {
        "future": today() + timedelta(days=1),
        "before decision": held.decided_on - timedelta(days=1),
        "missing": None,
        "not the meeting's": days_ago(3),
        "other review's meeting": None,
    }[when]
    meeting = None
    if when == "not the meeting's":
        meeting = add_meeting(held, held_on=days_ago(1))
    if when == "other review's meeting":
        other = review_at_stage(board, manager, chair, Stage.SET_UP, reference="SCR-2026-777")
        meeting = meeting_add(actor=manager, review=other, held_on=today(), starts_at=time(9), place="Room 1")
    with pytest.raises(Invalid, match=message):
        terms_agree(actor=held.users[Role.PANEL_CHAIR], terms=terms, agreed_on=agreed_on, meeting=meeting)
    assert not TermsAgreement.objects.exists()


# -- Who may write, and when ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.PANEL_CHAIR, Role.LEAD_REVIEWER])
def test_board_manager_panel_chair_and_lead_reviewer_write_the_terms(held, role):
    assert save_terms(held, who=role).created_by == held.users[role]


@pytest.mark.parametrize(
    "role",
    [
        Role.BOARD_CHAIR,
        Role.BOARD_MEMBER,
        Role.NATIONAL_BODY,
        Role.PANEL_MEMBER,
        Role.LEGAL_ADVISER,
        Role.IMR_AUTHOR,
        Role.SENIOR_MANAGER,
        Role.WORKER,
    ],
)
def test_others_may_not_write_the_terms(held, role):
    with pytest.raises(NotAllowed):
        save_terms(held, who=role)


@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.LEAD_REVIEWER, Role.PANEL_MEMBER])
def test_only_the_panel_chair_records_agreement(held, role):
    terms = save_terms(held)
    with pytest.raises(NotAllowed):
        terms_agree(actor=held.users[role], terms=terms, agreed_on=today())


def test_terms_and_meetings_are_written_only_while_the_review_is_held(board, manager, chair):
    review = referred_review(board, manager)
    agency = AgencyFactory(board=board)
    with pytest.raises(NotAllowed):
        terms_save(
            actor=manager,
            review=review,
            period_from=days_ago(10),
            period_to=days_ago(5),
            lines_of_enquiry=["x"],
            agencies=[agency],
            family_involvement="y",
            milestones=[("z", today())],
        )
    with pytest.raises(NotAllowed):
        meeting_add(actor=manager, review=review, held_on=today(), starts_at=time(10), place="Room")
    closed = review_at_stage(board, manager, chair, Stage.CLOSED, reference="SCR-2026-778")
    with pytest.raises(NotAllowed):
        meeting_add(actor=manager, review=closed, held_on=today(), starts_at=time(10), place="Room")


# -- Meetings ----------------------------------------------------------------------------------------------


def test_meeting_is_added_and_changed_with_an_audit_trail(held):
    meeting = add_meeting(held, who=Role.PANEL_CHAIR, held_on=today() + timedelta(days=7))
    assert (meeting.created_by, meeting.starts_at) == (held.users[Role.PANEL_CHAIR], time(10, 0))
    meeting_change(
        actor=held.users[Role.BOARD_MANAGER],
        meeting=meeting,
        held_on=today(),
        starts_at=time(14, 30),
        place="By video call",
        decisions="Terms of reference agreed.",
    )
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.place, meeting.decisions) == (
        today(),
        "By video call",
        "Terms of reference agreed.",
    )
    assert AuditEvent.objects.get(action="meeting.changed").data == {
        "changed": ["held_on", "starts_at", "place", "decisions"]
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": None}, "held_on", "Enter the date of the meeting"),
        ({"held_on": "before decision"}, "held_on", "must be on or after the decision"),
        ({"starts_at": None}, "starts_at", "Enter the start time"),
        ({"place": " "}, "place", "Enter where the meeting is held"),
        ({"place": "x" * 201}, "place", "200 characters or fewer"),
        ({"place": "Room\x00"}, "place", "Remove the null character"),
        (
            {"held_on": today() + timedelta(days=2), "decisions": "Agreed"},
            "decisions",
            "once the meeting has taken place",
        ),
    ],
)
def test_bad_meetings_are_refused(held, overrides, field, message):
    if overrides.get("held_on") == "before decision":
        overrides["held_on"] = held.decided_on - timedelta(days=1)
    with pytest.raises(Invalid) as refusal:
        add_meeting(held, **overrides)
    assert message in refusal.value.errors[field]
    assert not Meeting.objects.exists()


def test_meeting_where_the_terms_were_agreed_keeps_its_date(held):
    meeting = add_meeting(held)
    terms_agree(actor=held.users[Role.PANEL_CHAIR], terms=save_terms(held), meeting=meeting)
    with pytest.raises(Invalid, match="agreed version 1 of the terms of reference at this meeting"):
        meeting_change(
            actor=held.users[Role.BOARD_MANAGER], meeting=meeting, held_on=days_ago(1), starts_at=time(10), place="R"
        )


def test_panel_is_read_from_the_reviews_memberships(held):
    panel = review_panel(held.fresh())
    assert [role for _user, role in panel] == [
        Role.PANEL_CHAIR,
        Role.PANEL_MEMBER,
        Role.LEGAL_ADVISER,
        Role.LEAD_REVIEWER,
    ]
    assert held.users[Role.WORKER] not in [user for user, _role in panel]


def test_attendance_is_recorded_for_the_panel_and_can_be_corrected(held):
    meeting = add_meeting(held)
    member, adviser = held.users[Role.PANEL_MEMBER], held.users[Role.LEGAL_ADVISER]
    meeting_record_attendance(
        actor=held.users[Role.PANEL_CHAIR],
        meeting=meeting,
        attendance={member: "present", adviser.pk: "apologies"},
        others_attending="Dr Sam Patel, co-opted paediatric adviser\n\n",
    )
    meeting_record_attendance(
        actor=held.users[Role.BOARD_MANAGER], meeting=meeting, attendance={adviser: "absent"}, others_attending=[]
    )
    rows = {row.user: (row.attendance, row.role) for row in MeetingAttendance.objects.all()}
    assert rows == {member: ("present", Role.PANEL_MEMBER), adviser: ("absent", Role.LEGAL_ADVISER)}
    meeting.refresh_from_db()
    assert meeting.others_list() == []
    assert AuditEvent.objects.filter(action="meeting.attendance_recorded").count() == 2


def test_attendance_is_refused_for_others_and_for_a_meeting_still_to_come(held):
    meeting = add_meeting(held)
    with pytest.raises(Invalid, match="only for the members of the review's panel"):
        meeting_record_attendance(
            actor=held.users[Role.PANEL_CHAIR], meeting=meeting, attendance={held.users[Role.WORKER]: "present"}
        )
    with pytest.raises(Invalid, match="was present, sent apologies or was absent"):
        meeting_record_attendance(
            actor=held.users[Role.PANEL_CHAIR], meeting=meeting, attendance={held.users[Role.PANEL_MEMBER]: "late"}
        )
    with pytest.raises(Invalid, match="Remove the null character"):
        meeting_record_attendance(
            actor=held.users[Role.PANEL_CHAIR], meeting=meeting, attendance={}, others_attending=["Dr\x00"]
        )
    later = add_meeting(held, held_on=today() + timedelta(days=3))
    with pytest.raises(Conflict, match="once the meeting has taken place"):
        meeting_record_attendance(
            actor=held.users[Role.PANEL_CHAIR], meeting=later, attendance={held.users[Role.PANEL_MEMBER]: "present"}
        )
    assert not MeetingAttendance.objects.exists()


def test_someone_who_left_the_panel_keeps_their_attendance(held):
    meeting = add_meeting(held)
    member = held.users[Role.PANEL_MEMBER]
    meeting_record_attendance(actor=held.users[Role.PANEL_CHAIR], meeting=meeting, attendance={member: "present"})
    held.fresh().memberships.filter(user=member).delete()
    attendees = {user: row for user, _role, row in meeting_attendees(meeting)}
    assert attendees[member].attendance == "present"


@pytest.mark.parametrize("role", [Role.BOARD_CHAIR, Role.PANEL_MEMBER, Role.LEAD_REVIEWER, Role.LEGAL_ADVISER])
def test_only_the_board_manager_and_panel_chair_write_meetings(held, role):
    with pytest.raises(NotAllowed):
        add_meeting(held, who=role)


# -- Actions -----------------------------------------------------------------------------------------------


def test_action_for_a_user_of_the_review_or_a_named_person(held):
    meeting = add_meeting(held)
    for_author = meeting_action_add(
        actor=held.users[Role.PANEL_CHAIR],
        meeting=meeting,
        what="Send the police chronology",
        due_on=today() + timedelta(days=10),
        owner=held.users[Role.IMR_AUTHOR],
    )
    for_named = meeting_action_add(
        actor=held.users[Role.PANEL_CHAIR], meeting=meeting, what="Invite the father", due_on=today(), owner_name="GP"
    )
    assert (for_author.who, for_named.who) == ("Agency IMR author Person", "GP")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"owner": None, "owner_name": ""}, "owner", "Choose who will do it"),
        ({"owner": "member", "owner_name": "GP"}, "owner_name", "not both"),
        ({"owner": "outsider"}, "owner", "Choose someone on this review"),
        ({"owner": 2**70}, "owner", "Choose someone on this review"),
        ({"what": " "}, "what", "Enter the action"),
        ({"what": "x" * 501}, "what", "500 characters or fewer"),
        ({"due_on": None}, "due_on", "Enter the due date"),
        ({"due_on": "before meeting"}, "due_on", "must be on or after the meeting"),
    ],
)
def test_bad_actions_are_refused(held, values, field, message):
    meeting = add_meeting(held)
    people = {"member": held.users[Role.PANEL_MEMBER], "outsider": UserFactory()}
    arguments = {"what": "Write to the agencies", "due_on": today(), "owner_name": "Board officer"} | values
    if arguments.get("owner") in people:
        arguments["owner"] = people[arguments["owner"]]
    if arguments["due_on"] == "before meeting":
        arguments["due_on"] = today() - timedelta(days=1)
    with pytest.raises(Invalid) as refusal:
        meeting_action_add(actor=held.users[Role.PANEL_CHAIR], meeting=meeting, **arguments)
    assert message in refusal.value.errors[field]
    assert not MeetingAction.objects.exists()


def test_actions_are_added_once_the_meeting_has_taken_place(held):
    meeting = add_meeting(held, held_on=today() + timedelta(days=1))
    with pytest.raises(Conflict, match="once the meeting has taken place"):
        meeting_action_add(
            actor=held.users[Role.PANEL_CHAIR], meeting=meeting, what="x", due_on=today(), owner_name="GP"
        )


def test_action_is_marked_done_once_on_a_date_after_the_meeting(held):
    meeting = add_meeting(held, held_on=days_ago(5))
    action = meeting_action_add(
        actor=held.users[Role.PANEL_CHAIR], meeting=meeting, what="x", due_on=today(), owner_name="GP"
    )
    chair = held.users[Role.PANEL_CHAIR]
    for done_on, message in [
        (None, "Enter the date the action was done"),
        (today() + timedelta(days=1), "must be today or in the past"),
        (days_ago(6), "must be on or after the meeting"),
    ]:
        with pytest.raises(Invalid, match=message):
            meeting_action_done(actor=chair, action=action, done_on=done_on)
    done = meeting_action_done(actor=chair, action=action, done_on=days_ago(1))
    assert (done.done_on, done.done_recorded_by) == (days_ago(1), chair)
    with pytest.raises(Conflict, match="already marked done"):
        meeting_action_done(actor=chair, action=action, done_on=today())


def test_action_owner_may_be_the_boards_staff_but_not_a_worker(held, board):
    meeting = add_meeting(held)
    chair = held.users[Role.PANEL_CHAIR]
    meeting_action_add(actor=chair, meeting=meeting, what="x", due_on=today(), owner=held.users[Role.BOARD_CHAIR])
    with pytest.raises(Invalid):
        meeting_action_add(actor=chair, meeting=meeting, what="x", due_on=today(), owner=held.users[Role.WORKER])
    other_board_manager = UserFactory()
    grant(other_board_manager, Role.BOARD_MANAGER, AgencyFactory().board)
    with pytest.raises(Invalid):
        meeting_action_add(actor=chair, meeting=meeting, what="x", due_on=today(), owner=other_board_manager)


def test_the_review_itself_is_not_changed_by_planning(held):
    before = Review.objects.filter(pk=held.review.pk).values().get()
    save_terms(held)
    add_meeting(held)
    assert Review.objects.filter(pk=held.review.pk).values().get() == before
