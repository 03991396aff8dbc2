"""The timeline of the integrated chronology as an SVG picture: a lane per agency, a mark per entry (pure: no Django).

Marks differ by shape and size as well as colour, so significance never rests on colour alone: a routine entry
is a small circle, a significant one a medium square, a key practice episode a large diamond with a dark outline.
An uncertain date is drawn hollow with a dashed outline; a "month only" date also gets a bar across its month.
Entries that fall within a few pixels of each other in a lane, with the same look, are drawn as one mark whose
tooltip counts them, so the picture stays a bounded size however many entries there are.
"""

import calendar
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape as html_escape

WIDTH = 960
LABEL_WIDTH = 190
RIGHT_MARGIN = 20
TOP = 64  # room for the legend
LANE_HEIGHT = 40
AXIS_HEIGHT = 44
LABEL_CHARS = 26
TOOLTIP_LABELS = 3  # a grouped mark's tooltip names this many entries, then "and N more"
TOOLTIP_CHARS = 80  # of each entry's label in a tooltip
BUCKET = 4  # pixels: entries of a lane this close, with the same look, are one mark (the marks would overlap)

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
UNCERTAIN = frozenset({"month", "approximate"})
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text as SVG can hold it: escaped, without the characters XML refuses."""
    return html_escape(NOT_XML.sub("", text))


@dataclass(frozen=True)
class Look:
    """How a significance is drawn: shape, size (half the width) and colours, with the legend's words."""

    shape: str
    radius: float
    fill: str
    stroke: str
    label: str


