"""Helpers for the page and API tests: a board with a user in every role, signed-in clients, HTML checks."""

import json
from dataclasses import dataclass, field
from datetime import date

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.accounts.models import Agency, AgencyKind, Board, Role, User
from casereview.accounts.services import agency_create, api_token_create
from casereview.reviews.models import Person, Place, Review
from casereview.reviews.services import place_add
from tests.factories import (
    UserFactory,
    add_subject,
    days_ago,
    grant,
    make_board_with_staff,
    referred_review,
)
from tests.frontend.html import Document

# The roles held on the whole board, and those held on one review (IMR roles also name an agency).
ON_BOARD = [Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.BOARD_MEMBER, Role.NATIONAL_BODY]
ON_REVIEW = [Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER, Role.WORKER]
ON_REVIEW_FOR_AGENCY = [Role.IMR_AUTHOR, Role.SENIOR_MANAGER]


@dataclass
class BoardWorld:
    """One board with a user in every role, an agency, and a review (at referral, ready to move on)
    with a person and a place in its register. The review roles are held on that review."""

    board: Board
    agency: Agency
    review: Review
    person: Person
    place: Place
    users: dict[str, User] = field(default_factory=dict)

    def ids(self) -> dict[str, int]:
        return {
            "board": self.board.pk,
            "agency": self.agency.pk,
            "review": self.review.pk,
            "person": self.person.pk,
            "place": self.place.pk,
        }


def build_board_world(label: str) -> BoardWorld:
    staff = make_board_with_staff(name=f"Board {label} Safeguarding Children Board", short_name=f"B{label}")
    board, manager = staff.board, staff.manager
    users = {Role.BOARD_MANAGER: manager, Role.BOARD_CHAIR: staff.chair}
    for role in [Role.BOARD_MEMBER, Role.NATIONAL_BODY]:
        users[role] = UserFactory(full_name=f"{Role(role).label} of board {label}")
        grant(users[role], role, board)
    agency = agency_create(actor=manager, board=board, name=f"Police of board {label}", kind=AgencyKind.POLICE)
    review = referred_review(board, manager, incident_notified_on=days_ago(61), reference=f"SCR-{label}-001")
    person = add_subject(review, manager, full_name=f"Subject of board {label}")
    place = place_add(
        actor=manager, review=review, kind="school", name=f"School of board {label}", pseudonym="School 1"
    )
    for role in ON_REVIEW:
        users[role] = UserFactory(full_name=f"{Role(role).label} of board {label}")
        grant(users[role], role, board, review=review)
    for role in ON_REVIEW_FOR_AGENCY:
        users[role] = UserFactory(full_name=f"{Role(role).label} of board {label}")
        grant(users[role], role, board, review=review, agency=agency)
    assert set(users) == set(Role.values), "every role needs a user"
    return BoardWorld(board, agency, Review.objects.get(pk=review.pk), person, place, users)


def signed_in(user: User | None) -> Client:
    """A test client signed in as `user` through the session, with the two-factor step done (None: anonymous).

    Tests of the two-factor step itself use `Client.force_login` alone, which leaves it to do."""
    client = Client()
    if user is not None:
        client.force_login(user)
        two_factor_verified(client, user)
    return client


def two_factor_verified(client: Client, user: User) -> Client:
    """Mark the client's session as past the two-factor step, as django_otp.login does after a right code,
    with a confirmed authenticator app made for `user` if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Tests", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def bearer(user: User, name: str = "Tests") -> Client:
    """A test client that sends a fresh API token of `user` on every request, and no session."""
    _token, key = api_token_create(actor=user, user=user, name=name)
    return Client(headers={"Authorization": f"Bearer {key}"})


def api_call(client: Client, method: str, path: str, body=None):
    """Call the API with a JSON body (any JSON value)."""
    send = getattr(client, method.lower())
    if body is None and method.upper() in {"GET", "DELETE"}:
        return send(path)
    return send(path, data=json.dumps(body, default=_json_default), content_type="application/json")


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(value)


def date_parts(name: str, value: date | None) -> dict[str, str]:
    """The three boxes of a GOV.UK date input."""
    if value is None:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


def page(response) -> Document:
    return Document(response.content.decode())


def error_summary(response) -> dict[str, str]:
    """The error summary of a page as {message: anchor target id}, after checking the GOV.UK pattern:
    the "There is a problem" title, `Error: ` in the <title>, and every link pointing at an element."""
    doc = page(response)
    summaries = doc.find_all("div", cls="govuk-error-summary")
    assert summaries, "the page has no error summary"
    assert doc.find("h2", cls="govuk-error-summary__title").text == "There is a problem"
    assert doc.find("title").text.startswith("Error: ")
    ids = set(doc.ids)
    links = {}
    for link in doc.find_all("a"):
        if any("govuk-error-summary__list" in a.classes for a in link.ancestors()):
            target = link.attrs["href"].removeprefix("#")
            assert target in ids, f"the error summary links to #{target}, which is not on the page"
            links[link.text] = target
    return links


def field_error(response, field_id: str) -> str:
    """The inline error message shown with a field (GOV.UK: `<p class="govuk-error-message">`)."""
    doc = page(response)
    message = doc.find(id=f"{field_id}-error")
    return message.text.removeprefix("Error:").strip()


def blank_submission(client: Client, url: str) -> dict[str, str]:
    """What a browser sends when the form at `url` is submitted with nothing filled in or chosen:
    every text box and text area empty, selects at their first option, no radio or checkbox."""
    doc = page(client.get(url))
    form = next(f for f in doc.find_all("form") if f.attrs.get("method", "").lower() == "post")
    data = {}
    for element in doc.elements:
        if element.tag not in {"input", "textarea", "select"} or not any(a is form for a in element.ancestors()):
            continue
        name = element.attrs.get("name")
        if not name:
            continue
        kind = element.attrs.get("type", "text")
        if element.tag == "input" and kind in {"radio", "checkbox", "submit"}:
            continue
        if element.tag == "select":
            options = [child for child in element.children if child.tag == "option"]
            data[name] = options[0].attrs.get("value", "") if options else ""
        elif kind == "hidden":
            data[name] = element.attrs.get("value", "")
        else:
            data[name] = ""
    return data
