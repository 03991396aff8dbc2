"""The involved workers pages through the test client: the list by agency, adding, changing, removing, and the
walls between agencies."""

from datetime import date

from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casereview.audit.models import AuditEvent
from casereview.interviews import services
from casereview.interviews.models import InvolvedWorker
from casereview.involvement.services import involvement_add
from tests.factories import AgencyFactory, days_ago, today
from tests.web import blank_submission, date_parts, error_summary, field_error, page, signed_in


def workers_url(held):
    return reverse("interviews:workers", args=[held.review.pk])


def new_url(held, agency=None):
    return reverse("interviews:worker-new", args=[held.review.pk, (agency or held.police).pk])


def worker_url(held, worker, agency=None):
    return reverse("interviews:worker", args=[held.review.pk, (agency or worker.agency).pk, worker.pk])


def remove_url(held, worker, agency=None):
    return reverse("interviews:worker-remove", args=[held.review.pk, (agency or worker.agency).pk, worker.pk])


def form_data(**overrides) -> dict:
    data = {
        "full_name": "Harriet Visitor",
        "job_title": "Health visitor",
        "kind": "practitioner",
        "email": "harriet.visitor@example.org",
        **date_parts("involved_from", days_ago(300)),
        **date_parts("involved_to", days_ago(100)),
        "line_manager_name": "Liam Linemanager",
        "line_manager_email": "liam@example.org",
    }
    return data | overrides


# -- The list ----------------------------------------------------------------------------------------------------


def test_list_groups_workers_by_agency_in_govuk_tables(held):
    held.add()
    held.add(who="health_imr", agency=held.health, full_name="Nina Nurse", email="", involved_to=None)
    response = signed_in(held.users["panel_chair"]).get(workers_url(held))
    assert response.status_code == 200
    doc = page(response)
    assert [h.text for h in doc.find_all("h2", cls="govuk-heading-m")] == ["Northshire NHS Trust", "Northshire Police"]
    rows = [row.text for row in doc.find_all("tr", cls="govuk-table__row")]
    assert any("Nina Nurse" in row and f"From {days_ago(300).day}" in row for row in rows)
    assert any("Harriet Visitor" in row and "Liam Linemanager" in row for row in rows)
    assert not doc.find_all("a", href=new_url(held)), "the panel does not add workers"


def test_viewing_the_list_is_audited(held):
    held.add()
    signed_in(held.users["board_manager"]).get(workers_url(held))
    event = AuditEvent.objects.get(action="workers.viewed")
    assert event.data == {"agency": None, "workers": 1, "via": "page"}


def test_agency_staff_see_only_their_agency_and_may_add(held):
    held.add()
    held.add(who="health_imr", agency=held.health, full_name="Nina Nurse", email="")
    doc = page(signed_in(held.users["health_senior"]).get(workers_url(held)))
    assert "Nina Nurse" in doc.root.text and "Harriet Visitor" not in doc.root.text
    assert doc.find("a", href=new_url(held, held.health)).text == "Add a worker from Northshire NHS Trust"
    assert not doc.find_all("a", href=new_url(held))


def test_every_agency_involved_is_listed_for_the_board_staff_even_without_staff_on_the_review(held, board):
    probation = AgencyFactory(board=board, name="Northshire Probation")
    involvement_add(actor=held.users["board_manager"], review=held.fresh_review(), agency=probation)
    doc = page(signed_in(held.users["board_chair"]).get(workers_url(held)))
    assert "Northshire Probation has not listed any workers yet." in doc.root.text


def test_agency_with_no_workers_says_so(held):
    doc = page(signed_in(held.users["police_imr"]).get(workers_url(held)))
    assert "Northshire Police has not listed any workers yet." in doc.root.text


# -- Adding and changing -----------------------------------------------------------------------------------------


def test_adding_a_worker_through_the_page(held):
    response = signed_in(held.users["police_imr"]).post(new_url(held), form_data())
    assert response.status_code == 302
    assert response["Location"] == workers_url(held)
    worker = InvolvedWorker.objects.get()
    assert (worker.full_name, worker.agency, worker.involved_from) == ("Harriet Visitor", held.police, days_ago(300))


def test_blank_form_shows_what_to_fill_in(held):
    client = signed_in(held.users["police_imr"])
    response = client.post(new_url(held), blank_submission(client, new_url(held)))
    assert response.status_code == 200
    assert set(error_summary(response)) == {
        "Enter the worker's full name",
        "Choose what the worker did, for example practitioner or manager",
    }
    assert not InvolvedWorker.objects.exists()


def test_end_before_start_is_shown_on_the_end_date(held):
    data = form_data(**date_parts("involved_from", days_ago(10)), **date_parts("involved_to", days_ago(20)))
    response = signed_in(held.users["police_imr"]).post(new_url(held), data)
    assert field_error(response, "id_involved_to") == (
        "The date their involvement ended must be the same as or after the date it started"
    )
    assert error_summary(response)["The date their involvement ended must be the same as or after the date it started"]
    assert not InvolvedWorker.objects.exists()


