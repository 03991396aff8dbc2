"""Agencies, memberships and API tokens: written only by the services, each write audited."""

import hashlib

import pytest

from casereview.accounts.models import Agency, AgencyKind, ApiToken, Membership, Role
from casereview.accounts.services import (
    agency_change,
    agency_create,
    api_token_create,
    api_token_revoke,
    membership_grant,
    membership_revoke,
)
from casereview.audit.models import AuditEvent
from casereview.core.errors import Invalid, NotAllowed
from tests.factories import AgencyFactory, UserFactory, decided_review, referred_review


def refusal(error_class, call, **kwargs) -> dict[str, str]:
    with pytest.raises(error_class) as caught:
        call(**kwargs)
    return caught.value.errors


# --- Agencies -------------------------------------------------------------------------------------------


def test_manager_creates_an_agency_and_it_is_audited(board, manager):
    agency = agency_create(actor=manager, board=board, name="  Northbury Police ", kind=AgencyKind.POLICE)

    assert (agency.board, agency.name, agency.kind) == (board, "Northbury Police", "police")
    event = AuditEvent.objects.get(action="agency.created")
    assert (event.actor, event.board, event.object_id) == (manager, board, str(agency.pk))
    assert event.data == {"name": "Northbury Police", "kind": "police"}


def test_agency_create_refuses_a_name_the_board_already_has_whatever_its_case(board, manager):
    agency_create(actor=manager, board=board, name="Northbury Police", kind="police")

    errors = refusal(Invalid, agency_create, actor=manager, board=board, name="NORTHBURY police", kind="police")

    assert errors == {"name": "This board already has an agency called NORTHBURY police"}
    assert board.agencies.count() == 1


def test_agency_name_may_repeat_on_another_board(board, manager, other_board, other_manager):
    agency_create(actor=manager, board=board, name="County Police", kind="police")

    assert agency_create(actor=other_manager, board=other_board, name="County Police", kind="police").pk


@pytest.mark.parametrize(
    ("name", "kind", "errors"),
    [
        ("Northbury Police", "army", {"kind": "Choose what kind of agency it is"}),
        ("Northbury Police", "", {"kind": "Choose what kind of agency it is"}),
        ("   ", "police", {"name": "Enter the name of the agency"}),
        ("", "army", {"name": "Enter the name of the agency", "kind": "Choose what kind of agency it is"}),
    ],
)
def test_agency_create_refuses_invalid_details(board, manager, name, kind, errors):
    assert refusal(Invalid, agency_create, actor=manager, board=board, name=name, kind=kind) == errors
    assert not Agency.objects.exists()


@pytest.mark.parametrize("who", ["chair", "member", "other_manager", "outsider"])
def test_only_the_boards_manager_may_create_agencies(request, board, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        agency_create(actor=actor, board=board, name="Northbury Police", kind="police")
    assert not Agency.objects.exists()
    assert not AuditEvent.objects.filter(action="agency.created").exists()


def test_agency_change_renames_and_audits(board, manager):
    agency = agency_create(actor=manager, board=board, name="Northbury Police", kind="police")

    agency_change(actor=manager, agency=agency, name="Northshire Police", kind="police")

    assert Agency.objects.get(pk=agency.pk).name == "Northshire Police"
    assert AuditEvent.objects.latest("id").action == "agency.changed"


def test_agency_change_may_keep_its_own_name(board, manager):
    agency = agency_create(actor=manager, board=board, name="Northbury Police", kind="police")

    assert agency_change(actor=manager, agency=agency, name="Northbury police", kind="other").kind == "other"


def test_agency_change_refuses_another_agencys_name(board, manager):
    agency_create(actor=manager, board=board, name="Northbury Police", kind="police")
    school = agency_create(actor=manager, board=board, name="Northbury Schools", kind="education")

    errors = refusal(Invalid, agency_change, actor=manager, agency=school, name="northbury police", kind="education")

    assert errors == {"name": "This board already has an agency called northbury police"}
    assert Agency.objects.get(pk=school.pk).name == "Northbury Schools"


def test_agency_change_refuses_a_wrong_kind(board, manager):
    agency = agency_create(actor=manager, board=board, name="Northbury Police", kind="police")

    assert refusal(Invalid, agency_change, actor=manager, agency=agency, name="Northbury Police", kind="x") == {
        "kind": "Choose what kind of agency it is"
    }


@pytest.mark.parametrize("who", ["chair", "member", "other_manager"])
def test_only_the_boards_manager_may_change_agencies(request, board, manager, who):
    agency = agency_create(actor=manager, board=board, name="Northbury Police", kind="police")

    with pytest.raises(NotAllowed):
        agency_change(actor=request.getfixturevalue(who), agency=agency, name="Hijacked", kind="police")
    assert Agency.objects.get(pk=agency.pk).name == "Northbury Police"


# --- Memberships ---------------------------------------------------------------------------------------


def test_manager_grants_a_board_role_and_it_is_audited(board, manager):
    user = UserFactory()

    membership = membership_grant(actor=manager, user=user, role=Role.BOARD_MEMBER, board=board)

    assert (membership.user, membership.role, membership.board) == (user, Role.BOARD_MEMBER, board)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.board) == ("membership.granted", manager, board)
    assert event.data == {"user": user.pk, "role": Role.BOARD_MEMBER, "agency": None}


