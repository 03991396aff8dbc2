"""Permission rules for the records vault: an agency's own staff on a review see and add its records; the
panel and the board manager see every agency's; the board manager and the agency's staff confirm them secured."""

import rules

from casereview.accounts.models import AGENCY_ROLES, Role
from casereview.accounts.selectors import grants_of
from casereview.reviews.models import DecisionOutcome
from casereview.reviews.rules import on_board, on_review
from casereview.reviews.stages import Stage

# The vault is open from the decision to hold a review until the review closes.
VAULT_OPEN_STAGES = frozenset(
    {
        Stage.SET_UP,
        Stage.AGENCY_REVIEWS,
        Stage.OVERVIEW,
        Stage.CONSULTATION,
        Stage.ENDORSEMENT,
        Stage.SUBMISSION,
        Stage.LEARNING,
    }
)

sees_whole_vault = on_board(Role.BOARD_MANAGER) | on_review(
    Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER
)
agency_staff_on_review = on_review(*AGENCY_ROLES)


def of_review(predicate):
    """Ask a review predicate about the review of an `AgencyVault`."""

    @rules.predicate(name=f"of_review({predicate.name})")
    def adapted(user, vault) -> bool:
        return vault is not None and predicate.test(user, vault.review)

    return adapted


@rules.predicate
def agency_staff_of(user, vault) -> bool:
    """The user is the agency's IMR author or senior manager on this review."""
    return vault is not None and any(
        g.review_id == vault.review.pk and g.agency_id == vault.agency.pk and g.role in AGENCY_ROLES
        for g in grants_of(user)
    )


@rules.predicate
def review_held(user, review) -> bool:
    """A review was decided to be held and has not closed."""
    decision = getattr(review, "decision", None) if review is not None else None
    return (
        review is not None
        and review.stage in VAULT_OPEN_STAGES
        and decision is not None
        and decision.outcome == DecisionOutcome.HOLD
    )


rules.add_perm("records.view_vault", sees_whole_vault | agency_staff_on_review)
rules.add_perm("records.view_all_agencies", sees_whole_vault)
rules.add_perm("records.view_agency", of_review(sees_whole_vault) | agency_staff_of)
rules.add_perm("records.upload", agency_staff_of & of_review(review_held))
rules.add_perm("records.secure", (agency_staff_of | of_review(on_board(Role.BOARD_MANAGER))) & of_review(review_held))
