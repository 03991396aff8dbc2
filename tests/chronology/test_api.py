"""The agency chronology API: versions, entries one by one and in bulk (all or nothing, with row errors), changes,
submission and its lock, and the same walls as the pages."""

import pytest

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.models import ChronologyEntry, ChronologyVersion
from casereview.chronology.services import entry_add
from tests.chronology.entries_world import build_chronology_world, entry_values
from tests.web import api_call, bearer, signed_in


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    return build_chronology_world(board, manager, chair)


def path(world, tail: str) -> str:
    return f"/api/reviews/{world.review.pk}/chronology/{tail}"


ENTRY = {"date": "31/03/2021 14:30", "what_happened": "Police attended.", "significance": "significant"}


def test_imr_author_compiles_and_submits_through_the_api(world):
    client = bearer(world.users["police_imr"])
    draft = api_call(client, "POST", path(world, f"agencies/{world.police.pk}/draft"))
    assert draft.status_code == 200
    assert draft.json() | {"created_at": None} == {
        "id": draft.json()["id"],
        "agency_id": world.police.pk,
        "agency_name": "Northshire Police",
        "number": 1,
        "state": "draft",
        "entries": 0,
        "created_by": "Police Imr",
        "created_at": None,
        "submitted_by": None,
        "submitted_at": None,
    }
    version = draft.json()["id"]
    body = ENTRY | {"people": [world.child.pk], "source_kind": "record", "source_file_id": world.police_file.pk}
    added = api_call(client, "POST", path(world, f"versions/{version}/entries"), body)
    assert added.status_code == 201
    entry = added.json()
    assert (entry["date_text"], entry["occurred_on"], entry["occurred_at"], entry["precision"]) == (
        "31/03/2021 14:30",
        "2021-03-31",
        "14:30",
        "datetime",
    )
    assert entry["people"] == [{"id": world.child.pk, "pseudonym": "Child A"}]
    assert entry["source_file_id"] == world.police_file.pk and entry["sequence"] == 1

    changed = api_call(client, "PUT", path(world, f"entries/{entry['id']}"), ENTRY | {"what_happened": "Changed."})
    assert changed.status_code == 200 and changed.json()["what_happened"] == "Changed."
    assert changed.json()["people"] == [] and changed.json()["source_kind"] == ""  # PUT replaces the whole entry

    submitted = api_call(client, "POST", path(world, f"versions/{version}/submit"))
    assert submitted.status_code == 200
    assert (submitted.json()["state"], submitted.json()["entries"]) == ("submitted", 1)

    again = api_call(client, "POST", path(world, f"versions/{version}/entries"), ENTRY)
    assert again.status_code == 409
    assert again.json()["detail"].endswith("start a new version to change it")
    removed = api_call(client, "DELETE", path(world, f"entries/{entry['id']}"))
    assert removed.status_code == 409


def test_bulk_adds_every_entry(world):
    version = world.draft()
    rows = [ENTRY, ENTRY | {"date": "?22 May 2016", "people": [world.mother.pk]}, ENTRY | {"date": "March 2021"}]
    response = api_call(
        bearer(world.users["police_imr"]), "POST", path(world, f"versions/{version.pk}/entries/bulk"), rows
    )
    assert response.status_code == 201
    assert response.json()["added"] == 3 and len(response.json()["ids"]) == 3
    stored = ChronologyEntry.objects.filter(version=version).order_by("pk")
    assert [e.precision for e in stored] == ["datetime", "approximate", "month"]
    assert list(stored[1].people.all()) == [world.mother]


def test_bulk_refuses_all_with_every_problem_by_row(world):
    version = world.draft()
    rows = [ENTRY, ENTRY | {"date": "31/02/2021"}, ENTRY, ENTRY | {"what_happened": "", "people": [999999]}]
    response = api_call(
        bearer(world.users["police_imr"]), "POST", path(world, f"versions/{version.pk}/entries/bulk"), rows
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "row 2": "31/02/2021 is not a real date: February 2021 has 28 days",
        "row 4": "Enter what happened; Choose people from this review's people register",
    }
    assert not ChronologyEntry.objects.exists()


