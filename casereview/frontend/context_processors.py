"""Context every page template gets: the service name, the board in the header and the navigation (with the
number of unread notifications)."""

from django.urls import reverse

from casereview.accounts.selectors import boards_of
from casereview.notifications.selectors import unread_count


def service(request):
    context = {"service_name": "Casereview"}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    boards = list(boards_of(user))
    if len(boards) == 1:
        context["header_board_name"] = boards[0].name
    path = request.path
    dashboard, agencies = reverse("reviews:dashboard"), reverse("accounts:agencies")
    context["nav_items"] = [
        {"text": "Reviews", "href": dashboard, "active": path == dashboard or path.startswith("/reviews/")},
    ]
    if boards:
        context["nav_items"].append({"text": "Agencies", "href": agencies, "active": path.startswith(agencies)})
    notifications = reverse("notifications:list")
    context["nav_items"].append(
        {
            "text": "Notifications",
            "href": notifications,
            "active": path.startswith(notifications),
            "unread": unread_count(user),
        }
    )
    return context