def test_null_character_gets_a_message_not_an_error_page(held):
    response = signed_in(held.users["police_imr"]).post(new_url(held), form_data(full_name="Harriet\x00"))
    assert response.status_code == 200
    assert field_error(response, "id_full_name") == "Remove the null character from the full name"


def test_change_page_shows_the_worker_audits_the_read_and_saves(held):
    worker = held.add()
    client = signed_in(held.users["police_senior"])
    doc = page(client.get(worker_url(held, worker)))
    assert doc.find("input", id="id_full_name").attrs["value"] == "Harriet Visitor"
    assert AuditEvent.objects.filter(action="worker.viewed", object_id=str(worker.pk)).exists()
    response = client.post(worker_url(held, worker), form_data(job_title="Team manager", kind="manager"))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.job_title, worker.kind) == ("Team manager", "manager")


def test_another_agencys_worker_is_not_found_under_your_agency(held):
    worker = held.add()
    client = signed_in(held.users["health_imr"])
    assert client.get(worker_url(held, worker, agency=held.health)).status_code == 404
    assert client.post(worker_url(held, worker, agency=held.health), form_data(full_name="X")).status_code == 404
    assert client.post(remove_url(held, worker, agency=held.health)).status_code == 404
    assert client.get(worker_url(held, worker)).status_code == 404
    assert InvolvedWorker.objects.get().full_name == "Harriet Visitor"


# -- Removing ------------------------------------------------------------------------------------------------------


def test_removing_asks_then_removes(held):
    worker = held.add()
    client = signed_in(held.users["police_imr"])
    doc = page(client.get(remove_url(held, worker)))
    assert doc.find("h1").text == "Remove Harriet Visitor from the workers involved?"
    response = client.post(remove_url(held, worker))
    assert response.status_code == 302 and response["Location"] == workers_url(held)
    assert not InvolvedWorker.objects.exists()


def test_refused_removal_is_shown_in_an_error_summary(held, monkeypatch):
    worker = held.add()
    monkeypatch.setattr(services, "WORKER_ATTACHMENTS", [("an interview", lambda w: True)])
    response = signed_in(held.users["police_imr"]).post(remove_url(held, worker))
    assert response.status_code == 200
    assert "Harriet Visitor cannot be removed: an interview is recorded with them" in page(response).root.text
    assert page(response).find("title").text.startswith("Error: ")
    assert InvolvedWorker.objects.filter(pk=worker.pk).exists()


# -- Any input ------------------------------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=260)
DATE_PART = st.one_of(st.text(max_size=6), st.integers(-5, 10000).map(str))
# Three boxes of a date: blank, a real date (in any year), or anything at all.
DATE_BOXES = st.one_of(
    st.just(["", "", ""]),
    st.dates(min_value=date(1900, 1, 1)).map(lambda d: [str(d.day), str(d.month), str(d.year)]),
    st.lists(DATE_PART, min_size=3, max_size=3),
)
EMAIL = st.one_of(st.just(""), st.emails(), TEXT)


@FUZZ
@given(
    full_name=TEXT,
    job_title=TEXT,
    email=EMAIL,
    line_manager_name=TEXT,
    line_manager_email=EMAIL,
    kind=st.sampled_from(["practitioner", "manager", "", "boss"]),
    started=DATE_BOXES,
    ended=DATE_BOXES,
)
def test_any_form_input_is_saved_whole_or_refused_with_messages(
    held, full_name, job_title, email, line_manager_name, line_manager_email, kind, started, ended
):
    data = {
        "full_name": full_name,
        "job_title": job_title,
        "email": email,
        "line_manager_name": line_manager_name,
        "line_manager_email": line_manager_email,
        "kind": kind,
    }
    for name, parts in [("involved_from", started), ("involved_to", ended)]:
        data |= {f"{name}-day": parts[0], f"{name}-month": parts[1], f"{name}-year": parts[2]}
    before = InvolvedWorker.objects.count()
    response = signed_in(held.users["police_imr"]).post(new_url(held), data)
    assert response.status_code in (200, 302)
    event("saved" if response.status_code == 302 else "refused")
    if response.status_code == 200:
        assert error_summary(response), "a refused form says why"
        assert InvolvedWorker.objects.count() == before
    else:
        worker = InvolvedWorker.objects.latest("pk")
        assert worker.full_name == " ".join(full_name.split())
        assert worker.email == email.strip().lower()
        assert worker.involved_from is None or worker.involved_from <= today()
        if worker.involved_from and worker.involved_to:
            assert worker.involved_from <= worker.involved_to
        InvolvedWorker.objects.filter(pk=worker.pk).delete()  # so a later example may reuse the email