def test_bulk_of_the_wrong_shape_is_refused_before_the_service(world):
    version = world.draft()
    response = api_call(
        bearer(world.users["police_imr"]), "POST", path(world, f"versions/{version.pk}/entries/bulk"), [{"when": "x"}]
    )
    assert response.status_code == 422
    assert not ChronologyEntry.objects.exists()


def test_entries_are_listed_in_time_order_a_page_at_a_time_and_the_read_audited(world):
    version = world.draft()
    for date in ["02/04/2021", "01/04/2021", "March 2021"]:
        entry_add(actor=world.users["police_imr"], version=version, **entry_values(date=date))
    response = api_call(bearer(world.users["police_senior"]), "GET", path(world, f"versions/{version.pk}/entries"))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 1)
    assert [e["date_text"] for e in body["entries"]] == ["March 2021", "01/04/2021", "02/04/2021"]
    assert AuditEvent.objects.filter(action="chronology.viewed", data__via="api").count() == 1


def test_the_panel_lists_submitted_versions_only(world):
    submitted = world.submitted()
    draft = world.draft()
    client = bearer(world.users[Role.LEAD_REVIEWER])
    versions = api_call(client, "GET", path(world, f"agencies/{world.police.pk}/versions"))
    assert [v["id"] for v in versions.json()] == [submitted.pk]
    assert api_call(client, "GET", path(world, f"versions/{submitted.pk}/entries")).status_code == 200
    hidden = api_call(client, "GET", path(world, f"versions/{draft.pk}/entries"))
    assert hidden.status_code == 404 and hidden.json() == {"detail": "Not found", "errors": {}}
    own = api_call(bearer(world.users["police_senior"]), "GET", path(world, f"agencies/{world.police.pk}/versions"))
    assert [v["state"] for v in own.json()] == ["submitted", "draft"]


def test_the_panel_cannot_change_a_submitted_entry(world):
    version = world.submitted()
    entry = version.entries.get()
    client = signed_in(world.users[Role.PANEL_CHAIR])
    assert api_call(client, "PUT", path(world, f"entries/{entry.pk}"), ENTRY).status_code == 404
    assert api_call(client, "DELETE", path(world, f"entries/{entry.pk}")).status_code == 404


@pytest.mark.parametrize("who", ["health_imr", "health_senior", "board_chair", Role.WORKER])
def test_another_agency_sees_nothing_of_this_one(world, who):
    version = world.submitted()
    client = bearer(world.users[who])
    assert api_call(client, "GET", path(world, f"agencies/{world.police.pk}/versions")).status_code == 404
    assert api_call(client, "GET", path(world, f"versions/{version.pk}/entries")).status_code == 404
    assert api_call(client, "POST", path(world, f"agencies/{world.police.pk}/draft")).status_code == 404
    assert ChronologyVersion.objects.count() == 1


def test_an_entry_with_bad_values_answers_each_field(world):
    version = world.draft()
    body = {"date": "text", "what_happened": "", "significance": "urgent", "source_file_id": 424242}
    response = api_call(bearer(world.users["police_imr"]), "POST", path(world, f"versions/{version.pk}/entries"), body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"date", "what_happened", "significance", "source_file"}


def test_submitting_an_empty_draft_is_a_conflict(world):
    version = world.draft()
    response = api_call(bearer(world.users["police_imr"]), "POST", path(world, f"versions/{version.pk}/submit"))
    assert response.status_code == 409
    assert response.json()["detail"] == "Add at least one entry before you submit the chronology"


def test_starting_a_new_version_through_the_api_keeps_the_entry_keys(world):
    first = world.submitted()
    response = api_call(bearer(world.users["police_imr"]), "POST", path(world, f"agencies/{world.police.pk}/draft"))
    assert response.json()["number"] == 2 and response.json()["entries"] == 1
    keys = set(ChronologyEntry.objects.filter(version_id=response.json()["id"]).values_list("key", flat=True))
    assert keys == set(first.entries.values_list("key", flat=True))