def test_system_grant_is_audited_without_an_actor(board):
    user = UserFactory()

    membership_grant(actor=None, user=user, role=Role.BOARD_CHAIR, board=board)

    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor) == ("membership.granted", None)


def test_grant_on_a_review_is_audited_against_the_review(board, manager, chair):
    review = decided_review(board, manager, chair)
    user = UserFactory()

    membership_grant(actor=manager, user=user, role=Role.PANEL_CHAIR, board=board, review=review)

    event = AuditEvent.objects.latest("id")
    assert (event.action, event.review, event.board) == ("membership.granted", review, board)


def test_grant_takes_effect_at_once_for_the_user_object_given(board, manager):
    user = UserFactory()
    assert not user.has_perm("accounts.view_agencies", board)

    membership_grant(actor=manager, user=user, role=Role.BOARD_MEMBER, board=board)

    assert user.has_perm("accounts.view_agencies", board)


@pytest.mark.parametrize("who", ["chair", "member", "other_manager"])
def test_only_the_boards_manager_may_grant_roles(request, board, who):
    user = UserFactory()

    with pytest.raises(NotAllowed):
        membership_grant(actor=request.getfixturevalue(who), user=user, role=Role.BOARD_MANAGER, board=board)
    assert not Membership.objects.filter(user=user).exists()


def invalid_grants(board, other_board, manager):
    review = referred_review(board, manager)
    return {
        "review role without a review": dict(role=Role.WORKER),
        "agency role without an agency": dict(role=Role.IMR_AUTHOR),
        "agency of another board": dict(role=Role.IMR_AUTHOR, agency=AgencyFactory(board=other_board)),
        "board role on a review": dict(role=Role.BOARD_MEMBER, review=review),
        "unknown role": dict(role="overlord"),
    }


@pytest.mark.parametrize(
    ("case", "errors"),
    [
        ("review role without a review", {"review": "Choose the review this worker is on"}),
        ("agency role without an agency", {"agency": "Choose the agency this agency imr author is in"}),
        ("agency of another board", {"agency": "Choose an agency of this board"}),
        ("board role on a review", {"role": "A board member belongs to the whole board"}),
        ("unknown role", {"role": "Value 'overlord' is not a valid choice."}),
    ],
)
def test_membership_grant_refuses_a_grant_that_makes_no_sense(board, other_board, manager, case, errors):
    user = UserFactory()
    kwargs = invalid_grants(board, other_board, manager)[case]

    assert refusal(Invalid, membership_grant, actor=manager, user=user, board=board, **kwargs) == errors
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="membership.granted", data__user=user.pk).exists()


def test_membership_grant_refuses_a_duplicate_saying_the_user_already_has_the_role(board, manager):
    user = UserFactory(full_name="Dana Duplicate")
    membership_grant(actor=manager, user=user, role=Role.BOARD_MEMBER, board=board)

    errors = refusal(Invalid, membership_grant, actor=manager, user=user, role=Role.BOARD_MEMBER, board=board)

    assert errors == {"role": "Dana Duplicate already has this role here"}
    assert Membership.objects.filter(user=user).count() == 1


