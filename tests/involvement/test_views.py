"""The agencies pages through the test client: the status table, adding, deadlines, nominating, asking,
withdrawing and removing, and who sees which agency."""

from datetime import timedelta

from django.urls import reverse

from casereview.accounts.models import Role, User
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.models import AgencyInvolvement
from casereview.involvement.services import default_deadlines, long_date
from casereview.notifications.models import Notification
from casereview.panel.models import Appointment, Position
from casereview.records.models import AgencyVault
from casereview.records.services import records_secure
from tests.factories import UserFactory, today
from tests.involvement.conftest import deadlines_from
from tests.web import date_parts, error_summary, field_error, page, signed_in


def url(name, held, agency=None):
    if name in {"involvement:agencies", "involvement:agency-add"}:
        return reverse(name, args=[held.review.pk])
    return reverse(name, args=[held.review.pk, (agency or held.police).pk])


def deadline_data(dates: dict) -> dict:
    data = {}
    for name, value in dates.items():
        data |= date_parts(name, value)
    return data


# -- The status table ------------------------------------------------------------------------------------


def test_status_table_shows_each_agency_with_tags(held):
    author, senior = held.asked()
    held.add(held.health)
    records_secure(actor=held.manager, vault=AgencyVault(held.fresh_review(), held.police), secured_on=today())
    response = signed_in(held.users[Role.PANEL_MEMBER]).get(url("involvement:agencies", held))
    assert response.status_code == 200
    doc = page(response)
    rows = doc.find("table", cls="govuk-table").children[-1].children  # the body's rows
    police = next(row for row in rows if "Northshire Police" in row.text)
    health = next(row for row in rows if "Northshire NHS Trust" in row.text)
    assert long_date(today()) in police.text and author.full_name in police.text and senior.full_name in police.text
    assert f"by {held.manager.full_name}" in police.text
    assert "Not yet asked" in health.text and "No deadline" in health.text
    assert "not nominated" in health.text
    assert "A chronology is met when it is first submitted" in doc.find("main").text
    assert reverse("involvement:agency", args=[held.review.pk, held.police.pk]) in response.content.decode()


def test_overdue_deadlines_are_tagged_red(held):
    held.asked(**deadlines_from(held.decided_on, records=0, initial=1, chronology=2, imr=3))
    doc = page(signed_in(held.manager).get(url("involvement:agencies", held)))
    overdue = [tag for tag in doc.find_all("strong", cls="govuk-tag--red") if tag.text == "Overdue"]
    assert len(overdue) == 4


def test_panel_member_sees_the_table_but_no_add_button(held):
    response = signed_in(held.users[Role.PANEL_MEMBER]).get(url("involvement:agencies", held))
    assert url("involvement:agency-add", held) not in response.content.decode()
    assert (
        url("involvement:agency-add", held)
        in signed_in(held.manager).get(url("involvement:agencies", held)).content.decode()
    )


# -- Adding ----------------------------------------------------------------------------------------------


def test_adding_an_agency_through_the_page(held):
    client = signed_in(held.users[Role.PANEL_CHAIR])
    form = page(client.get(url("involvement:agency-add", held)))
    options = [option.text for option in form.find("select").children]
    assert options == ["Choose an agency", "Northshire NHS Trust", "Northshire Police"]
    response = client.post(url("involvement:agency-add", held), {"agency": held.police.pk})
    assert response.status_code == 302
    assert response["Location"] == url("involvement:agency", held)
    assert AgencyInvolvement.objects.get().agency == held.police
    again = page(client.get(url("involvement:agency-add", held)))
    assert "Northshire Police" not in [option.text for option in again.find("select").children]


def test_adding_without_choosing_asks_for_the_agency(held):
    response = signed_in(held.manager).post(url("involvement:agency-add", held), {"agency": ""})
    assert field_error(response, "id_agency") == "Choose the agency"
    assert "Choose the agency" in error_summary(response)


# -- The agency's page -----------------------------------------------------------------------------------


def test_agency_page_shows_what_is_asked_deadlines_and_links_to_its_records(held):
    author, _senior = held.asked()
    response = signed_in(held.manager).get(url("involvement:agency", held))
    text = page(response).find("main").text
    assert "Cover 2024 onwards" in text and author.full_name in text
    assert long_date(held.involvement().imr_due_on) in text
    html = response.content.decode()
    assert reverse("records:agency", args=[held.review.pk, held.police.pk]) in html
    for name in ["involvement:nominate-imr-author", "involvement:deadlines", "involvement:withdraw"]:
        assert url(name, held) in html
    assert url("involvement:ask", held) not in html  # already asked


def test_agency_staff_see_their_agencys_page_without_actions(held):
    author, _senior = held.asked()
    held.add(held.health)
    client = signed_in(author)
    response = client.get(url("involvement:agency", held))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cover 2024 onwards" in html
    assert url("involvement:deadlines", held) not in html and url("involvement:withdraw", held) not in html
    assert client.get(url("involvement:agency", held, held.health)).status_code == 404
    assert client.get(url("involvement:agencies", held)).status_code == 404


def test_board_chair_sees_no_records_link(held):
    held.add()
    html = signed_in(held.users[Role.BOARD_CHAIR]).get(url("involvement:agency", held)).content.decode()
    assert reverse("records:agency", args=[held.review.pk, held.police.pk]) not in html


# -- Deadlines -------------------------------------------------------------------------------------------


def test_deadlines_page_proposes_defaults_from_the_decision(held):
    held.add()
    doc = page(signed_in(held.manager).get(url("involvement:deadlines", held)))
    proposed = default_deadlines(held.fresh_review())["imr_due_on"]
    assert doc.find(id="id_imr_due_on-day").attrs["value"] == str(proposed.day)
    assert doc.find(id="id_imr_due_on-year").attrs["value"] == str(proposed.year)
    assert "proposed from the chair's decision" in doc.find("main").text


