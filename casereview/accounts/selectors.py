"""Loading boards, agencies and memberships, scoped to what the user may see."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.accounts.models import Agency, Board, Membership, Role


@dataclass(frozen=True)
class Grant:
    role: str
    board_id: int
    agency_id: int | None
    review_id: int | None


def grants_of(user) -> list[Grant]:
    """The user's memberships, loaded once per user object (once per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_casereview_grants", None)
    if cached is None:
        cached = [
            Grant(*row)
            for row in Membership.objects.filter(user=user).values_list("role", "board_id", "agency_id", "review_id")
        ]
        user._casereview_grants = cached
    return cached


def forget_grants(user) -> None:
    """Drop the cached memberships after they change."""
    user.__dict__.pop("_casereview_grants", None)


def board_ids_with_role(user, *roles: str) -> set[int]:
    return {g.board_id for g in grants_of(user) if g.role in roles and g.review_id is None and g.agency_id is None}


def boards_of(user) -> QuerySet[Board]:
    return Board.objects.filter(pk__in={g.board_id for g in grants_of(user)})


def board_for_user_or_404(user, pk) -> Board:
    try:
        return boards_of(user).get(pk=pk)
    except (Board.DoesNotExist, ValueError, TypeError):
        raise Http404("No such board") from None


def agencies_visible_to(user, board: Board | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(board__in=boards_of(user)).select_related("board")
    return agencies.filter(board=board) if board is not None else agencies


def agency_for_user_or_404(user, pk) -> Agency:
    try:
        return agencies_visible_to(user).get(pk=pk)
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404("No such agency") from None


def boards_user_may_manage(user) -> QuerySet[Board]:
    return Board.objects.filter(pk__in=board_ids_with_role(user, Role.BOARD_MANAGER))


def two_factor_needed(user) -> bool:
    """Whether `user` must confirm a code from an authenticator app after the password.

    Needed when any role the user holds is listed in CASEREVIEW_TWO_FACTOR_ROLES, and also when the user
    holds no role at all or may use the Django admin: only users whose every role is exempt skip it."""
    if not settings.CASEREVIEW_TWO_FACTOR or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    roles = {grant.role for grant in grants_of(user)}
    return not roles or bool(roles & set(settings.CASEREVIEW_TWO_FACTOR_ROLES))


def two_factor_device_of(user, *, confirmed: bool = True):
    """The user's authenticator app (a TOTP device), confirmed or waiting to be confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()
