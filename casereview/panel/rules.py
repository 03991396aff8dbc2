"""Permission rules for the panel: who sees it, who appoints to it while the review is held, who declares and who
overrides a conflict."""

import rules

from casereview.accounts.models import Role
from casereview.panel.models import AGENCY_STAFF_POSITIONS, DECLARING_POSITIONS, Appointment
from casereview.records.rules import review_held
from casereview.reviews.rules import board_staff, is_open, on_board, on_review


@rules.predicate
def declaring_appointee(user, review) -> bool:
    """The user holds a position on the review that declares independence (panel, lead reviewer, IMR author)."""
    return (
        review is not None
        and getattr(user, "is_authenticated", False)
        and Appointment.objects.filter(
            review=review, user=user, position__in=DECLARING_POSITIONS, ended_at__isnull=True
        ).exists()
    )


def of_appointment(predicate):
    """Ask a review predicate about the review of an appointment."""

    @rules.predicate(name=f"of_appointment({predicate.name})")
    def adapted(user, appointment) -> bool:
        return appointment is not None and predicate.test(user, appointment.review)

    return adapted


@rules.predicate
def agency_staff_appointment(user, appointment) -> bool:
    return appointment is not None and appointment.position in AGENCY_STAFF_POSITIONS


sees_panel = board_staff | on_review(Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LEGAL_ADVISER, Role.LEAD_REVIEWER)
appoints_panel = board_staff & review_held
appoints_agency_staff = (board_staff | on_review(Role.PANEL_CHAIR)) & review_held

rules.add_perm("panel.view_panel", sees_panel)
# The panel's positions and the lead reviewer; the gaps in the required composition.
rules.add_perm("panel.appoint", appoints_panel)
# IMR authors and senior managers, nominated with the agencies involved.
rules.add_perm("panel.appoint_agency_staff", appoints_agency_staff)
# Ending an appointment: whoever may make it.
rules.add_perm(
    "panel.end_appointment",
    (agency_staff_appointment & of_appointment(appoints_agency_staff))
    | (~agency_staff_appointment & of_appointment(appoints_panel)),
)
rules.add_perm("panel.declare", declaring_appointee & is_open)
rules.add_perm("panel.override", on_board(Role.BOARD_CHAIR) & is_open)
