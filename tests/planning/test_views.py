"""The terms of reference and meeting pages through the test client: without JavaScript, GOV.UK errors, links
shown only to who may follow them."""

from datetime import time, timedelta

from django.urls import reverse

from casereview.accounts.models import Role
from casereview.planning.difference import long_date
from casereview.planning.models import Meeting, MeetingAction, MeetingAttendance, TermsAgreement, TermsOfReference
from casereview.planning.selectors import timetable_proposal
from casereview.planning.services import meeting_action_add, terms_agree
from tests.factories import today
from tests.planning.make import add_meeting, save_terms
from tests.web import date_parts, error_summary, field_error, page, signed_in


def url(name: str, held, *args) -> str:
    return reverse(f"planning:{name}", args=[held.review.pk, *args])


def terms_post(held, **overrides) -> dict:
    decided = held.decided_on
    data = {
        **date_parts("period_from", today() - timedelta(days=700)),
        **date_parts("period_to", today() - timedelta(days=62)),
        "lines_of_enquiry": "How agencies shared what they knew\r\nHow the voice of the child was heard",
        "agencies": [str(held.police.pk)],
        "family_involvement": "The mother is invited to meet the lead reviewer.",
        "milestone_0_label": "First panel meeting",
        **date_parts("milestone_0_due_on", decided + timedelta(days=14)),
        "milestone_1_label": "",
        **date_parts("milestone_1_due_on", None),
        "based_on_version": "0",
    }
    return data | overrides


def button_texts(response) -> list[str]:
    return [a.text for a in page(response).elements if "govuk-button" in a.classes]


# -- Terms of reference ------------------------------------------------------------------------------------


def test_terms_page_before_any_version_offers_to_write_them_to_who_may(held):
    response = signed_in(held.users[Role.BOARD_MANAGER]).get(url("terms", held))
    assert "No terms of reference have been written" in response.content.decode()
    assert "Write the terms of reference" in button_texts(response)
    imr = signed_in(held.users[Role.IMR_AUTHOR]).get(url("terms", held))
    assert imr.status_code == 200 and "Write the terms of reference" not in button_texts(imr)


def test_first_version_form_is_prefilled_with_the_proposed_timetable(held):
    response = signed_in(held.users[Role.LEAD_REVIEWER]).get(url("terms-edit", held))
    doc = page(response)
    proposal = timetable_proposal(held.fresh())
    for row, milestone in enumerate(proposal):
        assert doc.find(id=f"id_milestone_{row}_label").attrs["value"] == milestone.label
        assert doc.find(id=f"id_milestone_{row}_due_on-day").attrs["value"] == str(milestone.due_on.day)
    assert doc.find(id=f"id_milestone_{len(proposal)}_label").attrs.get("value", "") == ""  # blank rows to add more
    assert long_date(held.decided_on) in response.content.decode()
    assert not doc.find_all(id="id_change_note")  # only asked from the second version on


def test_saving_through_the_page_makes_a_version_shown_with_its_timetable(held):
    client = signed_in(held.users[Role.PANEL_CHAIR])
    response = client.post(url("terms-edit", held), terms_post(held))
    assert response.status_code == 302 and response["Location"] == url("terms", held)
    terms = TermsOfReference.objects.get()
    assert [m.label for m in terms.milestones.all()] == ["First panel meeting"]
    assert list(terms.agencies.all()) == [held.police]
    shown = client.get(url("terms", held))
    text = page(shown).root.text
    assert "Version 1" in text and "Not yet agreed" in text
    assert long_date(held.decided_on + timedelta(days=14)) in text
    assert "How the voice of the child was heard" in text
    assert "Record the panel's agreement" in button_texts(shown)


def test_milestone_before_the_decision_is_shown_on_its_date_and_nothing_saved(held):
    decided = held.decided_on
    data = terms_post(held, **date_parts("milestone_0_due_on", decided - timedelta(days=1)))
    response = signed_in(held.users[Role.BOARD_MANAGER]).post(url("terms-edit", held), data)
    assert response.status_code == 200
    message = f"First panel meeting must be on or after the decision, {long_date(decided)}"
    assert error_summary(response) == {message: "id_milestone_0_due_on-day"}
    assert field_error(response, "id_milestone_0_due_on") == message
    assert not TermsOfReference.objects.exists()


def test_period_ending_before_it_starts_is_refused_on_the_end_date(held):
    data = terms_post(held, **date_parts("period_to", today() - timedelta(days=800)))
    response = signed_in(held.users[Role.BOARD_MANAGER]).post(url("terms-edit", held), data)
    assert "must be on or after its start" in field_error(response, "id_period_to")
    assert not TermsOfReference.objects.exists()


def test_a_milestone_with_a_name_but_no_date_asks_for_the_date(held):
    data = terms_post(held, milestone_1_label="IMRs submitted")
    response = signed_in(held.users[Role.BOARD_MANAGER]).post(url("terms-edit", held), data)
    assert field_error(response, "id_milestone_1_due_on") == "Enter the date of IMRs submitted"


