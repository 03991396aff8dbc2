"""Permission rules for agency chronologies: an agency's IMR author compiles its draft while the review is held; its
IMR author and senior manager see its draft and versions; the panel, the lead reviewer and the board manager see
every agency's submitted versions, never a draft."""

import rules

from casereview.accounts.models import AGENCY_ROLES, Role
from casereview.accounts.selectors import grants_of
from casereview.records.rules import agency_staff_of, of_review, review_held
from casereview.reviews.rules import on_board, on_review

# Those who read what agencies submit: every agency's submitted versions, and the integrated chronology made of them.
sees_submitted_chronologies = on_board(Role.BOARD_MANAGER) | on_review(
    Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER
)
agency_staff_on_review = on_review(*AGENCY_ROLES)


@rules.predicate
def imr_author_of(user, chronology) -> bool:
    """The user is the agency's IMR author on this review (asked about an `AgencyChronology` or a version)."""
    return chronology is not None and any(
        g.review_id == chronology.review.pk and g.agency_id == chronology.agency.pk and g.role == Role.IMR_AUTHOR
        for g in grants_of(user)
    )


@rules.predicate
def is_submitted(user, version) -> bool:
    return version is not None and version.submitted_at is not None


# Asked about a review.
rules.add_perm("chronology.view_chronologies", sees_submitted_chronologies | agency_staff_on_review)
rules.add_perm("chronology.view_all_agencies", sees_submitted_chronologies)
# Asked about one agency's chronology on a review (`AgencyChronology`).
rules.add_perm("chronology.view_agency", of_review(sees_submitted_chronologies) | agency_staff_of)
rules.add_perm("chronology.view_drafts", agency_staff_of)
rules.add_perm("chronology.edit", imr_author_of & of_review(review_held))
# Asked about one version (`ChronologyVersion`, which has the same `review` and `agency`).
rules.add_perm("chronology.view_version", (is_submitted & of_review(sees_submitted_chronologies)) | agency_staff_of)

# -- Integrated chronology (asked about a review) ---------------------------------------------------------------
# Everyone who reads every agency's submitted versions reads them merged, with the timeline and the exports; the
# lead reviewer alone decides on possible duplicates and annotates entries, while the review is held.
rules.add_perm("chronology.view_integrated", sees_submitted_chronologies)
rules.add_perm("chronology.annotate", on_review(Role.LEAD_REVIEWER) & review_held)