LOOKS = {
    "routine": Look("circle", 5, "#505a5f", "#505a5f", "Routine"),
    "significant": Look("square", 6, "#1d70b8", "#1d70b8", "Significant"),
    "key": Look("diamond", 10, "#d4351c", "#0b0c0c", "Key practice episode"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One entry as the timeline needs it. `occurred_on` is the first of the month for "month only"."""

    agency: str
    occurred_on: date
    precision: str = "day"  # "datetime", "day", "month" or "approximate"
    significance: str = "routine"  # "routine", "significant" or "key"
    date_label: str = ""  # the date as the chronology shows it, e.g. "?4 March 2016"
    summary: str = ""  # the start of what happened

    @property
    def significance_label(self) -> str:
        return LOOKS.get(self.significance, LOOKS["routine"]).label

    @property
    def label(self) -> str:
        """What the mark's tooltip says of the entry: "4 March 2016: Home visit"."""
        return ": ".join(part for part in (self.date_label or self.occurred_on.isoformat(), self.summary) if part)


@dataclass(frozen=True)
class Tick:
    on: date
    label: str


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(entries: Iterable[TimelineEntry]) -> tuple[date, date] | None:
    """The first and last day the entries cover (a "month only" entry covers its whole month)."""
    first = last = None
    for entry in entries:
        end = month_end(entry.occurred_on) if entry.precision == "month" else entry.occurred_on
        first = entry.occurred_on if first is None or entry.occurred_on < first else first
        last = end if last is None or end > last else last
    return None if first is None else (first, last)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def axis_ticks(start: date, end: date, *, max_labels: int = 12) -> tuple[str, list[Tick]]:
    """The axis for a period: ("months", ticks) up to three years, otherwise ("years", ticks). Ticks fall on the
    first of a month or of a year within the period, at most `max_labels` of them."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months <= 36:
        step = max(1, math.ceil(months / max_labels))
        first = start if start.day == 1 else _add_months(start, 1)
        ticks, day, index = [], first, 0
        while day <= end:
            if index % step == 0:
                name = MONTH_ABBREVIATIONS[day.month - 1]
                show_year = not ticks or ticks[-1].on.year != day.year
                ticks.append(Tick(day, f"{name} {day.year}" if show_year else name))
            day, index = _add_months(day, 1), index + 1
        return "months", ticks
    years = end.year - start.year + 1
    step = max(1, math.ceil(years / max_labels))
    first_year = start.year if start == date(start.year, 1, 1) else start.year + 1
    return "years", [Tick(date(year, 1, 1), str(year)) for year in range(first_year, end.year + 1, step)]


def zoom_periods(start: date, end: date, whole: tuple[date, date] | None) -> list[tuple[str, date, date]]:
    """Links to move about the picture without JavaScript: (words, from, to) for the whole chronology, each year
    of a view longer than a year, the view zoomed out, and the periods just before and after the view."""
    found: list[tuple[str, date, date]] = []
    if whole is not None and (start, end) != whole:
        found.append(("Whole chronology", *whole))
    span = (end - start).days + 1
    if span > 366:
        found += [
            (str(year), max(start, date(year, 1, 1)), min(end, date(year, 12, 31)))
            for year in range(start.year, end.year + 1)
        ]
    elif span > 62:
        day = date(start.year, start.month, 1)
        while day <= end:
            found.append((f"{calendar.month_name[day.month]} {day.year}", max(start, day), min(end, month_end(day))))
            day = _add_months(day, 1)
    middle = start + timedelta(days=span // 2)
    wider = (middle - timedelta(days=span), middle + timedelta(days=span))
    if whole is not None:
        wider = (max(wider[0], whole[0]), min(wider[1], whole[1]))
    if wider != (start, end):
        found.append(("Zoom out", *wider))
    if whole is None or start > whole[0]:
        found.append(("Earlier", start - timedelta(days=span), start - timedelta(days=1)))
    if whole is None or end < whole[1]:
        found.append(("Later", end + timedelta(days=1), end + timedelta(days=span)))
    return found


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _shape(look: Look, x: float, y: float, *, uncertain: bool, scale: float = 1.0) -> str:
    r = look.radius * scale
    fill = "#ffffff" if uncertain else look.fill
    stroke = f'stroke="{look.stroke}" stroke-width="2"'
    if uncertain:
        stroke += ' stroke-dasharray="3 2"'
    if look.shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:g}" fill="{fill}" {stroke}/>'
    if look.shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:g}" height="{2 * r:g}" fill="{fill}" {stroke}/>'
    points = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
    return f'<polygon points="{points}" fill="{fill}" {stroke}/>'


def render_timeline(
    entries: Sequence[TimelineEntry],
    *,
    title: str,
    description: str,
    lanes: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    id_prefix: str = "timeline",
) -> str:
    """The SVG markup (a string to put in the page as it is: every text in it is escaped).

    `lanes` orders the agencies (every agency with an entry gets a lane, in order of first appearance after those
    named); `start` and `end` bound the picture (default: the entries' own period); entries outside are left out.
    """
    lane_names = list(dict.fromkeys([*(lanes or []), *(entry.agency for entry in entries)]))
    whole = period_of(entries)
    start = start or (whole[0] if whole else date.today().replace(day=1))
    end = end or (whole[1] if whole else month_end(start))
    if end < start:
        start, end = end, start
    days = (end - start).days + 1
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN
    plot_width = plot_right - plot_left
    height = TOP + max(1, len(lane_names)) * LANE_HEIGHT + AXIS_HEIGHT

    def x_of(day: date) -> float:
        return plot_left + ((day - start).days + 0.5) / days * plot_width

    def y_of(lane: int) -> float:
        return TOP + lane * LANE_HEIGHT + LANE_HEIGHT / 2

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-timeline" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    out.append(_legend())

    # Lanes, with their agency's name on the left.
    lane_index = {name: index for index, name in enumerate(lane_names)}
    out.append('<g class="app-timeline__lanes">')
    for index, name in enumerate(lane_names):
        top = TOP + index * LANE_HEIGHT
        shade = "#f3f2f1" if index % 2 == 0 else "#ffffff"
        out.append(
            f'<rect x="0" y="{top}" width="{WIDTH}" height="{LANE_HEIGHT}" fill="{shade}"/>'
            f'<text x="8" y="{top + LANE_HEIGHT / 2 + 4:.1f}" fill="#0b0c0c">'
            f"<title>{escape(name)}</title>{escape(_short(name, LABEL_CHARS))}</text>"
        )
    out.append("</g>")

    # The axis: a line under the lanes, a tick and a label at each month or year, faint guides across the lanes.
    axis_y = TOP + max(1, len(lane_names)) * LANE_HEIGHT
    _kind, ticks = axis_ticks(start, end)
    out.append('<g class="app-timeline__axis">')
    out.append(f'<line x1="{plot_left}" y1="{axis_y}" x2="{plot_right}" y2="{axis_y}" stroke="#0b0c0c"/>')
    for tick in ticks:
        x = plot_left + (tick.on - start).days / days * plot_width
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{axis_y}" stroke="#b1b4b6" stroke-width="1"/>'
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 6}" stroke="#0b0c0c"/>'
            f'<text x="{x:.1f}" y="{axis_y + 22}" text-anchor="middle" fill="#0b0c0c">{escape(tick.label)}</text>'
        )
    out.append("</g>")

    # Marks, grouped by lane, pixel and look; key practice episodes last, so they are drawn on top.
    groups: dict[tuple[int, int, str, bool], list[TimelineEntry]] = {}
    month_bars: set[tuple[int, int, int]] = set()
    for entry in entries:
        last = month_end(entry.occurred_on) if entry.precision == "month" else entry.occurred_on
        if last < start or entry.occurred_on > end or entry.agency not in lane_index:
            continue
        lane = lane_index[entry.agency]
        significance = entry.significance if entry.significance in LOOKS else "routine"
        uncertain = entry.precision in UNCERTAIN
        if entry.precision == "month":
            first_x, last_x = x_of(max(entry.occurred_on, start)), x_of(min(last, end))
            month_bars.add((lane, round(first_x), round(last_x)))
            x = (first_x + last_x) / 2
        else:
            x = x_of(entry.occurred_on)
        groups.setdefault((lane, round(x / BUCKET) * BUCKET, significance, uncertain), []).append(entry)

    out.append('<g class="app-timeline__marks">')
    for lane, first_x, last_x in sorted(month_bars):
        y = y_of(lane) + 12
        out.append(
            f'<line x1="{first_x}" y1="{y:.1f}" x2="{last_x}" y2="{y:.1f}" stroke="#505a5f" stroke-width="2" '
            f'stroke-dasharray="3 2"/>'
        )
    order = {"routine": 0, "significant": 1, "key": 2}
    for (lane, x, significance, uncertain), grouped in sorted(groups.items(), key=lambda item: order[item[0][2]]):
        look = LOOKS[significance]
        labels = [_short(entry.label, TOOLTIP_CHARS) for entry in grouped[:TOOLTIP_LABELS]]
        if len(grouped) > TOOLTIP_LABELS:
            labels.append(f"and {len(grouped) - TOOLTIP_LABELS} more")
        heading = f"{len(grouped)} entries, {look.label.lower()}" if len(grouped) > 1 else look.label
        if uncertain:
            heading += " (date uncertain)"
        tooltip = escape("\n".join([f"{grouped[0].agency}: {heading}", *labels]))
        out.append(f"<g><title>{tooltip}</title>{_shape(look, x, y_of(lane), uncertain=uncertain)}</g>")
    out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _legend() -> str:
    """What each mark means, drawn with the marks themselves."""
    parts = ['<g class="app-timeline__legend">']
    x = 8
    for look in LOOKS.values():
        parts.append(_shape(look, x + 10, 24, uncertain=False))
        parts.append(f'<text x="{x + 26}" y="28" fill="#0b0c0c">{escape(look.label)}</text>')
        x += 40 + 8 * len(look.label)
    parts.append(_shape(LOOKS["routine"], x + 10, 24, uncertain=True))
    parts.append(f'<text x="{x + 26}" y="28" fill="#0b0c0c">Date uncertain (hollow, dashed)</text>')
    x += 40 + 8 * len("Date uncertain (hollow, dashed)")
    parts.append(
        f'<line x1="{x}" y1="24" x2="{x + 24}" y2="24" stroke="#505a5f" stroke-width="2" stroke-dasharray="3 2"/>'
    )
    parts.append(f'<text x="{x + 32}" y="28" fill="#0b0c0c">Month only</text>')
    parts.append("</g>")
    return "".join(parts)