def test_setting_deadlines_through_the_page(held):
    held.add()
    dates = deadlines_from(held.decided_on)
    response = signed_in(held.manager).post(url("involvement:deadlines", held), deadline_data(dates))
    assert response.status_code == 302
    assert held.involvement().deadlines() == dates


def test_a_deadline_before_the_decision_is_refused_on_the_page(held):
    held.add()
    decided = held.decided_on
    dates = deadlines_from(decided) | {"imr_due_on": decided - timedelta(days=3)}
    response = signed_in(held.manager).post(url("involvement:deadlines", held), deadline_data(dates))
    message = f"The IMR deadline must be on or after the decision, {long_date(decided)}"
    assert field_error(response, "id_imr_due_on") == message
    assert error_summary(response)[message] == "id_imr_due_on-day"
    assert held.involvement().imr_due_on is None


def test_a_missing_deadline_is_asked_for(held):
    held.add()
    dates = deadlines_from(held.decided_on) | {"chronology_due_on": None}
    response = signed_in(held.manager).post(url("involvement:deadlines", held), deadline_data(dates))
    assert field_error(response, "id_chronology_due_on") == "Enter the date the chronology is due"


# -- Nominating ------------------------------------------------------------------------------------------


def test_nominating_a_new_person_through_the_page(held, mailoutbox):
    held.add()
    response = signed_in(held.manager).post(
        url("involvement:nominate-imr-author", held),
        {"email": "ivy@example.org", "full_name": "Ivy Author", "job_title": "Safeguarding lead"},
    )
    assert response.status_code == 302
    ivy = User.objects.get(email="ivy@example.org")
    assert (ivy.full_name, ivy.job_title) == ("Ivy Author", "Safeguarding lead")
    assert Appointment.objects.get(user=ivy).position == Position.IMR_AUTHOR


def test_a_refused_nomination_shows_the_conflict_in_the_error_summary(held):
    held.add()
    InvolvedWorker.objects.create(
        review=held.review, agency=held.police, full_name="Wendy Worker", kind="practitioner", added_by=held.manager
    )
    UserFactory(full_name="Wendy Worker", email="wendy@example.org")
    response = signed_in(held.manager).post(
        url("involvement:nominate-imr-author", held), {"email": "wendy@example.org"}
    )
    assert response.status_code == 200
    summary = error_summary(response)
    message = next(iter(summary))
    assert "Wendy Worker cannot be appointed" in message and "Northshire Police" in message
    assert summary[message] == "id_email"
    assert not Appointment.objects.exists()


def test_nominating_someone_new_without_a_name_asks_for_it(held):
    held.add()
    response = signed_in(held.manager).post(
        url("involvement:nominate-senior-manager", held), {"email": "new@example.org"}
    )
    assert field_error(response, "id_full_name") == "Enter the person's full name"
    assert not User.objects.filter(email="new@example.org").exists()


# -- Asking ----------------------------------------------------------------------------------------------


def test_asking_through_the_page_tells_the_nominees(held, mailoutbox, django_capture_on_commit_callbacks):
    author, senior = held.ready()
    client = signed_in(held.manager)
    assert "Ask the agency" in client.get(url("involvement:ask", held)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("involvement:ask", held), {"note": "Cover 2024 onwards"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, senior.email])
    assert Notification.objects.filter(user=author).count() == 1


def test_asking_too_soon_says_what_is_missing(held):
    held.add()
    response = signed_in(held.manager).post(url("involvement:ask", held), {"note": ""})
    summary = page(response).find("div", cls="govuk-error-summary").text
    assert "Before asking Northshire Police, nominate its IMR author, nominate its senior manager" in summary
    assert held.involvement().asked_on is None


# -- Withdrawing and removing ----------------------------------------------------------------------------


def test_withdrawing_through_the_page_needs_a_reason(held):
    held.add()
    client = signed_in(held.manager)
    refused = client.post(url("involvement:withdraw", held), {"reason": ""})
    assert field_error(refused, "id_reason") == "Enter the reason the agency is withdrawn"
    response = client.post(url("involvement:withdraw", held), {"reason": "Did not know the family"})
    assert response.status_code == 302
    involvement = held.involvement()
    assert involvement.is_withdrawn and involvement.withdrawal_reason == "Did not know the family"
    text = page(signed_in(held.manager).get(url("involvement:agency", held))).find("main").text
    assert "Withdrawn" in text and "Did not know the family" in text


def test_removing_asks_for_confirmation_then_removes(held):
    held.add()
    client = signed_in(held.manager)
    confirm = client.get(url("involvement:remove", held))
    assert "Remove Northshire Police from the agencies involved?" in page(confirm).find("h1").text
    assert AgencyInvolvement.objects.exists()
    response = client.post(url("involvement:remove", held))
    assert response["Location"] == url("involvement:agencies", held)
    assert not AgencyInvolvement.objects.exists()


def test_removing_an_agency_with_material_is_refused_on_the_page(held):
    held.add()
    records_secure(actor=held.manager, vault=AgencyVault(held.fresh_review(), held.police), secured_on=today())
    client = signed_in(held.manager)
    agency_page = client.get(url("involvement:agency", held)).content.decode()
    assert url("involvement:remove", held) not in agency_page
    assert "cannot be removed from the review, only withdrawn" in agency_page
    response = client.post(url("involvement:remove", held))
    assert response.status_code == 200
    summary = page(response).find("div", cls="govuk-error-summary").text
    assert "mark it withdrawn, with a reason, instead" in summary
    assert AgencyInvolvement.objects.exists()
