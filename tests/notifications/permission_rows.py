"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

Each user sees only their own notifications. `prepare` sends one to every user of the world and names the board
manager's, so the page and the operation of one notification answer 200 to the board manager and 404 to all
others (who have a notification of their own, just not that one)."""

from casereview.notifications.services import notify

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    "notifications:list":                                 "200 200 200 200 200 200 200 200 200 200 200 200 302",
    "notifications:open":                                 "200 404 404 404 404 404 404 404 404 404 404 404 302",
    # POST only ("Mark all as read"); a GET changes nothing and is refused before sign-in is asked for.
    "notifications:read-all":                             "405 405 405 405 405 405 405 405 405 405 405 405 405",
}

API: dict[str, str] = {
    "GET /api/notifications":                             "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "POST /api/notifications/read-all":                   "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "POST /api/notifications/{notification_id}/read":     "200 404 404 404 404 404 404 404 404 404 404 404 401",
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = ["notifications:open"]


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    return {}


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    if not (operation.startswith("notifications:") or operation.split(" ", 1)[-1].startswith("/api/notifications")):
        return None
    made = {
        role: notify(
            users=[user],
            subject=f"{side.review.reference}: a notification for you",
            body="Something happened on the review.",
            link=f"/reviews/{side.review.pk}/",
            review=side.review,
            key=f"matrix:{role}",
        )[0]
        for role, user in side.users.items()
    }
    return {"notification": made["board_manager"].pk}
