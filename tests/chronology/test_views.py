"""The agency chronology pages through the test client: the chronologies page, an agency's entries and versions,
adding, changing and removing entries without JavaScript, submitting, and who sees which page."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.chronology.services import chronology_submit, entries_add_bulk, entry_add
from tests.chronology.entries_world import build_chronology_world, entry_values
from tests.web import blank_submission, error_summary, field_error, page, signed_in

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


def url(world, name, *args, agency=None):
    return reverse(f"chronology:{name}", args=[world.review.pk, (agency or world.police).pk, *args])


def form_data(world, **overrides) -> dict:
    data = {
        "date": "31/03/2021 14:30",
        "sequence": "",
        "what_happened": "Police attended the family home.",
        "action": "Officers spoke to Mother.",
        "outcome": "Referral to children's social care.",
        "significance": "key",
        "people": [world.child.pk, world.mother.pk],
        "practitioners": "PC 1234",
        "source_kind": "record",
        "source_file": world.police_file.pk,
        "source_reference": "Page 4",
        "analysis": "",
    }
    return data | overrides


# -- The chronologies page -------------------------------------------------------------------------------------


def test_chronologies_page_shows_each_agencys_state_to_the_panel(world):
    world.submitted()
    world.draft(world.health, "health_imr")
    response = signed_in(world.users[Role.LEAD_REVIEWER]).get(reverse("chronology:agencies", args=[world.review.pk]))
    assert response.status_code == 200
    rows = {row.children[0].text: row.text for row in page(response).find_all("tr")[1:]}
    assert "Submitted" in rows["Northshire Police"] and "Version 1, submitted on" in rows["Northshire Police"]
    assert "Not submitted yet" in rows["Northshire NHS Trust"]  # its draft is not shown
    assert "Draft" not in rows["Northshire NHS Trust"]


def test_chronologies_page_shows_an_agency_only_its_own(world):
    world.draft()
    response = signed_in(world.users["police_senior"]).get(reverse("chronology:agencies", args=[world.review.pk]))
    text = page(response).find("table").text
    assert "Northshire Police" in text and "Draft" in text and "Version 1, started on" in text
    assert "Northshire NHS Trust" not in text


# -- An agency's chronology -------------------------------------------------------------------------------------


def test_imr_author_starts_the_chronology_and_adds_an_entry_without_javascript(world):
    client = signed_in(world.users["police_imr"])
    agency_page = page(client.get(url(world, "agency")))
    assert "has not started its chronology" in agency_page.find("main").text
    assert agency_page.find("a", href=url(world, "version-new")).text == "Start the chronology"

    response = client.post(url(world, "version-new"))
    assert response.status_code == 302 and response["Location"] == url(world, "agency")
    version = ChronologyVersion.objects.get()

    response = client.post(url(world, "entry-new"), form_data(world))
    assert response.status_code == 302 and response["Location"] == url(world, "agency")
    entry = ChronologyEntry.objects.get(version=version)
    assert (entry.date_text, entry.precision, entry.significance, entry.source_file) == (
        "31/03/2021 14:30",
        "datetime",
        "key",
        world.police_file,
    )
    assert set(entry.people.all()) == {world.child, world.mother}

    doc = page(client.get(url(world, "agency")))
    cells = [cell.text for cell in doc.find_all("td")]
    assert cells[:7] == [
        "31 March 2021, 2:30pm",
        "Police attended the family home. Practitioners: PC 1234",
        "Officers spoke to Mother.",
        "Referral to children's social care.",
        "Key practice episode",
        "Custody record, version 1: Page 4",
        "Child A, Mother",
    ]


def test_entry_form_offers_the_register_by_pseudonym_and_the_agencys_files(world):
    response = signed_in(world.users["police_imr"]).get(_entry_new(world))
    doc = page(response)
    people = {element.attrs["value"]: element for element in doc.find_all("input", name="people")}
    assert set(people) == {str(world.child.pk), str(world.mother.pk)}
    labels = {label.text for label in doc.find_all("label") if label.attrs.get("for", "").startswith("id_people")}
    assert labels == {"Child A", "Mother"}
    assert "Maria Example" not in response.content.decode()  # real names stay on the register
    options = [option.text for option in doc.find(id="id_source_file").children]
    assert options == ["Choose a file", "Custody record, version 1 (custody record.pdf)"]
    assert doc.find(id="id_date-hint").text == "For example 31/03/2021, 31/03/2021 14:30, March 2021 or ?22 May 2016"


def _entry_new(world):
    world.draft()
    return url(world, "entry-new")


def test_blank_entry_form_says_what_to_enter(world):
    client = signed_in(world.users["police_imr"])
    address = _entry_new(world)
    response = client.post(address, blank_submission(client, address))
    assert response.status_code == 200
    assert set(error_summary(response)) == {"Enter the date, like 31/03/2021 or March 2021", "Enter what happened"}
    assert field_error(response, "id_date") == "Enter the date, like 31/03/2021 or March 2021"
    assert not ChronologyEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "31/02/2021"}, "id_date", "31/02/2021 is not a real date: February 2021 has 28 days"),
        ({"date": "03/31/2021"}, "id_date", "There is no month 31: write the day first, like 31/03/2021"),
        ({"source_file": ""}, "id_source_file", "Choose the file in the records vault the entry comes from"),
        (
            {"source_kind": "interview", "source_reference": ""},
            "id_source_reference",
            "Enter which interview the entry comes from, for example the worker's role and the date",
        ),
        ({"sequence": "0"}, "id_sequence", "Enter the order on the day as a whole number from 1 to 99999"),
        ({"what_happened": "Seen\x00"}, "id_what_happened", "Remove the null character from the what happened"),
    ],
)
def test_entry_form_shows_each_refusal_on_its_field(world, overrides, field, message):
    response = signed_in(world.users["police_imr"]).post(_entry_new(world), form_data(world, **overrides))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert error_summary(response)[message] == field
    assert not ChronologyEntry.objects.exists()


def test_interview_source_ignores_a_file_left_chosen(world):
    data = form_data(world, source_kind="interview", source_reference="Interview with the duty sergeant")
    response = signed_in(world.users["police_imr"]).post(_entry_new(world), data)
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get()
    assert (entry.source_kind, entry.source_file, entry.source_reference) == (
        "interview",
        None,
        "Interview with the duty sergeant",
    )


def test_change_page_shows_the_entry_and_saves_the_change(world):
    version = world.draft()
    entry = entry_add(actor=world.users["police_imr"], version=version, **entry_values(people=[world.mother.pk]))
    client = signed_in(world.users["police_imr"])
    doc = page(client.get(url(world, "entry", entry.pk)))
    assert doc.find(id="id_date").attrs["value"] == "31/03/2021"
    assert doc.find("input", name="people", value=str(world.mother.pk)).attrs.get("checked") is not None
    response = client.post(url(world, "entry", entry.pk), form_data(world, date="?22 May 2016", people=[]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.date_text, entry.precision, list(entry.people.all())) == ("?22 May 2016", "approximate", [])


def test_remove_page_asks_then_removes(world):
    version = world.draft()
    entry = entry_add(actor=world.users["police_imr"], version=version, **entry_values())
    client = signed_in(world.users["police_imr"])
    doc = page(client.get(url(world, "entry-remove", entry.pk)))
    assert doc.find("h1").text == "Remove this entry?"
    response = client.post(url(world, "entry-remove", entry.pk))
    assert response.status_code == 302
    assert not ChronologyEntry.objects.exists()


def test_submit_page_asks_then_locks_the_chronology(world):
    version = world.draft()
    entry = entry_add(actor=world.users["police_imr"], version=version, **entry_values())
    client = signed_in(world.users["police_imr"])
    doc = page(client.get(url(world, "agency")))
    assert doc.find("a", href=url(world, "submit")).text == "Submit the chronology"
    assert "Once submitted, version 1 cannot be changed" in page(client.get(url(world, "submit"))).find("main").text
    response = client.post(url(world, "submit"))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.is_submitted

    doc = page(client.get(url(world, "agency")))
    assert not doc.find_all("a", href=url(world, "entry", entry.pk))  # no change links on a locked version
    assert doc.find("a", href=url(world, "version-new")).text == "Start a new version"
    response = client.get(url(world, "entry", entry.pk), follow=True)
    assert "start a new version to change it" in page(response).find("main").text


def test_submitting_an_empty_chronology_is_refused_with_a_message(world):
    world.draft()
    response = signed_in(world.users["police_imr"]).post(url(world, "submit"))
    assert response.status_code == 200
    summary = page(response).find("div", cls="govuk-error-summary").text
    assert "Add at least one entry before you submit the chronology" in summary


def test_new_version_page_says_what_is_copied(world):
    world.submitted()
    client = signed_in(world.users["police_imr"])
    doc = page(client.get(url(world, "version-new")))
    assert doc.find("h1").text == "Start version 2 of the chronology?"
    assert "a copy of the 1 entry of version 1" in doc.find("main").text
    assert client.post(url(world, "version-new")).status_code == 302
    assert ChronologyVersion.objects.filter(number=2, submitted_at__isnull=True).exists()


def test_earlier_versions_can_be_chosen(world):
    world.submitted()
    draft = world.draft()
    entry = draft.entries.get()
    entry_add(actor=world.users["police_imr"], version=draft, **entry_values(what_happened="Only in version 2"))
    client = signed_in(world.users["police_imr"])
    latest = page(client.get(url(world, "agency")))
    assert "Only in version 2" in latest.find("main").text
    options = [option.attrs["value"] for option in latest.find(id="version").children]
    assert options == ["1", "2"]
    first = page(client.get(url(world, "agency") + "?version=1"))
    assert "Only in version 2" not in first.find("main").text
    assert not first.find_all("a", href=url(world, "entry", entry.pk))
    assert client.get(url(world, "agency") + "?version=9").status_code == 404


def test_the_panel_sees_the_submitted_version_never_the_draft(world):
    world.submitted()
    draft = world.draft()
    entry_add(actor=world.users["police_imr"], version=draft, **entry_values(what_happened="Draft only"))
    response = signed_in(world.users[Role.PANEL_CHAIR]).get(url(world, "agency"))
    text = page(response).find("main").text
    assert "Draft only" not in text and "Police attended the family home" in text
    assert "Version 1" in text and "Start a new version" not in text and "Add an entry" not in text
    assert signed_in(world.users[Role.PANEL_CHAIR]).get(url(world, "agency") + "?version=2").status_code == 404


def test_the_panel_is_told_when_nothing_is_submitted(world):
    world.draft()
    text = page(signed_in(world.users[Role.LEGAL_ADVISER]).get(url(world, "agency"))).find("main").text
    assert "has not submitted its chronology yet" in text


def test_viewing_entries_is_audited(world):
    world.submitted()
    signed_in(world.users[Role.PANEL_MEMBER]).get(url(world, "agency"))
    event = AuditEvent.objects.get(action="chronology.viewed")
    assert event.actor == world.users[Role.PANEL_MEMBER]
    assert event.data["via"] == "page" and event.data["entries"] == 1


def test_entries_are_paged(world):
    version = world.draft()
    rows = [entry_values(date=f"{1 + n % 28}/01/2020", what_happened=f"Event {n}") for n in range(230)]
    entries_add_bulk(actor=world.users["police_imr"], version=version, rows=rows)
    client = signed_in(world.users["police_imr"])
    first = page(client.get(url(world, "agency")))
    entries = first.find_all("tbody")[0]
    assert len(entries.children) == 100
    assert "(page 1 of 3)" in first.find("caption").text
    third = page(client.get(url(world, "agency") + "?version=1&page=3"))
    assert "(page 3 of 3)" in third.find("caption").text


@pytest.mark.parametrize("who", ["health_imr", "health_senior", "board_chair", Role.BOARD_MEMBER, Role.WORKER])
def test_another_agency_and_those_without_a_part_get_not_found(world, who):
    world.submitted()
    client = signed_in(world.users[who])
    assert client.get(url(world, "agency")).status_code == 404


@pytest.mark.parametrize("who", ["police_senior", Role.LEAD_REVIEWER, "board_manager"])
def test_only_the_imr_author_reaches_the_pages_that_change(world, who):
    version = world.draft()
    entry = entry_add(actor=world.users["police_imr"], version=version, **entry_values())
    client = signed_in(world.users[who])
    for address in [
        url(world, "entry-new"),
        url(world, "entry", entry.pk),
        url(world, "entry-remove", entry.pk),
        url(world, "submit"),
    ]:
        assert client.get(address).status_code == 404
        assert client.post(address, form_data(world)).status_code == 404
    assert ChronologyEntry.objects.count() == 1


def test_an_entry_of_another_agency_is_not_found_under_this_one(world):
    health = world.draft(world.health, "health_imr")
    entry = entry_add(actor=world.users["health_imr"], version=health, **entry_values())
    world.draft()
    client = signed_in(world.users["police_imr"])
    assert client.get(url(world, "entry", entry.pk)).status_code == 404
    assert client.post(url(world, "entry-remove", entry.pk)).status_code == 404


# -- Free text on the entry form ----------------------------------------------------------------------------------


@FUZZ
@given(
    what_happened=st.text(max_size=400),
    practitioners=st.text(max_size=320),
    date=st.one_of(st.text(max_size=60), st.sampled_from(["31/03/2021", "?22 May 2016", "March 2021"])),
)
def test_any_text_in_the_entry_form_is_kept_as_entered_or_refused_with_a_message(
    world, what_happened, practitioners, date
):
    world.draft()  # the same draft for every example: the world is built once for the test
    before = ChronologyEntry.objects.count()
    data = form_data(world, what_happened=what_happened, practitioners=practitioners, date=date)
    response = signed_in(world.users["police_imr"]).post(url(world, "entry-new"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        entry = ChronologyEntry.objects.latest("pk")
        assert entry.what_happened == what_happened.replace("\r\n", "\n").replace("\r", "\n").strip()
        assert entry.practitioners == " ".join(practitioners.split())
        assert ChronologyEntry.objects.count() == before + 1
    else:
        assert error_summary(response)
        assert ChronologyEntry.objects.count() == before


def test_submitted_chronology_cannot_be_changed_through_a_stale_form(world):
    version = world.draft()
    entry = entry_add(actor=world.users["police_imr"], version=version, **entry_values())
    chronology_submit(actor=world.users["police_imr"], version=version)
    response = signed_in(world.users["police_imr"]).post(url(world, "entry", entry.pk), form_data(world))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.what_happened == entry_values()["what_happened"]
