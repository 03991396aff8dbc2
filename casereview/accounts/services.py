"""The only code that writes users, boards, agencies, memberships, API tokens, passwords and sign-in records."""

import logging
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from casereview.accounts.models import Agency, AgencyKind, ApiToken, Board, Membership, User, new_session_token
from casereview.accounts.selectors import (
    boards_user_may_manage,
    forget_grants,
    two_factor_device_of,
    user_for_password_link,
)
from casereview.audit.services import audit_record
from casereview.core.errors import Invalid, NotAllowed
from casereview.core.text import text_errors

log = logging.getLogger(__name__)


def _clean_agency(board: Board, name: str, kind: str, agency: Agency | None = None) -> tuple[str, str]:
    name = (name or "").strip()
    Invalid.check(text_errors({"name": name}, Agency))
    errors = {}
    if not name:
        errors["name"] = "Enter the name of the agency"
    elif board.agencies.filter(name__iexact=name).exclude(pk=getattr(agency, "pk", None)).exists():
        errors["name"] = f"This board already has an agency called {name}"
    if kind not in AgencyKind.values:
        errors["kind"] = "Choose what kind of agency it is"
    Invalid.check(errors)
    return name, kind


@transaction.atomic
def agency_create(*, actor, board: Board, name: str, kind: str) -> Agency:
    if not actor.has_perm("accounts.manage_agencies", board):
        raise NotAllowed("You do not have permission to add agencies to this board")
    name, kind = _clean_agency(board, name, kind)
    agency = Agency.objects.create(board=board, name=name, kind=kind)
    audit_record(actor=actor, action="agency.created", obj=agency, data={"name": name, "kind": kind})
    return agency


@transaction.atomic
def agency_change(*, actor, agency: Agency, name: str, kind: str) -> Agency:
    if not actor.has_perm("accounts.manage_agencies", agency.board):
        raise NotAllowed("You do not have permission to change this board's agencies")
    agency.name, agency.kind = _clean_agency(agency.board, name, kind, agency)
    agency.save()
    audit_record(actor=actor, action="agency.changed", obj=agency, data={"name": agency.name, "kind": agency.kind})
    return agency


