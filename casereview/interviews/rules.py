"""Permission rules for the list of involved workers: an agency's own IMR author and senior manager list its
workers while the review is held; the board's staff and the panel see every agency's list."""

import rules

from casereview.accounts.models import AGENCY_ROLES, Role
from casereview.records.rules import agency_staff_of, of_review, review_held
from casereview.reviews.rules import on_board, on_review

sees_every_agencys_workers = on_board(Role.BOARD_MANAGER, Role.BOARD_CHAIR) | on_review(
    Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER
)
agency_staff_on_review = on_review(*AGENCY_ROLES)

# Asked about a review.
rules.add_perm("interviews.view_workers", sees_every_agencys_workers | agency_staff_on_review)
rules.add_perm("interviews.view_all_workers", sees_every_agencys_workers)
# Asked about one agency's list on a review (`AgencyWorkers`).
rules.add_perm("interviews.view_agency_workers", of_review(sees_every_agencys_workers) | agency_staff_of)
rules.add_perm("interviews.change_workers", agency_staff_of & of_review(review_held))
