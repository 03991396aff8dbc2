"""What changed between two versions of the terms of reference, field by field, in words. Pure: no Django."""

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

KEPT, ADDED, REMOVED, MOVED = "kept", "added", "removed", "moved"


@dataclass(frozen=True)
class LineChange:
    change: str  # KEPT, ADDED, REMOVED, or MOVED (a milestone whose date changed)
    text: str


@dataclass(frozen=True)
class Snapshot:
    """What a version says, as plain values: the difference is computed from two of these."""

    period_from: date
    period_to: date
    lines_of_enquiry: tuple[str, ...]
    agencies: tuple[str, ...]
    family_involvement: str
    milestones: tuple[tuple[str, date], ...]


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str = ""
    after: str = ""
    lines: list[LineChange] = field(default_factory=list)  # for lists: what was added, removed or moved


def long_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _diff(before: Sequence, after: Sequence) -> list[tuple[str, object]]:
    matcher = difflib.SequenceMatcher(a=list(before), b=list(after), autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [(KEPT, item) for item in before[i1:i2]]
            continue
        changes += [(REMOVED, item) for item in before[i1:i2]]
        changes += [(ADDED, item) for item in after[j1:j2]]
    return changes


def lines_difference(before: Sequence[str], after: Sequence[str]) -> list[LineChange]:
    """Every line of both lists, in order, marked kept, removed or added. Reading the kept and removed lines
    gives `before`; reading the kept and added lines gives `after`."""
    return [LineChange(change, line) for change, line in _diff(before, after)]


def milestones_difference(before: Sequence[tuple[str, date]], after: Sequence[tuple[str, date]]) -> list[LineChange]:
    """Milestones added and removed; one removed and one added with the same name is a milestone moved."""
    changes = _diff(before, after)
    removed = [milestone for change, milestone in changes if change == REMOVED]
    added = [milestone for change, milestone in changes if change == ADDED]
    result = []
    for label, old_date in removed:
        twin = next((m for m in added if m[0].casefold() == label.casefold()), None)
        if twin is None:
            result.append(LineChange(REMOVED, f"{label}, {long_date(old_date)}"))
            continue
        added.remove(twin)
        if twin[1] != old_date or twin[0] != label:
            what = f"from {long_date(old_date)} to {long_date(twin[1])}" if twin[1] != old_date else f"was {label}"
            result.append(LineChange(MOVED, f"{twin[0]}: {what}"))
    result += [LineChange(ADDED, f"{label}, {long_date(day)}") for label, day in added]
    return result


def terms_difference(before: Snapshot | None, after: Snapshot) -> list[FieldChange]:
    """The fields that changed from `before` to `after`, in the order of the page. None before: the first version."""
    if before is None:
        return []
    changes = []
    if before.period_from != after.period_from or before.period_to != after.period_to:
        changes.append(
            FieldChange(
                "period",
                "Period under review",
                f"{long_date(before.period_from)} to {long_date(before.period_to)}",
                f"{long_date(after.period_from)} to {long_date(after.period_to)}",
            )
        )
    if before.lines_of_enquiry != after.lines_of_enquiry:
        lines = [c for c in lines_difference(before.lines_of_enquiry, after.lines_of_enquiry) if c.change != KEPT]
        changes.append(FieldChange("lines_of_enquiry", "Key lines of enquiry", lines=lines))
    if set(before.agencies) != set(after.agencies):
        lines = [LineChange(REMOVED, name) for name in before.agencies if name not in after.agencies]
        lines += [LineChange(ADDED, name) for name in after.agencies if name not in before.agencies]
        changes.append(FieldChange("agencies", "Agencies in scope", lines=lines))
    if before.family_involvement != after.family_involvement:
        changes.append(
            FieldChange(
                "family_involvement", "How the family is involved", before.family_involvement, after.family_involvement
            )
        )
    if before.milestones != after.milestones:
        lines = milestones_difference(before.milestones, after.milestones) or [
            LineChange(KEPT, "Milestones on the same date are in another order")
        ]
        changes.append(FieldChange("milestones", "Timetable", lines=lines))
    return changes
