"""Permission rules for the terms of reference and the panel's meetings. Every object asked about is the review.

The agencies need the terms, so their IMR authors and senior managers read them; meetings are the panel's.
Writing needs the review held (decided "hold a review", at set-up or later, not closed)."""

import rules

from casereview.accounts.models import Role
from casereview.records.rules import review_held
from casereview.reviews.rules import board_staff, on_board, on_review, panel

rules.add_perm("planning.view_terms", board_staff | panel | on_review(Role.IMR_AUTHOR, Role.SENIOR_MANAGER))
rules.add_perm(
    "planning.change_terms",
    (on_board(Role.BOARD_MANAGER) | on_review(Role.PANEL_CHAIR, Role.LEAD_REVIEWER)) & review_held,
)
rules.add_perm("planning.agree_terms", on_review(Role.PANEL_CHAIR) & review_held)

rules.add_perm("planning.view_meetings", board_staff | panel)
rules.add_perm("planning.change_meetings", (on_board(Role.BOARD_MANAGER) | on_review(Role.PANEL_CHAIR)) & review_held)
