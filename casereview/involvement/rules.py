"""Permission rules for the agencies involved: the board's staff and the panel chair manage them while the
review is held; the panel sees every agency's status; an agency's own IMR author and senior manager see its page."""

import rules

from casereview.accounts.models import Role
from casereview.records.rules import agency_staff_of, of_review, review_held
from casereview.reviews.rules import board_staff, on_review

# Rules about one agency take an `AgencyInvolvement`: like the vault's `AgencyVault`, it has .review and .agency.
manages_agencies = (board_staff | on_review(Role.PANEL_CHAIR)) & review_held
sees_all_agencies = board_staff | on_review(Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER)

rules.add_perm("involvement.view_agencies", sees_all_agencies)
rules.add_perm("involvement.view_agency", of_review(sees_all_agencies) | agency_staff_of)
rules.add_perm("involvement.add", manages_agencies)
rules.add_perm("involvement.manage", of_review(manages_agencies))
