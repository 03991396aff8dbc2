"""Fixtures shared by every test: boards, their staff, and logged-in clients."""

import pytest
from django.test import Client

from casereview.accounts.models import Role
from tests.factories import UserFactory, grant, make_board_with_staff, scr
from tests.web import two_factor_verified


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    """A board with its board manager and board chair."""
    return make_board_with_staff()


@pytest.fixture
def board(staff):
    return staff.board


@pytest.fixture
def manager(staff):
    return staff.manager


@pytest.fixture
def chair(staff):
    return staff.chair


@pytest.fixture
def member(board):
    """A board member: reads the board's reviews, changes nothing."""
    user = UserFactory(full_name="Morgan Member")
    grant(user, Role.BOARD_MEMBER, board)
    return user


@pytest.fixture
def other_staff(db):
    """A second board, with its own manager and chair, for isolation tests."""
    return make_board_with_staff()


@pytest.fixture
def other_board(other_staff):
    return other_staff.board


@pytest.fixture
def other_manager(other_staff):
    return other_staff.manager


@pytest.fixture
def other_chair(other_staff):
    return other_staff.chair


@pytest.fixture
def outsider(db):
    """A signed-up user with no memberships at all."""
    return UserFactory(full_name="Olly Outsider")


@pytest.fixture
def review_type(db):
    return scr()


@pytest.fixture
def client_for(db):
    """client_for(user): a Django test client signed in as `user`."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return two_factor_verified(client, user)

    return make
