"""Loading boards and agencies: nothing of one board is visible to another."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from casereview.accounts.models import Membership, Role
from casereview.accounts.selectors import (
    agencies_visible_to,
    agency_for_user_or_404,
    board_for_user_or_404,
    boards_of,
    boards_user_may_manage,
    forget_grants,
    grants_of,
)
from tests.factories import AgencyFactory, UserFactory, decided_review, grant


@pytest.fixture
def agencies(board, other_board):
    return AgencyFactory(board=board, name="Northbury Police"), AgencyFactory(
        board=other_board, name="Southmoor Police"
    )


def test_manager_sees_only_their_boards_agencies(agencies, manager, other_manager):
    mine, theirs = agencies

    assert list(agencies_visible_to(manager)) == [mine]
    assert list(agencies_visible_to(other_manager)) == [theirs]


def test_agencies_of_a_board_the_user_is_not_on_are_empty(agencies, manager, other_board):
    assert not agencies_visible_to(manager, board=other_board).exists()


@pytest.mark.parametrize("pk", ["theirs", 999_999, "abc", None])
def test_agency_for_user_or_404_hides_other_boards_missing_and_garbage_pks(agencies, manager, pk):
    pk = agencies[1].pk if pk == "theirs" else pk

    with pytest.raises(Http404):
        agency_for_user_or_404(manager, pk)


def test_agency_for_user_or_404_finds_an_agency_of_the_board(agencies, manager):
    assert agency_for_user_or_404(manager, str(agencies[0].pk)) == agencies[0]


def test_boards_of_lists_every_board_the_user_holds_a_role_on(board, other_board, manager, other_manager):
    grant(manager, Role.BOARD_MEMBER, other_board)

    assert set(boards_of(manager)) == {board, other_board}
    assert list(boards_of(other_manager)) == [other_board]


@pytest.mark.parametrize("pk", ["other", 999_999, "abc", None])
def test_board_for_user_or_404_hides_other_boards_missing_and_garbage_pks(board, other_board, manager, pk):
    pk = other_board.pk if pk == "other" else pk

    with pytest.raises(Http404):
        board_for_user_or_404(manager, pk)


def test_board_for_user_or_404_finds_the_users_board(board, manager):
    assert board_for_user_or_404(manager, board.pk) == board


def test_only_board_managers_may_manage_a_board(board, other_board, manager, chair, member):
    assert list(boards_user_may_manage(manager)) == [board]
    assert not boards_user_may_manage(chair).exists()
    assert not boards_user_may_manage(member).exists()


def test_a_review_role_gives_sight_of_its_board_but_not_management(board, manager, chair, agencies):
    review = decided_review(board, manager, chair)
    worker = UserFactory()
    grant(worker, Role.WORKER, board, review=review)

    assert list(boards_of(worker)) == [board]
    assert list(agencies_visible_to(worker)) == [agencies[0]]
    assert not boards_user_may_manage(worker).exists()


def test_user_with_no_memberships_sees_no_board_and_no_agency(agencies, outsider):
    assert grants_of(outsider) == []
    assert not boards_of(outsider).exists()
    assert not agencies_visible_to(outsider).exists()
    with pytest.raises(Http404):
        agency_for_user_or_404(outsider, agencies[0].pk)


def test_anonymous_and_deactivated_users_hold_no_grants(board, manager):
    manager.is_active = False

    assert grants_of(AnonymousUser()) == []
    assert grants_of(manager) == []


def test_grants_are_cached_per_user_object_until_forgotten(board, other_board, manager):
    assert [g.board_id for g in grants_of(manager)] == [board.pk]
    # Granting through the service forgets the cache of the user object it was given.
    grant(manager, Role.BOARD_MEMBER, other_board)
    assert {g.board_id for g in grants_of(manager)} == {board.pk, other_board.pk}

    Membership.objects.filter(user=manager, board=other_board).delete()
    assert {g.board_id for g in grants_of(manager)} == {board.pk, other_board.pk}  # still cached
    forget_grants(manager)
    assert {g.board_id for g in grants_of(manager)} == {board.pk}
