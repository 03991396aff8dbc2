"""Pages of the signed-in user's notifications: the list, one notification, and marking them read.

A GET never changes anything: a notification is marked read by a POST, from the "Open" button (which then
goes to the page the notification is about) or "Mark as read", and all of them by "Mark all as read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casereview.notifications import services
from casereview.notifications.selectors import notification_for_user_or_404, notifications_of, unread_count

PER_PAGE = 50


@login_required
@require_GET
def notification_list(request):
    notifications = Paginator(notifications_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {"notifications": notifications, "unread": unread_count(request.user)}
    return render(request, "notifications/list.html", context)


def _safe_link(request, link: str) -> str | None:
    """The page a notification is about, if it is a page of this service (never an outside address)."""
    local = link.startswith("/") and not link.startswith(("//", "/\\"))
    if local and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}, require_https=False):
        return link
    return None


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, notification_pk):
    """GET shows the notification; POST marks it read and goes to the page it is about (or back to the list)."""
    notification = notification_for_user_or_404(request.user, notification_pk)
    link = _safe_link(request, notification.link)
    if request.method == "POST":
        services.notification_read(actor=request.user, notification=notification)
        if link and request.POST.get("then") != "list":
            return redirect(link)
        messages.success(request, f"Marked as read: {notification.subject}")
        return redirect("notifications:list")
    return render(request, "notifications/detail.html", {"notification": notification, "link": link})


@require_POST
@login_required
def notifications_read_all(request):
    marked = services.notifications_read_all(actor=request.user)
    if marked:
        messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked as read")
    return redirect("notifications:list")
