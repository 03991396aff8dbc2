"""A board manager resets the authenticator app of someone on their board who lost their phone."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.accounts.models import Role
from casereview.accounts.services import two_factor_reset
from casereview.audit.models import AuditEvent
from casereview.core.errors import NotAllowed
from tests.factories import AgencyFactory, UserFactory, grant, referred_review
from tests.web import page


@pytest.fixture
def lost_phone(board, manager):
    """A panel member of one of the board's reviews, with an authenticator app."""
    user = UserFactory(full_name="Lou Lostphone", email="lou@example.org")
    grant(user, Role.PANEL_MEMBER, board, review=referred_review(board, manager))
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def test_reset_removes_the_devices_ends_the_sessions_emails_and_audits(
    board, manager, lost_phone, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=lost_phone, name="Half set up", confirmed=False)
    their_session = client_for(lost_phone)
    assert their_session.get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        removed = two_factor_reset(actor=manager, user=lost_phone)

    assert removed == 2
    assert not TOTPDevice.objects.filter(user=lost_phone).exists()
    response = their_session.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
    assert SESSION_KEY not in their_session.session
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lou@example.org"]
    assert manager.full_name in mailoutbox[0].body and board.name in mailoutbox[0].body
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert (event.actor, event.board, event.object_id, event.data) == (
        manager,
        board,
        str(lost_phone.pk),
        {"devices": 2},
    )


def test_after_a_reset_the_next_sign_in_sets_up_a_new_app(board, manager, lost_phone, client):
    lost_phone.set_password("a-long-passphrase-77")
    lost_phone.save()
    two_factor_reset(actor=manager, user=lost_phone)

    response = client.post(
        reverse("accounts:sign-in"), {"username": "lou@example.org", "password": "a-long-passphrase-77"}
    )

    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_reset_reaches_people_of_the_boards_agencies_too(board, manager):
    author = UserFactory()
    grant(author, Role.IMR_AUTHOR, board, review=referred_review(board, manager), agency=AgencyFactory(board=board))
    TOTPDevice.objects.create(user=author, name="Authenticator app", confirmed=True)

    assert two_factor_reset(actor=manager, user=author) == 1


@pytest.mark.parametrize("who", ["chair", "member", "other_manager", "outsider"])
def test_only_the_manager_of_a_board_the_person_is_on_may_reset(request, lost_phone, who):
    with pytest.raises(NotAllowed):
        two_factor_reset(actor=request.getfixturevalue(who), user=lost_phone)

    assert TOTPDevice.objects.filter(user=lost_phone).exists()
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_a_manager_may_not_reset_someone_of_another_board(manager, other_manager, other_board):
    elsewhere = UserFactory()
    grant(elsewhere, Role.BOARD_MEMBER, other_board)
    TOTPDevice.objects.create(user=elsewhere, name="Authenticator app", confirmed=True)

    with pytest.raises(NotAllowed):
        two_factor_reset(actor=manager, user=elsewhere)
    assert TOTPDevice.objects.filter(user=elsewhere).exists()


# --- Pages ----------------------------------------------------------------------------------------------


def test_people_page_lists_the_boards_people_with_their_roles_and_app(board, manager, lost_phone, client_for):
    response = client_for(manager).get(reverse("accounts:people"))

    assert response.status_code == 200
    doc = page(response)
    rows = [
        [cell.text for cell in doc.find_all("td") if row in cell.ancestors()]
        for row in doc.find_all("tr", cls="govuk-table__row")
    ]
    assert [
        "Lou Lostphone",
        "lou@example.org",
        "Panel member",
        "Set up",
        "Reset authenticator of Lou Lostphone",
    ] in rows
    assert reverse("accounts:two-factor-reset", args=[lost_phone.pk]) in response.content.decode()


def test_people_page_shows_no_reset_link_for_someone_without_an_app(board, manager, client_for):
    newcomer = UserFactory(full_name="Nell Newcomer")
    grant(newcomer, Role.BOARD_MEMBER, board)

    text = client_for(manager).get(reverse("accounts:people")).content.decode()

    assert "Nell Newcomer" in text and "Not set up" in text
    assert reverse("accounts:two-factor-reset", args=[newcomer.pk]) not in text


def test_people_page_does_not_show_another_boards_people(board, manager, other_board, client_for):
    elsewhere = UserFactory(full_name="Elsa Elsewhere")
    grant(elsewhere, Role.BOARD_MEMBER, other_board)

    assert "Elsa Elsewhere" not in client_for(manager).get(reverse("accounts:people")).content.decode()


def test_agencies_page_links_the_manager_to_the_people_page(manager, chair, client_for):
    assert reverse("accounts:people") in client_for(manager).get(reverse("accounts:agencies")).content.decode()
    assert reverse("accounts:people") not in client_for(chair).get(reverse("accounts:agencies")).content.decode()


def test_confirming_the_reset_removes_the_app_and_says_so(manager, lost_phone, client_for):
    client = client_for(manager)
    url = reverse("accounts:two-factor-reset", args=[lost_phone.pk])
    assert "Reset Lou Lostphone" in client.get(url).content.decode()

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:people")
    assert "Lou Lostphone&#x27;s authenticator app is reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=lost_phone).exists()


def test_the_reset_page_of_another_boards_person_is_not_found(manager, other_board, client_for):
    elsewhere = UserFactory()
    grant(elsewhere, Role.BOARD_MEMBER, other_board)
    TOTPDevice.objects.create(user=elsewhere, name="Authenticator app", confirmed=True)
    url = reverse("accounts:two-factor-reset", args=[elsewhere.pk])

    assert client_for(manager).get(url).status_code == 404
    assert client_for(manager).post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=elsewhere).exists()