def test_membership_grant_refuses_a_duplicate_on_a_review_for_an_agency(board, manager, chair):
    review = decided_review(board, manager, chair)
    agency = AgencyFactory(board=board)
    user = UserFactory(full_name="Ivy Author")
    membership_grant(actor=manager, user=user, role=Role.IMR_AUTHOR, board=board, agency=agency, review=review)

    errors = refusal(
        Invalid,
        membership_grant,
        actor=manager,
        user=user,
        role=Role.IMR_AUTHOR,
        board=board,
        agency=agency,
        review=review,
    )

    assert errors == {"role": "Ivy Author already has this role here"}


def test_agency_create_refuses_a_null_character_in_the_name(board, manager):
    errors = refusal(Invalid, agency_create, actor=manager, board=board, name="Police\x00", kind="police")

    assert errors == {"name": "Remove the null character from the name"}


def test_same_role_on_two_reviews_is_two_memberships(board, manager, chair):
    first = decided_review(board, manager, chair)
    second = decided_review(board, manager, chair, subject_pseudonym="Child B")
    user = UserFactory()

    membership_grant(actor=manager, user=user, role=Role.PANEL_MEMBER, board=board, review=first)
    membership_grant(actor=manager, user=user, role=Role.PANEL_MEMBER, board=board, review=second)

    assert Membership.objects.filter(user=user).count() == 2


def test_membership_revoke_removes_audits_and_takes_effect_at_once(board, manager):
    user = UserFactory()
    membership = membership_grant(actor=manager, user=user, role=Role.BOARD_MEMBER, board=board)
    assert user.has_perm("accounts.view_agencies", board)
    membership.user = user  # the same object, whose cached grants must be forgotten

    membership_revoke(actor=manager, membership=membership)

    assert not Membership.objects.filter(user=user).exists()
    assert not user.has_perm("accounts.view_agencies", board)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.data) == ("membership.revoked", {"user": user.pk, "role": Role.BOARD_MEMBER})


def test_only_the_boards_manager_may_revoke_roles(board, chair, member):
    membership = Membership.objects.get(user=member)

    with pytest.raises(NotAllowed):
        membership_revoke(actor=chair, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- API tokens ------------------------------------------------------------------------------------------


def test_api_token_stores_only_the_hash_of_the_key(manager):
    token, key = api_token_create(actor=manager, user=manager, name="  Reporting script  ")

    token = ApiToken.objects.get(pk=token.pk)
    assert key.startswith("crv_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.name == "Reporting script"
    assert key not in {str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()}


def test_api_token_key_is_not_written_to_the_audit_log(manager):
    token, key = api_token_create(actor=manager, user=manager, name="Script")

    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.object_id, event.data) == (manager, str(token.pk), {"name": "Script"})
    assert key not in str(event.data)


def test_api_tokens_have_different_keys(manager):
    (_, first), (_, second) = (
        api_token_create(actor=manager, user=manager, name="a"),
        api_token_create(actor=manager, user=manager, name="b"),
    )

    assert first != second


def test_api_token_without_a_name_is_called_api_token(manager):
    token, _key = api_token_create(actor=None, user=manager, name="")

    assert token.name == "API token"
    assert AuditEvent.objects.latest("id").actor == manager


def test_api_token_cannot_be_created_for_someone_else(manager, chair):
    with pytest.raises(NotAllowed):
        api_token_create(actor=manager, user=chair, name="Sneaky")
    assert not ApiToken.objects.exists()


def test_api_token_revoke_marks_it_revoked_and_audits(manager):
    token, _key = api_token_create(actor=manager, user=manager, name="Script")

    api_token_revoke(actor=manager, token=token)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.latest("id").action == "api_token.revoked"


def test_api_token_of_someone_else_cannot_be_revoked(manager, chair):
    token, _key = api_token_create(actor=chair, user=chair, name="Chair's script")

    with pytest.raises(NotAllowed):
        api_token_revoke(actor=manager, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
