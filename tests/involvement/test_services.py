"""Writing the agencies involved: adding, deadlines, nominating, asking (and who is told), withdrawing, removing."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casereview.accounts.models import Membership, Role
from casereview.audit.models import AuditEvent
from casereview.core.errors import Conflict, Invalid, NotAllowed
from casereview.interviews.models import InvolvedWorker, InvolvedWorkerKind
from casereview.involvement.models import DEADLINE_FIELDS, AgencyInvolvement
from casereview.involvement.services import (
    default_deadlines,
    involvement_add,
    involvement_ask,
    involvement_nominate,
    involvement_nominate_by_email,
    involvement_remove,
    involvement_set_deadlines,
    involvement_withdraw,
    long_date,
)
from casereview.notifications.models import Notification
from casereview.panel.models import Appointment, IndependenceConflict, Position
from casereview.panel.services import conflict_override
from casereview.records.models import AgencyVault
from casereview.records.selectors import agencies_involved
from casereview.records.services import record_upload, records_secure
from casereview.reviews.stages import Stage
from tests.factories import AgencyFactory, UserFactory, referred_review, review_at_stage, today
from tests.involvement.conftest import deadlines_from

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- Adding ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.PANEL_CHAIR])
def test_board_staff_and_panel_chair_add_an_agency(held, role):
    involvement = held.add(actor=held.users[role])
    assert (involvement.agency, involvement.added_by, involvement.asked_on) == (held.police, held.users[role], None)
    event = AuditEvent.objects.get(action="involvement.added")
    assert (event.review_id, event.data) == (held.review.pk, {"agency": held.police.pk})


@pytest.mark.parametrize(
    "role", [Role.BOARD_MEMBER, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER]
)
def test_others_cannot_add_an_agency(held, role):
    with pytest.raises(NotAllowed):
        held.add(actor=held.users[role])
    assert not AgencyInvolvement.objects.exists()


def test_agencies_are_added_only_once_the_review_is_held(board, manager):
    review = referred_review(board, manager)
    with pytest.raises(NotAllowed):
        involvement_add(actor=manager, review=review, agency=AgencyFactory(board=board))


def test_agencies_cannot_be_added_to_a_closed_review(board, manager, chair):
    review = review_at_stage(board, manager, chair, Stage.CLOSED)
    with pytest.raises(NotAllowed):
        involvement_add(actor=manager, review=review, agency=AgencyFactory(board=board))


def test_an_agency_is_added_once(held):
    held.add()
    with pytest.raises(Conflict, match="Northshire Police is already involved in this review"):
        held.add()


def test_another_boards_agency_is_refused(held):
    with pytest.raises(Invalid, match="Choose an agency of this board"):
        involvement_add(actor=held.manager, review=held.fresh_review(), agency=AgencyFactory())


# -- Deadlines -------------------------------------------------------------------------------------------


def test_default_deadlines_count_from_the_decision(held):
    defaults = default_deadlines(held.fresh_review())
    decided = held.decided_on
    assert decided < defaults["records_secured_due_on"] <= decided + timedelta(days=11)
    assert defaults["initial_report_due_on"] >= decided + timedelta(days=28)
    assert defaults["chronology_due_on"] >= decided + timedelta(days=42)
    assert defaults["imr_due_on"] >= decided + timedelta(days=89)
    assert all(day.weekday() < 5 for day in defaults.values())


def test_setting_deadlines_saves_and_audits(held):
    held.add()
    dates = deadlines_from(held.decided_on)
    involvement = held.set_deadlines(**dates)
    assert involvement.deadlines() == dates
    event = AuditEvent.objects.get(action="involvement.deadlines_set")
    assert event.data["after"] == {name: value.isoformat() for name, value in dates.items()}
    assert event.data["before"] == dict.fromkeys(DEADLINE_FIELDS)


def test_a_deadline_before_the_decision_is_refused(held):
    held.add()
    decided = held.decided_on
    dates = deadlines_from(decided) | {"imr_due_on": decided - timedelta(days=1)}
    with pytest.raises(Invalid) as refused:
        held.set_deadlines(**dates)
    assert refused.value.errors == {
        "imr_due_on": f"The IMR deadline must be on or after the decision, {long_date(decided)}"
    }
    assert held.involvement().imr_due_on is None


def test_the_message_names_the_decision_date_in_words(held):
    held.add()
    decision = held.fresh_review().decision
    decision.decided_on = decision.decided_on.replace(year=2026, month=3, day=3)
    decision.save()
    dates = deadlines_from(decision.decided_on) | {"imr_due_on": decision.decided_on - timedelta(days=1)}
    with pytest.raises(Invalid, match="The IMR deadline must be on or after the decision, 3 March 2026"):
        held.set_deadlines(**dates)


def test_deadlines_must_keep_their_order(held):
    held.add()
    start = held.decided_on + timedelta(days=1)
    dates = deadlines_from(start, records=10, initial=5, chronology=20, imr=15)
    with pytest.raises(Invalid) as refused:
        held.set_deadlines(**dates)
    assert set(refused.value.errors) == {"initial_report_due_on", "imr_due_on"}
    assert refused.value.errors["initial_report_due_on"].startswith(
        "The initial report deadline must be on or after the records secured deadline"
    )
    assert refused.value.errors["imr_due_on"] == (
        f"The IMR deadline must be on or after the chronology deadline, {long_date(start + timedelta(days=20))}"
    )


def test_the_initial_report_may_come_after_the_chronology(held):
    held.add()
    involvement = held.set_deadlines(**deadlines_from(held.decided_on, initial=20, chronology=10))
    assert involvement.initial_report_due_on > involvement.chronology_due_on


def test_every_deadline_is_needed(held):
    held.add()
    with pytest.raises(Invalid) as refused:
        involvement_set_deadlines(
            actor=held.manager,
            involvement=held.involvement(),
            records_secured_due_on=None,
            initial_report_due_on=None,
            chronology_due_on=None,
            imr_due_on=None,
        )
    assert refused.value.errors["imr_due_on"] == "Enter the date the IMR is due"
    assert set(refused.value.errors) == set(DEADLINE_FIELDS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(min_value=-400, max_value=400), min_size=4, max_size=4))
def test_deadlines_are_saved_whole_and_valid_or_not_at_all(held, offsets):
    if not AgencyInvolvement.objects.filter(review=held.review).exists():
        held.add()
    AgencyInvolvement.objects.filter(review=held.review).update(**dict.fromkeys(DEADLINE_FIELDS))
    decided = held.decided_on
    dates = {name: decided + timedelta(days=offset) for name, offset in zip(DEADLINE_FIELDS, offsets, strict=True)}
    try:
        held.set_deadlines(**dates)
    except Invalid as refused:
        assert refused.errors and set(refused.errors) <= set(DEADLINE_FIELDS)
        assert held.involvement().deadlines() == dict.fromkeys(DEADLINE_FIELDS)
    else:
        saved = held.involvement().deadlines()
        assert saved == dates
        assert all(day >= decided for day in saved.values())
        assert saved["records_secured_due_on"] <= min(saved["initial_report_due_on"], saved["chronology_due_on"])
        assert saved["imr_due_on"] >= max(saved["initial_report_due_on"], saved["chronology_due_on"])


def test_panel_member_cannot_set_deadlines(held):
    held.add()
    with pytest.raises(NotAllowed):
        involvement_set_deadlines(
            actor=held.users[Role.PANEL_MEMBER], involvement=held.involvement(), **deadlines_from(held.decided_on)
        )


def test_changing_deadlines_after_asking_tells_the_nominees_once(held, mailoutbox, django_capture_on_commit_callbacks):
    author, senior = held.asked()
    mailoutbox.clear()
    dates = deadlines_from(held.decided_on, imr=60)
    with django_capture_on_commit_callbacks(execute=True):
        held.set_deadlines(**dates)
        held.set_deadlines(**dates)  # the same again: nothing new to say
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, senior.email])
    assert "new deadlines for Northshire Police" in mailoutbox[0].subject


# -- Nominating ------------------------------------------------------------------------------------------


def test_nominating_the_imr_author_appoints_them_for_the_agency(held):
    held.add()
    author = UserFactory(full_name="Ivy Author")
    held.nominate(Position.IMR_AUTHOR, author)
    appointment = Appointment.objects.get(user=author)
    assert (appointment.position, appointment.agency, appointment.ended_at) == (Position.IMR_AUTHOR, held.police, None)
    assert Membership.objects.filter(user=author, role=Role.IMR_AUTHOR, review=held.review, agency=held.police)
    event = AuditEvent.objects.get(action="involvement.nominated")
    assert event.data["user"] == author.pk and event.data["replaced"] is None


def test_nominating_someone_else_ends_the_previous_appointment(held):
    held.add()
    first, second = UserFactory(full_name="First Senior"), UserFactory(full_name="Second Senior")
    held.nominate(Position.SENIOR_MANAGER, first)
    held.nominate(Position.SENIOR_MANAGER, second)
    ended = Appointment.objects.get(user=first)
    assert ended.ended_at is not None and "Replaced as senior manager by Second Senior" in ended.end_reason
    assert not Membership.objects.filter(user=first, role=Role.SENIOR_MANAGER).exists()
    assert Appointment.objects.get(user=second, ended_at__isnull=True).agency == held.police


def test_the_same_person_cannot_be_imr_author_and_senior_manager(held):
    held.add()
    person = UserFactory(full_name="Both Roles")
    held.nominate(Position.IMR_AUTHOR, person)
    with pytest.raises(Invalid, match="must be different people"):
        held.nominate(Position.SENIOR_MANAGER, person)


def test_nominating_the_same_person_again_is_refused(held):
    held.add()
    person = UserFactory(full_name="Ivy Author")
    held.nominate(Position.IMR_AUTHOR, person)
    with pytest.raises(Conflict, match="already Northshire Police's IMR author"):
        held.nominate(Position.IMR_AUTHOR, person)


def test_only_imr_author_or_senior_manager_can_be_nominated(held):
    held.add()
    with pytest.raises(Invalid, match="Choose whether to nominate"):
        held.nominate(Position.PANEL_CHAIR, UserFactory())


def test_nominee_with_an_unresolved_conflict_is_refused_with_the_conflict_named_and_kept(held):
    held.add()
    author = UserFactory(full_name="Wendy Worker")
    InvolvedWorker.objects.create(
        review=held.review,
        agency=held.health,
        full_name="Wendy Worker",
        kind=InvolvedWorkerKind.PRACTITIONER,
        added_by=held.manager,
    )
    with pytest.raises(Conflict) as refused:
        held.nominate(Position.IMR_AUTHOR, author)
    assert "Northshire NHS Trust" in refused.value.message
    assert not Appointment.objects.filter(user=author).exists()
    assert not AuditEvent.objects.filter(action="involvement.nominated").exists()
    conflict = IndependenceConflict.objects.get(user=author)  # kept, for the board chair to decide on
    conflict_override(actor=held.users[Role.BOARD_CHAIR], conflict=conflict, reason="Different team, years ago")
    held.nominate(Position.IMR_AUTHOR, author)
    assert Appointment.objects.filter(user=author, ended_at__isnull=True).exists()


def test_a_refused_replacement_leaves_the_previous_nominee_in_place(held):
    held.add()
    first = UserFactory(full_name="First Author")
    held.nominate(Position.IMR_AUTHOR, first)
    InvolvedWorker.objects.create(
        review=held.review, agency=held.police, full_name="Conflicted Person", kind="manager", added_by=held.manager
    )
    with pytest.raises(Conflict):
        held.nominate(Position.IMR_AUTHOR, UserFactory(full_name="Conflicted Person"))
    assert Appointment.objects.get(user=first).ended_at is None


def test_nominating_by_email_invites_a_new_person(held, mailoutbox, django_capture_on_commit_callbacks):
    held.add()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = involvement_nominate_by_email(
            actor=held.users[Role.PANEL_CHAIR],
            involvement=held.involvement(),
            position=Position.SENIOR_MANAGER,
            email="New.Senior@Example.org",
            full_name="Nina Senior",
            job_title="Head of safeguarding",
        )
    assert (appointment.user.email, appointment.user.full_name) == ("new.senior@example.org", "Nina Senior")
    assert "new.senior@example.org" in [m.to[0] for m in mailoutbox]


def test_nominating_by_email_finds_an_existing_account_without_a_name(held):
    held.add()
    known = UserFactory(full_name="Known Person", email="known@example.org")
    appointment = involvement_nominate_by_email(
        actor=held.manager, involvement=held.involvement(), position=Position.IMR_AUTHOR, email="KNOWN@example.org"
    )
    assert appointment.user == known


def test_nominating_a_new_person_needs_their_name(held):
    held.add()
    with pytest.raises(Invalid) as refused:
        involvement_nominate_by_email(
            actor=held.manager, involvement=held.involvement(), position=Position.IMR_AUTHOR, email="new@example.org"
        )
    assert "full_name" in refused.value.errors


def test_panel_member_cannot_nominate(held):
    held.add()
    with pytest.raises(NotAllowed):
        involvement_nominate(
            actor=held.users[Role.PANEL_MEMBER],
            involvement=held.involvement(),
            position=Position.IMR_AUTHOR,
            user=UserFactory(),
        )


# -- Asking ----------------------------------------------------------------------------------------------


def test_asking_notifies_the_imr_author_and_senior_manager(held, mailoutbox, django_capture_on_commit_callbacks):
    author, senior = held.ready()
    with django_capture_on_commit_callbacks(execute=True):
        involvement_ask(actor=held.manager, involvement=held.involvement(), note="Cover 2024 onwards")
    involvement = held.involvement()
    assert (involvement.asked_on, involvement.asked_by, involvement.request_note) == (
        today(),
        held.manager,
        "Cover 2024 onwards",
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, senior.email])
    notifications = Notification.objects.filter(key=f"involvement-{involvement.pk}-asked")
    assert {n.user for n in notifications} == {author, senior}
    message = mailoutbox[0]
    review = held.fresh_review()
    assert review.reference in message.subject and "Northshire Police" in message.subject
    for work in ["secure its case records", "initial report", "chronology", "individual management review"]:
        assert work in message.body
    assert f"by {long_date(involvement.imr_due_on)}" in message.body
    assert f"/reviews/{review.pk}/agencies/{held.police.pk}/" in message.body
    # E-mail carries no detail of the case: not the subject's real name, not the board's note.
    assert "Alex Example" not in message.body + message.subject
    assert "Cover 2024 onwards" not in message.body
    assert AuditEvent.objects.get(action="involvement.asked").data["note"] == "Cover 2024 onwards"


def test_asking_needs_the_nominees_and_the_deadlines(held, mailoutbox):
    held.add()
    with pytest.raises(Conflict) as refused:
        involvement_ask(actor=held.manager, involvement=held.involvement())
    assert refused.value.message == (
        "Before asking Northshire Police, nominate its IMR author, nominate its senior manager and set its deadlines"
    )
    assert held.involvement().asked_on is None
    assert not Notification.objects.exists()


def test_an_agency_is_asked_once(held):
    held.asked()
    with pytest.raises(Conflict, match=f"Northshire Police was asked on {long_date(today())}"):
        involvement_ask(actor=held.manager, involvement=held.involvement())


def test_a_nominee_appointed_after_the_asking_is_told_too(held, mailoutbox, django_capture_on_commit_callbacks):
    held.asked()
    mailoutbox.clear()
    newcomer = UserFactory(full_name="New Author", email="new.author@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        held.nominate(Position.IMR_AUTHOR, newcomer)
    assert [m.to for m in mailoutbox] == [["new.author@example.org"]]
    assert "is asked to review its involvement" in mailoutbox[0].subject


# -- Withdrawing and removing ----------------------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_keeps_the_agency_on_record(held):
    held.add()
    with pytest.raises(Invalid, match="Enter the reason the agency is withdrawn"):
        involvement_withdraw(actor=held.manager, involvement=held.involvement(), reason="  ")
    involvement_withdraw(actor=held.manager, involvement=held.involvement(), reason="No contact with the family")
    involvement = held.involvement()
    assert involvement.is_withdrawn and involvement.withdrawn_by == held.manager
    assert list(agencies_involved(held.review)) == []
    with pytest.raises(Conflict, match="was withdrawn"):
        involvement_withdraw(actor=held.manager, involvement=involvement, reason="Again")
    with pytest.raises(Conflict, match="was withdrawn"):
        held.set_deadlines()


def test_withdrawing_an_asked_agency_tells_its_nominees(held, mailoutbox, django_capture_on_commit_callbacks):
    author, senior = held.asked()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        involvement_withdraw(actor=held.manager, involvement=held.involvement(), reason="Added in error")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, senior.email])
    assert "Added in error" not in mailoutbox[0].body


def test_removing_an_agency_without_material_ends_its_nominations(held):
    author, senior = held.ready()
    involvement_remove(actor=held.manager, involvement=held.involvement())
    assert not AgencyInvolvement.objects.exists()
    assert Appointment.objects.filter(user__in=[author, senior], ended_at__isnull=True).count() == 0
    assert not Membership.objects.filter(user__in=[author, senior]).exists()
    assert AuditEvent.objects.filter(action="involvement.removed").count() == 1


def _secure(held):
    records_secure(actor=held.manager, vault=AgencyVault(held.fresh_review(), held.police), secured_on=today())


def _upload(held):
    author, _senior = held.ready()
    vault = AgencyVault(held.fresh_review(), held.police)
    record_upload(actor=author, vault=vault, file=ContentFile(PDF), name="file.pdf")


def _list_worker(held):
    InvolvedWorker.objects.create(
        review=held.review, agency=held.police, full_name="Pat Practitioner", kind="practitioner", added_by=held.manager
    )


@pytest.mark.parametrize(
    ("submit", "named"),
    [(_secure, "its records secured confirmation"), (_upload, "1 case record"), (_list_worker, "1 worker listed")],
)
def test_removing_an_agency_that_has_submitted_material_is_refused(held, submit, named):
    held.add()
    submit(held)
    with pytest.raises(Conflict) as refused:
        involvement_remove(actor=held.manager, involvement=held.involvement())
    assert named in refused.value.message
    assert refused.value.message.endswith("mark it withdrawn, with a reason, instead")
    assert AgencyInvolvement.objects.filter(agency=held.police).exists()
    involvement_withdraw(actor=held.manager, involvement=held.involvement(), reason="Not involved after all")
    assert held.involvement().is_withdrawn


def test_lead_reviewer_cannot_remove_or_withdraw(held):
    held.add()
    with pytest.raises(NotAllowed):
        involvement_remove(actor=held.users[Role.LEAD_REVIEWER], involvement=held.involvement())
    with pytest.raises(NotAllowed):
        involvement_withdraw(actor=held.users[Role.LEAD_REVIEWER], involvement=held.involvement(), reason="x")