def test_add_more_milestones_shows_more_rows_and_saves_nothing(held):
    data = terms_post(held, add_rows="1", milestone_1_label="IMRs submitted")
    response = signed_in(held.users[Role.BOARD_MANAGER]).post(url("terms-edit", held), data)
    doc = page(response)
    assert response.status_code == 200
    assert not doc.find_all("div", cls="govuk-error-summary")
    assert doc.find(id="id_milestone_1_label").attrs["value"] == "IMRs submitted"
    assert doc.find(id="id_milestone_4_label") is not None
    assert not TermsOfReference.objects.exists()


def test_second_version_starts_from_the_current_one_and_shows_what_changed(held):
    first = save_terms(held)
    client = signed_in(held.users[Role.BOARD_MANAGER])
    doc = page(client.get(url("terms-edit", held)))
    assert doc.find(id="id_lines_of_enquiry").text.startswith("How agencies shared what they knew")
    assert doc.find(id="id_based_on_version").attrs["value"] == "1"
    data = terms_post(
        held,
        based_on_version="1",
        agencies=[str(held.police.pk), str(held.health.pk)],
        lines_of_enquiry="How agencies shared what they knew\nWhether the school knew",
        change_note="School added",
    )
    for row, milestone in enumerate(first.milestones.all()):
        data |= {f"milestone_{row}_label": milestone.label, **date_parts(f"milestone_{row}_due_on", milestone.due_on)}
    assert client.post(url("terms-edit", held), data).status_code == 302
    second = TermsOfReference.objects.get(version=2)
    text = page(client.get(url("terms-version", held, second.pk))).root.text
    assert "What changed from version 1" in text
    assert "Removed How the voice of the child was heard" in text
    assert "Added Whether the school knew" in text
    assert "Key lines of enquiry" in text and "Agencies in scope" not in text.split("Version 2")[0]


def test_a_save_from_a_stale_form_is_refused_above_the_form(held):
    save_terms(held)
    response = signed_in(held.users[Role.BOARD_MANAGER]).post(url("terms-edit", held), terms_post(held))
    summary = page(response).find("div", cls="govuk-error-summary").text
    assert "Version 1 of the terms of reference was saved while you were working on it" in summary
    assert TermsOfReference.objects.count() == 1


def test_panel_chair_records_agreement_and_the_page_shows_it(held):
    terms = save_terms(held)
    client = signed_in(held.users[Role.PANEL_CHAIR])
    response = client.post(url("terms-agree", held, terms.pk), {"meeting": "", **date_parts("agreed_on", today())})
    assert response.status_code == 302
    assert TermsAgreement.objects.get().terms == terms
    shown = client.get(url("terms", held))
    assert "Agreed" in page(shown).root.text
    assert "Record the panel's agreement" not in button_texts(shown)


def test_agreement_without_a_date_or_meeting_asks_for_the_date(held):
    terms = save_terms(held)
    response = signed_in(held.users[Role.PANEL_CHAIR]).post(
        url("terms-agree", held, terms.pk), {"meeting": "", **date_parts("agreed_on", None)}
    )
    assert field_error(response, "id_agreed_on") == "Enter the date the panel agreed the terms of reference"


def test_agreement_page_offers_only_meetings_that_have_taken_place(held):
    past = add_meeting(held)
    future = add_meeting(held, held_on=today() + timedelta(days=3))
    terms = save_terms(held)
    doc = page(signed_in(held.users[Role.PANEL_CHAIR]).get(url("terms-agree", held, terms.pk)))
    values = [o.attrs.get("value") for o in doc.find(id="id_meeting").children]
    assert str(past.pk) in values and str(future.pk) not in values


# -- Meetings ----------------------------------------------------------------------------------------------


def test_meeting_is_added_through_the_page_with_a_time_as_people_write_it(held):
    client = signed_in(held.users[Role.PANEL_CHAIR])
    data = {**date_parts("held_on", today()), "starts_at": "2.30pm", "place": "By video call", "decisions": ""}
    response = client.post(url("meeting-new", held), data)
    meeting = Meeting.objects.get()
    assert response["Location"] == url("meeting", held, meeting.pk)
    assert meeting.starts_at == time(14, 30)
    text = page(client.get(url("meeting", held, meeting.pk))).root.text
    assert "2:30pm" in text and "By video call" in text


def test_a_time_that_is_not_a_time_is_refused(held):
    data = {**date_parts("held_on", today()), "starts_at": "25:00", "place": "Room 2"}
    response = signed_in(held.users[Role.PANEL_CHAIR]).post(url("meeting-new", held), data)
    assert field_error(response, "id_starts_at") == "Enter a real time, for example 10am or 2:30pm"
    assert not Meeting.objects.exists()


