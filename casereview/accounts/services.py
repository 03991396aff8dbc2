"""The only code that writes boards, agencies, memberships, API tokens and sign-in records."""

from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from casereview.accounts.models import Agency, AgencyKind, ApiToken, Board, Membership, User, new_session_token
from casereview.accounts.selectors import forget_grants, two_factor_device_of
from casereview.audit.services import audit_record
from casereview.core.errors import Invalid, NotAllowed
from casereview.core.text import text_errors


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
