"""The timetable proposed for a review's first terms of reference, from its decision and completion deadline.

Pure: imports nothing from Django. The rule (docs/decisions/0010-timetable-proposal.md): count the working
days from the decision to the completion deadline (the span), and place each milestone a number of working
days after the decision: the first panel meeting after two working weeks, the panel meeting on the IMRs a working
week after they arrive, the board's endorsement one working week before the deadline (each gap shorter when the
time is short), and the rest at shares of the span in the order the work happens. Each milestone
is at least one working day after the one before and none is after the completion deadline.
"""

from dataclasses import dataclass
from datetime import date

from casereview.core.calendar import add_working_days, working_days_between

FIRST_MEETING_WORKING_DAYS = 10  # two working weeks after the decision
WORKING_WEEK = 5  # the panel meets on the IMRs a week after they arrive; the board endorses a week before the deadline


@dataclass(frozen=True)
class ProposedMilestone:
    label: str
    due_on: date


def _offsets(span: int) -> list[tuple[str, int]]:
    """Each milestone with its working days after the decision, before they are put in order. The fixed gaps
    shrink when the time is short: the first meeting to 8% of the span, a working week to 4% of it."""
    first = min(FIRST_MEETING_WORKING_DAYS, round(span * 0.08))
    week = min(WORKING_WEEK, round(span * 0.04))
    imrs = round(span * 0.50)
    return [
        ("First panel meeting: agree the terms of reference and timetable", first),
        ("Agencies' chronologies and initial reports", round(span * 0.25)),
        ("Individual management reviews (IMRs) submitted", imrs),
        ("Panel meeting to consider the IMRs", imrs + week),
        ("Draft overview report and executive summary to the panel", round(span * 0.70)),
        ("Consultation with workers on the draft ends", round(span * 0.80)),
        ("Panel meeting to agree the overview report", round(span * 0.85)),
        ("Board meeting to endorse the report", span - week),
    ]


def propose_timetable(decided_on: date, complete_by: date) -> list[ProposedMilestone]:
    """The proposed milestones, in order. When the deadline leaves fewer working days than milestones, the
    later ones share the deadline; when it is not after the decision, every milestone is on the decision."""
    span = max(working_days_between(decided_on, complete_by), 0)
    proposed, previous = [], 0
    for label, offset in _offsets(span):
        offset = min(max(offset, previous + 1), span)
        proposed.append(ProposedMilestone(label, add_working_days(decided_on, offset)))
        previous = offset
    return proposed