def test_meeting_before_the_decision_is_refused(held):
    data = {**date_parts("held_on", held.decided_on - timedelta(days=1)), "starts_at": "10am", "place": "Room 2"}
    response = signed_in(held.users[Role.BOARD_MANAGER]).post(url("meeting-new", held), data)
    assert "on or after the decision" in field_error(response, "id_held_on")


def test_meeting_is_changed_through_its_page(held):
    meeting = add_meeting(held)
    client = signed_in(held.users[Role.BOARD_MANAGER])
    doc = page(client.get(url("meeting-edit", held, meeting.pk)))
    assert doc.find(id="id_starts_at").attrs["value"] == "10am"
    data = {**date_parts("held_on", today()), "starts_at": "10am", "place": "Room 2", "decisions": "Agreed the terms"}
    assert client.post(url("meeting-edit", held, meeting.pk), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.decisions == "Agreed the terms"


def test_attendance_page_lists_the_panel_and_records_each(held):
    meeting = add_meeting(held)
    client = signed_in(held.users[Role.PANEL_CHAIR])
    doc = page(client.get(url("meeting-attendance", held, meeting.pk)))
    legends = [legend.text for legend in doc.find_all("legend")]
    assert legends == [
        "Panel chair Person (Panel chair)",
        "Panel member Person (Panel member)",
        "Legal adviser Person (Legal adviser)",
        "Lead reviewer Person (Lead reviewer)",
    ]
    data = {f"attendance_{held.users[role].pk}": "present" for role in [Role.PANEL_CHAIR, Role.PANEL_MEMBER]}
    response = client.post(url("meeting-attendance", held, meeting.pk), data | {"others_attending": "Dr Patel"})
    assert response.status_code == 200  # two panel members not chosen
    assert field_error(response, f"id_attendance_{held.users[Role.LEGAL_ADVISER].pk}").startswith("Choose whether")
    assert not MeetingAttendance.objects.exists()
    data |= {f"attendance_{held.users[Role.LEGAL_ADVISER].pk}": "apologies"}
    data |= {f"attendance_{held.users[Role.LEAD_REVIEWER].pk}": "absent"}
    assert client.post(url("meeting-attendance", held, meeting.pk), data).status_code == 302
    assert MeetingAttendance.objects.count() == 4
    text = page(client.get(url("meeting", held, meeting.pk))).root.text
    assert "Sent apologies" in text


def test_actions_are_added_and_marked_done_through_the_pages(held):
    meeting = add_meeting(held)
    client = signed_in(held.users[Role.BOARD_MANAGER])
    data = {
        "what": "Send the police chronology",
        "owner": str(held.users[Role.IMR_AUTHOR].pk),
        "owner_name": "",
        **date_parts("due_on", today() + timedelta(days=10)),
    }
    assert client.post(url("action-new", held, meeting.pk), data).status_code == 302
    action = MeetingAction.objects.get()
    assert action.owner == held.users[Role.IMR_AUTHOR]
    text = page(client.get(url("meeting", held, meeting.pk))).root.text
    assert "Send the police chronology" in text and "Mark as done" in text
    response = client.post(url("action-done", held, meeting.pk, action.pk), date_parts("done_on", today()))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == today()


def test_action_with_neither_a_person_nor_a_name_asks_who(held):
    meeting = add_meeting(held)
    data = {"what": "Write", "owner": "", "owner_name": "", **date_parts("due_on", today())}
    response = signed_in(held.users[Role.PANEL_CHAIR]).post(url("action-new", held, meeting.pk), data)
    assert field_error(response, "id_owner") == "Choose who will do it, or enter their name"


def test_meeting_pages_show_change_links_only_to_who_may_change(held):
    meeting = add_meeting(held)
    meeting_action_add(
        actor=held.users[Role.PANEL_CHAIR], meeting=meeting, what="Write", due_on=today(), owner_name="GP"
    )
    member = signed_in(held.users[Role.PANEL_MEMBER])
    assert "Add a meeting" not in button_texts(member.get(url("meetings", held)))
    text = page(member.get(url("meeting", held, meeting.pk))).root.text
    assert "Mark as done" not in text and "Record attendance" not in text and "Change" not in text
    chair = signed_in(held.users[Role.PANEL_CHAIR])
    assert "Add a meeting" in button_texts(chair.get(url("meetings", held)))


def test_meetings_list_shows_planned_and_held_meetings(held):
    add_meeting(held, held_on=today() + timedelta(days=5))
    held_meeting = add_meeting(held)
    terms_agree(actor=held.users[Role.PANEL_CHAIR], terms=save_terms(held), meeting=held_meeting)
    text = page(signed_in(held.users[Role.BOARD_CHAIR]).get(url("meetings", held))).root.text
    assert "Planned" in text and "Not recorded" in text
    meeting_text = page(signed_in(held.users[Role.BOARD_CHAIR]).get(url("meeting", held, held_meeting.pk))).root.text
    assert "The panel agreed version 1 of the terms of reference at this meeting" in meeting_text
