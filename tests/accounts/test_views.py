"""Signing in and out, and the board's agencies pages."""

import pytest
from django.test import Client
from django.urls import reverse

from casereview.accounts.models import Agency
from casereview.accounts.services import agency_create
from casereview.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.web import blank_submission, error_summary, page, signed_in, two_factor_verified


def signed_in_user(client):
    return client.get(reverse("reviews:dashboard")).wsgi_request.user


# -- Sign in and out ------------------------------------------------------------------------------------


def test_sign_in_with_the_right_password_opens_the_dashboard(client, manager, settings):
    settings.CASEREVIEW_TWO_FACTOR = False  # the two-factor step is tested in test_sign_in.py
    response = client.post(reverse("accounts:sign-in"), {"username": manager.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")
    assert signed_in_user(client) == manager


def test_sign_in_email_is_not_case_sensitive(client, manager):
    response = client.post(reverse("accounts:sign-in"), {"username": manager.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client) == manager


def test_sign_in_with_a_wrong_password_says_so_and_signs_nobody_in(client, manager):
    response = client.post(reverse("accounts:sign-in"), {"username": manager.email, "password": "not-the-password"})
    assert response.status_code == 200
    error_summary(response)  # the GOV.UK pattern: title, Error: prefix
    summary = page(response).find("div", cls="govuk-error-summary")
    assert "Enter a correct email address and password" in summary.text
    assert not signed_in_user(client).is_authenticated


def test_sign_in_with_nothing_entered_links_to_each_field(client, db):
    response = client.post(reverse("accounts:sign-in"), blank_submission(client, reverse("accounts:sign-in")))
    assert error_summary(response) == {
        "Enter your email address": "id_username",
        "Enter your password": "id_password",
    }


def test_sign_in_of_a_closed_account_is_refused(client, manager):
    manager.is_active = False
    manager.save()
    response = client.post(reverse("accounts:sign-in"), {"username": manager.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not signed_in_user(client).is_authenticated


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(manager, settings):
    settings.CASEREVIEW_TWO_FACTOR = False
    client = Client()
    data = {"username": manager.email, "password": PASSWORD, "next": reverse("accounts:agencies")}
    assert client.post(reverse("accounts:sign-in"), data)["Location"] == reverse("accounts:agencies")
    client = Client()
    data["next"] = "https://evil.example/phish"
    assert client.post(reverse("accounts:sign-in"), data)["Location"] == reverse("reviews:dashboard")


def test_page_asked_for_when_signed_out_leads_to_sign_in_and_back(client, manager):
    response = client.get(reverse("accounts:agencies"))
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next={reverse('accounts:agencies')}"


def test_sign_out_is_post_only(manager):
    client = signed_in(manager)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert signed_in_user(client) == manager
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in")
    assert not signed_in_user(client).is_authenticated


def test_sign_out_needs_the_csrf_token(manager):
    """Another site cannot sign the user out by posting a form."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    two_factor_verified(client, manager)
    assert client.post(reverse("accounts:sign-out")).status_code == 403
    assert signed_in_user(client) == manager


# -- Agencies -------------------------------------------------------------------------------------------


@pytest.fixture
def police(board, manager):
    return agency_create(actor=manager, board=board, name="Northshire Police", kind="police")


def test_agency_list_shows_own_boards_agencies_only(manager, police, other_board, other_manager):
    agency_create(actor=other_manager, board=other_board, name="Southmoor Police", kind="police")
    content = signed_in(manager).get(reverse("accounts:agencies")).content.decode()
    assert "Northshire Police" in content
    assert "Southmoor Police" not in content


def test_manager_adds_an_agency(manager, board):
    client = signed_in(manager)
    response = client.post(reverse("accounts:agency-new"), {"name": "Northbridge Homes", "kind": "housing"})
    assert response["Location"] == reverse("accounts:agencies")
    assert Agency.objects.get().board == board
    assert "Northbridge Homes saved" in client.get(response["Location"]).content.decode()


def test_manager_renames_an_agency(manager, police):
    response = signed_in(manager).post(
        reverse("accounts:agency", args=[police.pk]), {"name": "Northshire Constabulary", "kind": "police"}
    )
    assert response.status_code == 302
    assert Agency.objects.get().name == "Northshire Constabulary"


def test_agency_missing_fields_shows_the_error_summary(manager):
    client = signed_in(manager)
    response = client.post(reverse("accounts:agency-new"), blank_submission(client, reverse("accounts:agency-new")))
    assert error_summary(response) == {
        "Enter the name of the agency": "id_name",
        "Choose what kind of agency it is": "id_kind",
    }
    assert not Agency.objects.exists()


def test_agency_with_a_duplicate_name_is_refused(manager, police):
    events = AuditEvent.objects.count()
    response = signed_in(manager).post(reverse("accounts:agency-new"), {"name": "NORTHSHIRE POLICE", "kind": "police"})
    assert error_summary(response) == {"This board already has an agency called NORTHSHIRE POLICE": "id_name"}
    assert Agency.objects.count() == 1
    assert AuditEvent.objects.count() == events
