"""The panel pages through the test client, without JavaScript: read, appoint, refuse, override, end, declare."""

import pytest
from django.urls import reverse

from casereview.panel.models import Appointment, Declaration, IndependenceConflict, Position, SeatGap
from casereview.panel.services import IndependenceRefused
from tests.panel.conftest import appoint, listed_worker, person
from tests.web import blank_submission, error_summary, field_error, page, signed_in


def url(name: str, held, *args) -> str:
    return reverse(f"panel:{name}", args=[held.review.pk, *args])


def test_panel_page_shows_the_composition_members_and_conflicts(held):
    appoint(held, person("Pia Police"), Position.AGENCY_REPRESENTATIVE, "police")
    appoint(held, person("Cara Chair"), Position.PANEL_CHAIR)
    listed_worker(held, full_name="Rae Refused")
    with pytest.raises(IndependenceRefused):
        appoint(held, person("Rae Refused"), Position.CO_OPTED)

    response = signed_in(held.manager).get(url("panel", held))
    assert response.status_code == 200
    doc = page(response)
    text = doc.root.text
    assert "Pia Police, Northbridge Police" in text
    assert text.count("Not filled") == 6 and "Filled" in text
    assert "Not declared" in text
    assert "Listed by Northbridge Police as a worker with the family (Health visitor)" in text
    assert "1 conflict needs a decision" in text
    links = {link.text: link.attrs["href"] for link in doc.find_all("a")}
    assert links["Appoint someone"] == url("appoint", held)
    assert any(href == url("gap", held) + "?seat=probation" for href in links.values())
    assert not any(name.startswith("Override") for name in links), "only the board chair overrides"

    chair_links = [link.text for link in page(signed_in(held.chair).get(url("panel", held))).find_all("a")]
    assert any(name.startswith("Override") for name in chair_links)


def test_panel_member_sees_the_panel_but_no_actions(held):
    member = person("Mel Member")
    appoint(held, member, Position.CO_OPTED)
    doc = page(signed_in(member).get(url("panel", held)))
    names = [link.text for link in doc.find_all("a")]
    assert "Appoint someone" not in names and not any(name.startswith("End") for name in names)
    assert "Make your declaration" in names


