"""Permission rules for reviews: the board's roles on every review, review roles on their own."""

import rules

from casereview.accounts.models import Role
from casereview.accounts.rules import board_role
from casereview.accounts.selectors import board_ids_with_role, grants_of
from casereview.reviews.stages import Stage


def on_board(*roles: str):
    """The user holds one of `roles` on the review's whole board."""

    @rules.predicate(name=f"on_board({', '.join(roles)})")
    def predicate(user, review) -> bool:
        return review is not None and review.board_id in board_ids_with_role(user, *roles)

    return predicate


def on_review(*roles: str):
    """The user holds one of `roles` on this review (with or without an agency)."""

    @rules.predicate(name=f"on_review({', '.join(roles) or 'any role'})")
    def predicate(user, review) -> bool:
        return review is not None and any(
            g.review_id == review.pk and (not roles or g.role in roles) for g in grants_of(user)
        )

    return predicate


@rules.predicate
def before_decision(user, review) -> bool:
    return review is not None and review.stage in {Stage.REFERRAL, Stage.DECISION}


@rules.predicate
def at_decision(user, review) -> bool:
    return review is not None and review.stage == Stage.DECISION


@rules.predicate
def is_open(user, review) -> bool:
    return review is not None and review.stage != Stage.CLOSED


board_staff = on_board(Role.BOARD_MANAGER, Role.BOARD_CHAIR)
panel = on_review(Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER)

rules.add_perm("reviews.view_review", on_board(Role.BOARD_MANAGER, Role.BOARD_CHAIR, Role.BOARD_MEMBER) | on_review())
# Board members read what is submitted to the board (issue 7), not the referral: they see progress only.
rules.add_perm("reviews.view_referral", board_staff | panel)
rules.add_perm("reviews.change_referral", board_staff & before_decision)
rules.add_perm("reviews.decide", on_board(Role.BOARD_CHAIR) & at_decision)
rules.add_perm("reviews.change_stage", board_staff & is_open)
rules.add_perm("reviews.override_deadline", board_staff & is_open)
rules.add_perm("reviews.view_stage_history", board_staff | panel)
rules.add_perm("reviews.view_people", board_staff | panel | on_review(Role.IMR_AUTHOR, Role.SENIOR_MANAGER))
rules.add_perm(
    "reviews.change_people",
    (on_board(Role.BOARD_MANAGER) | on_review(Role.PANEL_CHAIR, Role.LEAD_REVIEWER)) & is_open,
)

# Referring is done on a board, not a review.
rules.add_perm("reviews.refer", board_role(Role.BOARD_MANAGER, Role.BOARD_CHAIR))
