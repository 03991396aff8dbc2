"""The agencies API and API tokens: what a board manager can do, and how refusals are answered."""

import pytest
from django.test import Client

from casereview.accounts.models import Agency, ApiToken, Role
from casereview.accounts.services import agency_create, api_token_create, api_token_revoke
from casereview.core.errors import NotAllowed
from tests.factories import UserFactory, grant
from tests.web import api_call, bearer, signed_in


@pytest.fixture
def police(board, manager):
    return agency_create(actor=manager, board=board, name="Northshire Police", kind="police")


def test_manager_adds_an_agency(manager, board):
    body = {"board_id": board.pk, "name": "  Northbridge Homes ", "kind": "housing"}
    response = api_call(signed_in(manager), "POST", "/api/agencies", body)
    assert response.status_code == 201
    assert response.json() | {"id": 0} == {
        "id": 0,
        "board_id": board.pk,
        "name": "Northbridge Homes",
        "kind": "housing",
    }
    assert Agency.objects.get(pk=response.json()["id"]).board == board


def test_manager_renames_an_agency(manager, police):
    body = {"name": "Northshire Constabulary", "kind": "police"}
    response = api_call(bearer(manager), "PUT", f"/api/agencies/{police.pk}", body)
    assert response.status_code == 200
    assert Agency.objects.get(pk=police.pk).name == "Northshire Constabulary"


def test_list_filters_by_board_and_refuses_a_board_not_yours(manager, board, police, other_board, other_manager):
    agency_create(actor=other_manager, board=other_board, name="Southmoor Police", kind="police")
    client = signed_in(manager)
    assert [a["name"] for a in api_call(client, "GET", f"/api/agencies?board_id={board.pk}").json()] == [
        "Northshire Police"
    ]
    assert api_call(client, "GET", f"/api/agencies?board_id={other_board.pk}").status_code == 404


def test_duplicate_agency_name_answers_400_with_the_field(manager, board, police):
    body = {"board_id": board.pk, "name": "northshire police", "kind": "police"}
    response = api_call(signed_in(manager), "POST", "/api/agencies", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": "This board already has an agency called northshire police"}
    assert Agency.objects.count() == 1


def test_unknown_kind_answers_422(manager, board):
    body = {"board_id": board.pk, "name": "Ambulance", "kind": "ambulance"}
    response = api_call(signed_in(manager), "POST", "/api/agencies", body)
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]
    assert not Agency.objects.exists()


def test_unknown_field_answers_422_naming_it(manager, police):
    body = {"name": "Police", "kind": "police", "board_id": 7}  # the board cannot be changed
    response = api_call(signed_in(manager), "PUT", f"/api/agencies/{police.pk}", body)
    assert response.status_code == 422
    assert "board_id" in response.json()["errors"]


def test_wrong_type_answers_422(manager, board):
    response = api_call(
        signed_in(manager), "POST", "/api/agencies", {"board_id": [board.pk], "name": 3, "kind": "police"}
    )
    assert response.status_code == 422
    assert {"board_id", "name"} <= set(response.json()["errors"])


def test_agency_name_with_nul_or_too_long_answers_400(manager, board):
    client = signed_in(manager)
    for name in ["Police\x00", "P" * 201]:
        response = api_call(client, "POST", "/api/agencies", {"board_id": board.pk, "name": name, "kind": "police"})
        assert response.status_code == 400
        assert "name" in response.json()["errors"]
    assert not Agency.objects.exists()


def test_board_member_cannot_add_an_agency_and_is_told_not_found(board):
    member = UserFactory()
    grant(member, Role.BOARD_MEMBER, board)
    body = {"board_id": board.pk, "name": "Homes", "kind": "housing"}
    response = api_call(signed_in(member), "POST", "/api/agencies", body)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "errors": {}}


# -- Tokens ---------------------------------------------------------------------------------------------


def test_token_is_kept_only_as_a_hash(manager):
    token, key = api_token_create(actor=manager, user=manager, name="Nightly export")
    assert key.startswith("crv_")
    assert token.key_hash == ApiToken.hash(key)
    assert key not in {token.key_hash, token.name}


def test_revoked_token_answers_401_and_other_tokens_still_work(manager):
    token, key = api_token_create(actor=manager, user=manager, name="Old script")
    _other, other_key = api_token_create(actor=manager, user=manager, name="New script")
    api_token_revoke(actor=manager, token=token)
    revoked = Client(headers={"Authorization": f"Bearer {key}"})
    current = Client(headers={"Authorization": f"Bearer {other_key}"})
    assert api_call(revoked, "GET", "/api/agencies").status_code == 401
    assert api_call(current, "GET", "/api/agencies").status_code == 200


def test_token_acts_as_its_user_only(manager, other_manager, police):
    """A token of board B's manager sees nothing of board A."""
    client = bearer(other_manager)
    assert api_call(client, "GET", f"/api/agencies/{police.pk}").status_code == 404
    assert api_call(client, "GET", "/api/agencies").json() == []


def test_nobody_creates_or_revokes_a_token_for_someone_else(manager, chair):
    with pytest.raises(NotAllowed):
        api_token_create(actor=chair, user=manager, name="Sneaky")
    token, _key = api_token_create(actor=manager, user=manager, name="Mine")
    with pytest.raises(NotAllowed):
        api_token_revoke(actor=chair, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_session_and_token_are_both_accepted_and_neither_is_required_twice(manager):
    assert api_call(signed_in(manager), "GET", "/api/agencies").status_code == 200
    assert api_call(bearer(manager), "GET", "/api/agencies").status_code == 200
    assert api_call(Client(), "GET", "/api/agencies").status_code == 401
