"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules."""

from urllib.parse import urlsplit

from casereview.accounts.models import Role, User
from casereview.accounts.services import password_link

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    # Open to anyone holding the e-mailed link (a valid one here), signed in or not: the link is the key.
    "accounts:set-password":                              "200 200 200 200 200 200 200 200 200 200 200 200 200",
    # "Forgotten your password?" answers everyone alike, so it reveals nobody's account.
    "accounts:password-reset":                            "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "accounts:password-reset-sent":                       "200 200 200 200 200 200 200 200 200 200 200 200 200",
    # The board's people and resetting someone's authenticator app: the board manager only.
    "accounts:people":                                    "200 404 404 404 404 404 404 404 404 404 404 404 302",
    "accounts:two-factor-reset":                          "200 404 404 404 404 404 404 404 404 404 404 404 302",
}

API: dict[str, str] = {
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = ["accounts:set-password", "accounts:password-reset", "accounts:two-factor-reset"]

# Pages whose URL holds a key rather than an object of a board: whoever holds the link may open it, so they are
# not part of the board isolation test (a link made for board B's newcomer opens for anyone, as it must).
NOT_BOARD_SCOPED: list[str] = ["accounts:set-password"]


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    return {}


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    if operation == "accounts:set-password":
        newcomer = User(email=f"newcomer.{side.board.short_name.lower()}@example.org", full_name="Nia Newcomer")
        newcomer.set_unusable_password()
        newcomer.save()
        uidb64, token = urlsplit(password_link(newcomer)).path.removeprefix("/accounts/set-password/").split("/")[:2]
        return {"uidb64": uidb64, "token": token}
    if operation == "accounts:two-factor-reset":
        return {"user": side.users[Role.WORKER].pk}
    return None