@transaction.atomic
def membership_grant(*, actor, user, role: str, board: Board, agency=None, review=None) -> Membership:
    """Give `user` a role on a board, an agency or a review. `actor` None means the system (demo, set-up)."""
    if actor is not None and not actor.has_perm("accounts.manage_agencies", board):
        raise NotAllowed("You do not have permission to give roles on this board")
    membership = Membership(user=user, role=role, board=board, agency=agency, review=review)
    try:
        membership.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise Invalid(errors={field: " ".join(messages) for field, messages in error.message_dict.items()}) from None
    try:
        with transaction.atomic():  # the scoped unique constraints refuse a duplicate, even a concurrent one
            membership.save()
    except IntegrityError:
        raise Invalid(f"{user} already has this role here", field="role") from None
    forget_grants(user)
    audit_record(
        actor=actor,
        action="membership.granted",
        obj=membership,
        board=board,
        review=review,
        data={"user": user.pk, "role": role, "agency": getattr(agency, "pk", None)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    if actor is not None and not actor.has_perm("accounts.manage_agencies", membership.board):
        raise NotAllowed("You do not have permission to remove roles on this board")
    audit_record(
        actor=actor,
        action="membership.revoked",
        obj=membership,
        board=membership.board,
        review=membership.review,
        data={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()
    forget_grants(membership.user)


@transaction.atomic
def api_token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """A new API token for `user`. Returns the token row and the key, which is shown only this once."""
    if actor is not None and actor.pk != user.pk:
        raise NotAllowed("You can only create API tokens for yourself")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=(name or "API token").strip()[:100], key_hash=ApiToken.hash(key))
    audit_record(actor=actor or user, action="api_token.created", obj=token, data={"name": token.name})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    if actor.pk != token.user_id:
        raise NotAllowed("You can only revoke your own API tokens")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action="api_token.revoked", obj=token)


# -- Signing in and out ------------------------------------------------------------------------------------

WRONG_CODE = "Enter the 6-digit code shown in your authenticator app now"
CODE_THROTTLED = "You entered a wrong code too many times. Wait a minute, then enter the code shown now"


def _sign_in_subject(email: str):
    """What a sign-in event is about: the account of that email, or (for an unknown email) axes' record of the
    attempts made with it, so that the event still names something that exists."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    attempt = AccessAttempt.objects.filter(username=email).order_by("-attempt_time").first()
    return attempt if attempt is not None else User(email=email)


@transaction.atomic
def sign_in_succeed(*, user, two_factor_needed: bool) -> None:
    """The password was right. With two-factor sign-in the session is not usable until the code is entered."""
    audit_record(
        actor=user,
        action="sign_in.succeeded",
        obj=user,
        data={"email": user.email, "two_factor": "needed" if two_factor_needed else "not needed"},
    )


@transaction.atomic
def sign_in_fail(*, email: str, locked_out: bool = False) -> None:
    """A wrong email or password, or an attempt while locked out. The password tried is never kept."""
    subject = _sign_in_subject(email)
    audit_record(
        actor=subject if isinstance(subject, User) and subject.pk else None,
        action="sign_in.failed",
        obj=subject,
        data={"email": email, "reason": "locked out" if locked_out else "wrong email or password"},
    )


@transaction.atomic
def sign_in_lock_out(*, email: str, failures: int, minutes: int) -> None:
    subject = _sign_in_subject(email)
    audit_record(
        actor=None,
        action="sign_in.locked_out",
        obj=subject,
        data={"email": email, "failures": failures, "minutes": minutes},
    )


@transaction.atomic
def sign_out_record(*, actor) -> None:
    audit_record(actor=actor, action="sign_out", obj=actor, data={})


@transaction.atomic
def sign_out_everywhere(*, actor) -> None:
    """End every session of `actor`, on every device: the new token changes the hash each session carries."""
    User.objects.filter(pk=actor.pk).update(session_token=new_session_token())
    actor.refresh_from_db(fields=["session_token"])
    audit_record(actor=actor, action="sign_out.everywhere", obj=actor, data={})


@transaction.atomic
def two_factor_setup_start(*, actor) -> TOTPDevice:
    """The authenticator app waiting to be confirmed: the one already started, or a new secret."""
    device = two_factor_device_of(actor, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False, key=random_hex(20))
        audit_record(actor=actor, action="two_factor.setup_started", obj=actor, data={"device": device.pk})
    return device


def _check_code(actor, device: TOTPDevice, code: str, action: str) -> bool:
    allowed, _why = device.verify_is_allowed()
    if allowed and device.verify_token(code):  # refuses a code already used (django-otp keeps its time step)
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action=action, obj=actor, data={"device": device.pk})
        return True
    audit_record(
        actor=actor,
        action="two_factor.failed",
        obj=actor,
        data={"device": device.pk, "reason": "wrong code" if allowed else "too many wrong codes"},
    )
    return False


def two_factor_enrol(*, actor, code: str) -> TOTPDevice:
    """Confirm the authenticator app being set up with a code from it."""
    with transaction.atomic():
        device = two_factor_device_of(actor, confirmed=False)
        if device is None:
            raise Invalid("Start again: set up your authenticator app", field="code")
        allowed = device.verify_is_allowed()[0]
        confirmed = _check_code(actor, device, code, "two_factor.enrolled")
    if not confirmed:  # raised after the commit, so the failure and its throttling are kept
        raise Invalid(WRONG_CODE if allowed else CODE_THROTTLED, field="code")
    return device


def two_factor_verify(*, actor, code: str) -> TOTPDevice:
    """Check a code from the user's confirmed authenticator app."""
    with transaction.atomic():
        device = two_factor_device_of(actor)
        if device is None:
            raise Invalid("Set up your authenticator app first", field="code")
        allowed = device.verify_is_allowed()[0]
        verified = _check_code(actor, device, code, "two_factor.verified")
    if not verified:
        raise Invalid(WRONG_CODE if allowed else CODE_THROTTLED, field="code")
    return device


# -- New people, passwords and resetting an authenticator app (docs/decisions/0011) -------------------------

# A password reset request sends at most one e-mail per account in this time.
PASSWORD_RESET_EVERY = timedelta(minutes=5)
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
LINK_INVALID = "This link to set your password has expired or has already been used"


def _absolute(path: str) -> str:
    return settings.CASEREVIEW_BASE_URL.rstrip("/") + path


def password_link(user: User) -> str:
    """The absolute link at which `user` sets a password. It works once, for PASSWORD_RESET_TIMEOUT: setting
    the password or signing in changes what the token was made from."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _absolute(reverse("accounts:set-password", kwargs={"uidb64": uidb64, "token": token}))


def _link_lifetime() -> str:
    days, seconds = divmod(settings.PASSWORD_RESET_TIMEOUT, 24 * 60 * 60)
    if days and not seconds:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _send(user_pk: int, subject: str, body) -> None:
    """Send one e-mail to a user, after the commit; a mail server that is down is logged, not raised, as the
    change is already made (the person can ask for a new link from the sign-in page)."""
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return
    message = EmailMessage(subject, body(user), settings.DEFAULT_FROM_EMAIL, [user.email])
    try:
        message.send()
    except Exception:
        log.exception("Could not e-mail user %s: %s", user_pk, subject)


def _invitation_body(actor_name: str, board_name: str):
    def body(user: User) -> str:
        return (
            f"Dear {user.full_name},\n\n"
            f"{actor_name} has added you to Casereview, the service {board_name} uses to run its case reviews.\n\n"
            f"Set your password to start using it:\n\n{password_link(user)}\n\n"
            f"This link works once, for {_link_lifetime()}. If it has expired, go to "
            f"{_absolute(reverse('accounts:password-reset'))} and ask for a new one.\n\n"
            "If you were not expecting this e-mail, tell the board's business manager.\n\n"
            "This message was sent by Casereview."
        )

    return body


def _password_reset_body(user: User) -> str:
    return (
        f"Dear {user.full_name},\n\n"
        "Someone asked to set a new password for your Casereview account. To choose a new password, open:\n\n"
        f"{password_link(user)}\n\n"
        f"This link works once, for {_link_lifetime()}. Setting a new password signs you out on every device.\n\n"
        "If you did not ask for this, you can ignore this e-mail: your password has not changed.\n\n"
        "This message was sent by Casereview."
    )


def _clean_person(email: str, full_name: str, job_title: str) -> tuple[str, str, str]:
    email, full_name, job_title = (email or "").strip().lower(), (full_name or "").strip(), (job_title or "").strip()
    errors = text_errors({"email": email, "full_name": full_name, "job_title": job_title}, User)
    if "email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = EMAIL_FORMAT
    if "full_name" not in errors and not full_name:
        errors["full_name"] = "Enter the person's full name"
    Invalid.check(errors)
    return email, full_name, job_title


@transaction.atomic
def user_find_or_invite(*, actor, board: Board, email: str, full_name: str, job_title: str = "") -> tuple[User, bool]:
    """The active user with this email address, or a new account invited by e-mail to set a password.

    Returns (user, created). `actor` must hold a role on `board`; the caller checks what the person is brought
    in for (a panel seat, an IMR author, a worker). The e-mail names the board and nothing of any review, and
    goes only once the caller's transaction commits. An existing account is returned as it is: its name and
    job title are not changed by whoever typed them."""
    if not actor.has_perm("accounts.invite_people", board):
        raise NotAllowed("You do not have permission to add people to this board")
    email, full_name, job_title = _clean_person(email, full_name, job_title)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if not existing.is_active:
            raise Invalid("This person's account is closed: ask the board manager to reopen it", field="email")
        return existing, False
    user = User(email=email, full_name=full_name, job_title=job_title, password_link_sent_at=timezone.now())
    user.set_unusable_password()
    try:
        with transaction.atomic():  # someone else invited the same address at the same moment
            user.save(force_insert=True)
    except IntegrityError:
        existing = User.objects.filter(email__iexact=email, is_active=True).first()
        if existing is None:
            raise
        return existing, False
    audit_record(
        actor=actor,
        action="user.invited",
        obj=user,
        board=board,
        data={"email": email, "full_name": full_name, "job_title": job_title},
    )
    body = _invitation_body(actor.full_name or actor.email, board.name)
    transaction.on_commit(lambda: _send(user.pk, f"You have been added to Casereview by {board.name}", body))
    return user, True


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """E-mail a link to set a new password to the active account with this address, if there is one. Whatever
    the address, the caller answers the same, so nobody learns who has an account. At most one e-mail per
    account per PASSWORD_RESET_EVERY: the stamp is claimed by one conditional update, so two requests at the
    same moment send one e-mail."""
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        return
    now = timezone.now()
    claimed = (
        User.objects.filter(pk=user.pk)
        .filter(Q(password_link_sent_at__isnull=True) | Q(password_link_sent_at__lte=now - PASSWORD_RESET_EVERY))
        .update(password_link_sent_at=now)
    )
    audit_record(actor=None, action="password_reset.requested", obj=user, data={"sent": bool(claimed)})
    if claimed:
        transaction.on_commit(lambda: _send(user.pk, "Set a new password for Casereview", _password_reset_body))


def _password_problem(error: ValidationError) -> str:
    """What to do about the first rule a password breaks, in GOV.UK words where the rule is one of Django's."""
    params = error.params or {}
    messages = {
        "password_too_short": f"Enter a password that is at least {params.get('min_length')} characters long",
        "password_too_similar": "Enter a password that is not like your name or email address",
        "password_too_common": "Enter a password that is harder to guess: this one is commonly used",
        "password_entirely_numeric": "Enter a password that is not only numbers",
    }
    return messages.get(error.code) or " ".join(error.messages)


@transaction.atomic
def password_set_with_link(*, uidb64: str, token: str, password: str, password_again: str) -> User:
    """Set a password from an e-mailed link. The link then stops working, every session of the user ends (a new
    password and a new session token), so whoever knew the old password is signed out, and a lockout of the
    address after wrong passwords ends."""
    user = user_for_password_link(uidb64, token)
    if user is None:
        raise Invalid(LINK_INVALID)
    user = User.objects.select_for_update().get(pk=user.pk)
    errors = text_errors({"password": password})
    if not errors:
        if not password:
            errors["password"] = "Enter a password"
        else:
            try:
                validate_password(password, user)
            except ValidationError as error:
                errors["password"] = _password_problem(error.error_list[0])
            if password != password_again:
                errors["password_again"] = "Enter the same password in both boxes"
    Invalid.check(errors)
    first = not user.has_usable_password()
    user.set_password(password)
    user.session_token = new_session_token()
    user.save(update_fields=["password", "session_token"])
    # Whoever holds the mailbox may sign in again at once, even if someone locked the address with wrong guesses.
    unlocked = axes_reset(username=user.email)
    audit_record(
        actor=user, action="password.set", obj=user, data={"first_password": first, "unlocked": bool(unlocked)}
    )
    return user


@transaction.atomic
def two_factor_reset(*, actor, user: User) -> int:
    """Forget `user`'s authenticator app (they lost their phone): they set up a new one at their next sign-in.
    Every session of theirs ends, and they are told by e-mail. `actor` must be the board manager of a board on
    which `user` holds a role. Returns how many devices were removed."""
    boards = boards_user_may_manage(actor).filter(memberships__user=user).distinct()
    board = next((b for b in boards if actor.has_perm("accounts.reset_two_factor", b)), None)
    if board is None:
        raise NotAllowed("You can only reset the authenticator app of people on a board you manage")
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_token=new_session_token())
    user.refresh_from_db(fields=["session_token"])
    audit_record(actor=actor, action="two_factor.reset", obj=user, board=board, data={"devices": removed})
    actor_name, board_name = actor.full_name or actor.email, board.name

    def body(person: User) -> str:
        return (
            f"Dear {person.full_name},\n\n"
            f"{actor_name} of {board_name} has reset the authenticator app you use to sign in to Casereview, and "
            "you have been signed out on every device.\n\n"
            "Next time you sign in, you will be asked to set up your authenticator app again.\n\n"
            f"If you did not ask for this, tell {actor_name} straight away.\n\n"
            "This message was sent by Casereview."
        )

    transaction.on_commit(lambda: _send(user.pk, "Your Casereview authenticator app was reset", body))
    return removed