def test_appoint_someone_new_by_email(held):
    response = signed_in(held.manager).post(
        url("appoint", held),
        {
            "email": "nina@example.org",
            "full_name": "Nina New",
            "job_title": "Head of legal",
            "position": "legal_adviser",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("panel", held)
    appointment = Appointment.objects.get()
    assert (appointment.user.full_name, appointment.position) == ("Nina New", Position.LEGAL_ADVISER)


def test_appoint_blank_form_says_what_to_do(held):
    client = signed_in(held.manager)
    response = client.post(url("appoint", held), blank_submission(client, url("appoint", held)))
    assert response.status_code == 200
    assert set(error_summary(response)) == {"Enter the email address of the person to appoint"}
    response = client.post(url("appoint", held), {"email": "x@example.org", "full_name": "X Y", "agency": ""})
    assert set(error_summary(response)) == {"Choose the position"}
    assert field_error(response, "id_position") == "Choose the position"


def test_representative_without_agency_is_shown_on_the_agency_field(held):
    response = signed_in(held.manager).post(
        url("appoint", held), {"email": "a@example.org", "full_name": "A B", "position": "agency_representative"}
    )
    assert field_error(response, "id_agency") == "Choose the agency they represent"
    assert not Appointment.objects.exists()


def test_refused_appointment_names_each_conflict_in_the_error_summary(held):
    listed_worker(held, full_name="Rae Refused", email="rae@example.org")
    listed_worker(held, "children", full_name="Rae Refused", kind="supervisor", job_title="Senior practitioner")
    response = signed_in(held.manager).post(
        url("appoint", held), {"email": "rae@example.org", "full_name": "Rae Refused", "position": "co_opted"}
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert (
        "Rae Refused cannot be appointed: the independence check found 2 conflicts. The board chair may override "
        "each conflict with a reason" in page(response).find("div", cls="govuk-error-summary").text
    )
    assert "Listed by Northbridge Police as a worker with the family (Health visitor)" in summary
    assert (
        "Works for Northbridge Children's Services, an agency under review, in a role that managed the case "
        "(Senior practitioner)" in summary
    )
    assert not Appointment.objects.exists() and IndependenceConflict.objects.count() == 2


def test_chair_overrides_then_the_appointment_goes_through(held):
    listed_worker(held, full_name="Olive Override")
    with pytest.raises(IndependenceRefused):
        appoint(held, person("Olive Override", email="olive@example.org"), Position.CO_OPTED)
    conflict = IndependenceConflict.objects.get()
    chair = signed_in(held.chair)
    override = url("override", held, conflict.pk)
    assert "Olive Override" in page(chair.get(override)).root.text
    response = chair.post(override, {"reason": ""})
    assert field_error(response, "id_reason") == "Enter why the conflict does not stop them taking part"
    response = chair.post(override, {"reason": "Met the family once, in 2015"})
    assert response.status_code == 302
    assert signed_in(held.manager).get(override).status_code == 404

    response = signed_in(held.manager).post(
        url("appoint", held), {"email": "olive@example.org", "position": "co_opted"}
    )
    assert response.status_code == 302
    assert Appointment.objects.get().user.full_name == "Olive Override"
    assert "Met the family once, in 2015" in page(chair.get(url("panel", held))).root.text


def test_end_an_appointment(held):
    appointment = appoint(held, person("Ed End"), Position.CO_OPTED)
    client = signed_in(held.manager)
    end = url("end", held, appointment.pk)
    response = client.post(end, {"reason": "   "})
    assert field_error(response, "id_reason") == "Enter why the appointment ends"
    response = client.post(end, {"reason": "Retired"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.end_reason == "Retired"
    assert "Retired" in page(client.get(url("panel", held))).root.text


def test_record_a_seat_gap_with_the_seat_chosen_from_the_panel(held):
    client = signed_in(held.manager)
    doc = page(client.get(url("gap", held) + "?seat=probation"))
    assert doc.find(id="id_seat_5").attrs.get("checked") is not None
    response = client.post(url("gap", held), {"seat": "probation", "reason": "No probation involvement"})
    assert response.status_code == 302
    assert SeatGap.objects.get().seat == "probation"
    assert "Gap recorded" in page(client.get(url("panel", held))).root.text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"seat": "tea_maker", "reason": "x"}, "id_seat", "Choose the seat that is not filled"),
        ({"seat": "police", "reason": ""}, "id_reason", "Enter why the seat is not filled"),
        ({"seat": "police", "reason": "a\x00b"}, "id_reason", "Remove the null character from the reason"),
    ],
)
def test_seat_gap_bad_input_is_shown_on_the_field(held, data, field, message):
    response = signed_in(held.manager).post(url("gap", held), data)
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not SeatGap.objects.exists()


def test_make_a_declaration(held):
    user = person()
    appoint(held, user, Position.CO_OPTED)
    client = signed_in(user)
    response = client.post(url("declaration", held), {"involved": "no", "managed": "yes"})
    assert response.status_code == 200
    summary = error_summary(response)
    assert set(summary) == {
        "Select yes if you are independent of the workers involved",
        "Describe your child protection knowledge and experience",
        "Give details of your involvement, responsibility or link to the workers",
    }
    assert summary["Select yes if you are independent of the workers involved"] == "id_independent_of_workers_0"
    response = client.post(
        url("declaration", held),
        {
            "involved": "no",
            "managed": "no",
            "independent_of_workers": "yes",
            "knowledge_and_experience": "Designated nurse for safeguarding for eight years",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("panel", held)
    declaration = Declaration.objects.get()
    assert declaration.not_involved and declaration.no_management_responsibility and declaration.declares_independence
    assert "You last declared on" in page(client.get(url("declaration", held))).root.text


def test_imr_author_declares_and_returns_to_the_review(held):
    author = person()
    appoint(held, author, Position.IMR_AUTHOR, "police")
    response = signed_in(author).post(
        url("declaration", held),
        {
            "involved": "yes",
            "managed": "no",
            "independent_of_workers": "yes",
            "knowledge_and_experience": "Ten years",
            "details": "I attended one strategy meeting",
        },
    )
    assert response["Location"] == reverse("reviews:review", args=[held.review.pk])
    conflict = IndependenceConflict.objects.get()
    assert conflict.description == "Declared that they were involved in the case"
    override = page(signed_in(held.chair).get(url("override", held, conflict.pk))).root.text
    assert "I attended one strategy meeting" in override
