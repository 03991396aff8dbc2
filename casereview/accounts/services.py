"""The only code that writes boards, agencies, memberships and API tokens."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casereview.accounts.models import Agency, AgencyKind, ApiToken, Board, Membership
from casereview.accounts.selectors import forget_grants
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
