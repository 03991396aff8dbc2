"""Loading boards, agencies and memberships, scoped to what the user may see."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.accounts.models import Agency, Board, Membership, Role, User


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


def user_for_password_link(uidb64: str, token: str) -> User | None:
    """The active user a link to set a password is for, if the link is right and has not expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@dataclass(frozen=True)
class BoardPerson:
    user: User
    roles: list[str]  # the labels of the roles held on the board, its agencies and its reviews, without repeats


def people_of_boards_managed_by(user) -> list[tuple[Board, list[BoardPerson]]]:
    """For each board `user` manages, the active people holding any role on it (board, agency or review)."""
    result = []
    for board in boards_user_may_manage(user):
        roles: dict[User, list[str]] = {}
        memberships = Membership.objects.filter(board=board, user__is_active=True).select_related("user")
        for membership in memberships.order_by("user__full_name", "user__pk", "role"):
            labels = roles.setdefault(membership.user, [])
            if membership.get_role_display() not in labels:
                labels.append(membership.get_role_display())
        result.append((board, [BoardPerson(person, labels) for person, labels in roles.items()]))
    return result


def person_for_manager_or_404(user, pk) -> User:
    """A person holding a role on a board `user` manages; anyone else is not found."""
    try:
        return User.objects.filter(memberships__board__in=boards_user_may_manage(user)).distinct().get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None


def user_ids_with_authenticator(users) -> set[int]:
    """Which of `users` have a confirmed authenticator app."""
    return set(
        TOTPDevice.objects.filter(user__in=[user.pk for user in users], confirmed=True).values_list(
            "user_id", flat=True
        )
    )
