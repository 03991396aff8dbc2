"""The integrated chronology: every agency's latest submitted version merged in time order, with its marks, loaded
for a user (the page, the API, the timeline and the exports all come through here).

How a page stays fast however many entries there are:
- The page's rows are filtered, ordered (the order of `merge.merge_order`, written in SQL) and cut to one page by
  the database; their people, sources, the other entries their marks name, the lead reviewer's decisions and notes
  are each one more query on that page's keys. The number of queries is the same for 100 entries or 100,000.
- Marks that compare entries with each other (possible duplicates, contradictions) and the days with contact (for
  gaps) are computed over the whole set by the engine in `merge.py` from one lean query, and cached (Django's cache)
  under the review and the ids of the versions merged. A submitted version never changes, so the key changes
  exactly when an agency submits a new version, and nothing has to be invalidated. `integrated_marks_warm` fills
  the cache ahead of the first reader (after a submission). Gaps are then worked out per request from the cached
  days, for whatever threshold the reader asks.
- Marks always concern the whole merged chronology: a filter hides rows, not the entries they are compared with,
  and a gap is a period when no agency at all had contact, whichever agencies are shown.
- No source is read from the row itself.
"""

import bisect
import hashlib
import math
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.http import Http404

from casereview.chronology import merge
from casereview.chronology.dates import format_uk_date
from casereview.chronology.models import (
    THEMES,
    ChronologyEntry,
    ChronologyVersion,
    DatePrecision,
    EntryAnnotation,
    EntryPair,
    PairDecision,
    Significance,
)
from casereview.chronology.selectors import latest_submitted_versions
from casereview.chronology.timeline import TimelineEntry, month_end
from casereview.core.permissions import require_or_404
from casereview.records.models import CaseRecordFile
from casereview.reviews.models import Person, Review

PER_PAGE = 100
SUMMARY_CHARS = 100  # of what happened, on the timeline
MARKS_CACHE_SECONDS = 7 * 24 * 3600
MARKS_CACHE_VERSION = 2
SIGNIFICANCE_LABELS = dict(Significance.choices)
PRECISION_TAGS = {DatePrecision.MONTH: "Month only", DatePrecision.APPROXIMATE: "Approximate"}
PAIR_DECISION_LABELS = dict(PairDecision.choices)


def gap_days_default() -> int:
    return settings.CASEREVIEW_CHRONOLOGY_GAP_DAYS


# -- What the reader asks for -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegratedFilters:
    """Which entries to show. Empty sets mean every agency, every significance."""

    agencies: frozenset[int] = frozenset()
    person: int | None = None
    significance: frozenset[str] = frozenset()
    date_from: date | None = None
    date_to: date | None = None
    gap_days: int | None = None  # None: the setting

    @property
    def gap_threshold(self) -> int:
        return self.gap_days or gap_days_default()

    def as_data(self) -> dict:
        """JSON-safe, for the audit trail."""
        return {
            "agencies": sorted(self.agencies),
            "person": self.person,
            "significance": sorted(self.significance),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "gap_days": self.gap_threshold,
        }

    def describe(self, agency_names: dict[int, str], pseudonyms: dict[int, str]) -> list[str]:
        """The filters in words, for an export's heading."""
        words = []
        if self.agencies:
            names = sorted(agency_names.get(pk, "an agency no longer in the chronology") for pk in self.agencies)
            words.append(f"Agencies: {', '.join(names)}")
        if self.person is not None:
            words.append(f"Person: {pseudonyms.get(self.person, 'not on the register')}")
        if self.significance:
            chosen = [str(label) for value, label in Significance.choices if value in self.significance]
            words.append(f"Significance: {', '.join(chosen)}")
        if self.date_from or self.date_to:
            start = format_uk_date(self.date_from, "day") if self.date_from else "the start"
            end = format_uk_date(self.date_to, "day") if self.date_to else "the end"
            words.append(f"Period: {start} to {end}")
        return words


# -- Which versions --------------------------------------------------------------------------------------------


def integrated_versions_of(user, review: Review) -> list[ChronologyVersion]:
    """The versions the integrated chronology merges (each agency's latest submitted one), for a user who may see
    it; 404 for anyone else."""
    require_or_404(user, "chronology.view_integrated", review)
    return latest_submitted_versions(review)


def agency_rank(versions: list[ChronologyVersion]) -> Case | Value:
    """The agencies' places in the merge order (by name, as `merge.sort_key` compares them), as a SQL expression on
    the entry's version: ordering by it needs no join."""
    ranked = sorted(versions, key=lambda version: (version.agency.name.casefold(), version.agency_id))
    whens = [When(version_id=version.pk, then=Value(rank)) for rank, version in enumerate(ranked)]
    return Case(*whens, default=Value(len(ranked)), output_field=IntegerField()) if whens else Value(0)


def time_order() -> list:
    """The first part of `merge.sort_key` in SQL, which puts entries in groups of the same time: by date; a month-only
    entry first in its month; on one day the entries with a time first, by time."""
    return [
        "occurred_on",
        Case(When(precision=DatePrecision.MONTH, then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(
            When(Q(occurred_at__isnull=False) & ~Q(precision=DatePrecision.MONTH), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        F("occurred_at").asc(nulls_first=True),
    ]


def merge_order_by(versions: list[ChronologyVersion]) -> list:
    """`merge.sort_key` in SQL: the time order, then by agency name and the agency's sequence."""
    return [*time_order(), agency_rank(versions), "sequence", "pk"]


# The time order, then any fixed order: a page is cut in this order, which is cheaper than the merge order (whose
# agency names are a CASE over every agency, evaluated for every entry) and has the same groups in the same places.
CUT_ORDER = [*time_order(), "version_id", "sequence", "pk"]


def time_group(values: dict) -> tuple:
    """The entry's group of the same time: the part of `merge.sort_key` before the agency name."""
    month = values["precision"] == DatePrecision.MONTH
    timed = values["occurred_at"] is not None and not month
    return values["occurred_on"], 0 if month else 1, 0 if timed else 1, values["occurred_at"]


# What cutting a page reads of each entry: the sort keys, not the text (which would make the sort carry it).
CUT_FIELDS = ("pk", "version_id", "occurred_on", "occurred_at", "precision", "sequence")


def _merge_ordered_slice(
    entries: QuerySet[ChronologyEntry], versions: list[ChronologyVersion], offset: int, per_page: int
) -> tuple[list[int], dict | None]:
    """The ids of the entries at merge positions offset to offset + per_page, and the sort keys of the entry before
    them (None on the first page).

    The page is cut in `CUT_ORDER`, whose groups of the same time are the merge order's, in the same places; only
    the order within a group differs. So the groups inside the page are simply sorted by agency name here, and the
    two groups the page's edges may cut through are read whole (one more query) to take the rows the merge order
    puts inside the page. The row before the page has the date of the merge order's row before it (enough for gaps).
    """
    start = max(offset - 1, 0)
    cut = list(entries.order_by(*CUT_ORDER).values(*CUT_FIELDS)[start : offset + per_page])
    previous = cut.pop(0) if offset and cut else None
    if not cut:
        return [], previous
    ranked = sorted(versions, key=lambda version: (version.agency.name.casefold(), version.agency_id))
    rank = {version.pk: position for position, version in enumerate(ranked)}

    def cut_key(values: dict) -> tuple:
        return values["version_id"], values["sequence"], values["pk"]

    def merge_key(values: dict) -> tuple:
        return rank[values["version_id"]], values["sequence"], values["pk"]

    first, last = time_group(cut[0]), time_group(cut[-1])
    edges: dict[tuple, list[dict]] = {first: [], last: []}
    # By day alone, which the index on version and date finds at once; the groups are picked out here.
    for values in entries.filter(occurred_on__in={first[0], last[0]}).order_by().values(*CUT_FIELDS):
        group = time_group(values)
        if group in edges:
            edges[group].append(values)
    in_page: dict[tuple, list[dict]] = {}
    for values in cut:
        in_page.setdefault(time_group(values), []).append(values)
    ordered = []
    for group, rows in in_page.items():  # groups come in time order
        if group == first:
            whole = edges[group]
            before = [values["pk"] for values in sorted(whole, key=cut_key)].index(rows[0]["pk"])
            ordered += sorted(whole, key=merge_key)[before : before + len(rows)]
        elif group == last:
            ordered += sorted(edges[group], key=merge_key)[: len(rows)]
        else:
            ordered += sorted(rows, key=merge_key)
    return [values["pk"] for values in ordered], previous


def filtered_entries(versions: list[ChronologyVersion], filters: IntegratedFilters) -> QuerySet[ChronologyEntry]:
    """The merged chronology's entries that pass the filters, unordered."""
    version_ids = [v.pk for v in versions if not filters.agencies or v.agency_id in filters.agencies]
    entries = ChronologyEntry.objects.filter(version_id__in=version_ids)
    if filters.person is not None:
        entries = entries.filter(people=filters.person)
    if filters.significance:
        entries = entries.filter(significance__in=sorted(filters.significance))
    if filters.date_from:
        entries = entries.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(occurred_on__lte=filters.date_to)
    return entries


# -- Marks over the whole chronology ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherEntry:
    """The other entry a mark names: enough to recognise it."""

    pk: int
    key: str
    agency: str
    date_label: str
    what_happened: str


@dataclass(frozen=True)
class Marks:
    """What the engine found over the whole merged chronology, by entry key (str), with what a page shows of each
    entry a mark names (so that showing a mark costs no query)."""

    duplicates: dict[str, list[tuple[str, float]]]
    contradictions: dict[str, list[tuple[str, str]]]
    days: list[tuple[date, str]]  # each distinct (date, precision) with contact, for gaps
    others: dict[str, OtherEntry] = field(default_factory=dict)
    _gaps: dict[int, list[tuple[date, date]]] = field(default_factory=dict, compare=False, repr=False)

    def gaps(self, min_days: int) -> list[tuple[date, date]]:
        if min_days not in self._gaps:
            items = [
                merge.Item(str(n), "", on, precision, None, 0, frozenset(), "", "", "", True)
                for n, (on, precision) in enumerate(self.days)
            ]
            self._gaps[min_days] = merge.gaps(items, min_days)
        return self._gaps[min_days]


def _marks_cache_key(review: Review, versions: list[ChronologyVersion]) -> str:
    # The submission times as well as the ids: an id can come back after a rollback (tests), a time does not.
    ids = "-".join(f"{v.pk}.{v.submitted_at.timestamp():.6f}" for v in sorted(versions, key=lambda v: v.pk))
    digest = hashlib.sha256(ids.encode()).hexdigest()  # a short key, whatever the number of agencies
    return f"chronology-marks:{MARKS_CACHE_VERSION}:{review.pk}:{digest}"


def merge_items(versions: list[ChronologyVersion]) -> list[merge.Item]:
    """Every entry of the versions as the engine's `Item`, from two lean queries."""
    return [item for item, _pk, _what in _load(versions)]


OTHER_CHARS = 200  # of what happened, kept for each entry a mark names


def _load(versions: list[ChronologyVersion]) -> list[tuple[merge.Item, int, str]]:
    """Every entry of the versions: its `Item`, its id and the start of what happened."""
    agency_of = {v.pk: v.agency.name for v in versions}
    people: dict[int, set[int]] = defaultdict(set)
    through = ChronologyEntry.people.through
    for entry_id, person_id in through.objects.filter(chronologyentry__version_id__in=list(agency_of)).values_list(
        "chronologyentry_id", "person_id"
    ):
        people[entry_id].add(person_id)
    rows = (
        ChronologyEntry.objects.filter(version_id__in=list(agency_of))
        .order_by("pk")
        .values_list(
            "pk",
            "key",
            "version_id",
            "occurred_on",
            "precision",
            "occurred_at",
            "sequence",
            "practitioners",
            "what_happened",
            "action",
            "outcome",
            "source_file_id",
            "source_reference",
        )
    )
    return [
        (
            merge.Item(
                key=str(key),
                agency=agency_of[version_id],
                occurred_on=occurred_on,
                precision=precision,
                occurred_at=occurred_at,
                sequence=sequence,
                people=frozenset(people.get(pk, ())),
                practitioners=practitioners,
                text="\n".join(part for part in (what_happened, action, outcome) if part),
                outcome=outcome,
                has_source=bool(source_file_id or source_reference.strip()),
            ),
            pk,
            what_happened[:OTHER_CHARS],
        )
        for (
            pk,
            key,
            version_id,
            occurred_on,
            precision,
            occurred_at,
            sequence,
            practitioners,
            what_happened,
            action,
            outcome,
            source_file_id,
            source_reference,
        ) in rows
    ]


def compute_marks(versions: list[ChronologyVersion]) -> Marks:
    """Run the engine over the whole merged chronology (seconds for 100,000 entries)."""
    loaded = _load(versions)
    items = [item for item, _pk, _what in loaded]
    found_duplicates, found_contradictions = merge.duplicates_and_contradictions(items)
    duplicates: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for first, second, score in found_duplicates:
        duplicates[first].append((second, score))
        duplicates[second].append((first, score))
    contradictions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for first, second, reason in found_contradictions:
        contradictions[first].append((second, reason))
        contradictions[second].append((first, reason))
    days = sorted({(item.occurred_on, "month" if item.precision == "month" else "day") for item in items})
    marked = duplicates.keys() | contradictions.keys()
    others = {
        item.key: OtherEntry(
            pk, item.key, item.agency, format_uk_date(item.occurred_on, item.precision, item.occurred_at), what
        )
        for item, pk, what in loaded
        if item.key in marked
    }
    return Marks(dict(duplicates), dict(contradictions), days, others)


# The last few marks this process used, so that a page does not unpickle the whole set from the cache each time.
_recent: OrderedDict[str, Marks] = OrderedDict()
RECENT_MARKS = 4


def integrated_marks(review: Review, versions: list[ChronologyVersion]) -> Marks:
    """The marks of the merged chronology: from this process's memory, or the cache, or computed and cached."""
    if not versions:
        return Marks({}, {}, [])
    key = _marks_cache_key(review, versions)
    marks = _recent.get(key)
    if marks is None:
        marks = cache.get(key)
        if marks is None:
            marks = compute_marks(versions)
            cache.set(key, marks, MARKS_CACHE_SECONDS)
    _recent[key] = marks
    _recent.move_to_end(key)
    while len(_recent) > RECENT_MARKS:
        _recent.popitem(last=False)
    return marks


def integrated_marks_warm(review: Review) -> Marks:
    """Compute and cache the marks of the review's integrated chronology as it is now, so that the first reader
    does not wait: call after a version is submitted (unscoped: it shows nothing to anyone)."""
    return integrated_marks(review, latest_submitted_versions(review))


# -- One page --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateMark:
    other: OtherEntry
    score: float | None  # None: not marked by the engine, but linked or dismissed by the lead reviewer
    decision: str  # "", "linked" or "dismissed"
    note: str = ""

    @property
    def decision_label(self) -> str:
        return PAIR_DECISION_LABELS.get(self.decision, "")


@dataclass(frozen=True)
class ContradictionMark:
    other: OtherEntry
    reason: str


@dataclass(frozen=True)
class Annotation:
    note: str
    themes: list[str]
    written_by: str
    written_at: object


@dataclass
class IntegratedRow:
    pk: int
    key: str
    agency_id: int
    agency: str
    version_number: int
    occurred_on: date
    occurred_at: time | None
    precision: str
    date_text: str
    sequence: int
    significance: str
    practitioners: str
    what_happened: str
    action: str
    outcome: str
    analysis: str
    source_kind: str
    source: str
    has_source: bool
    people: list[str] = field(default_factory=list)
    duplicates: list[DuplicateMark] = field(default_factory=list)
    contradictions: list[ContradictionMark] = field(default_factory=list)
    annotation: Annotation | None = None

    @property
    def date_label(self) -> str:
        return format_uk_date(self.occurred_on, self.precision, self.occurred_at)

    @property
    def last_day(self) -> date:
        return month_end(self.occurred_on) if self.precision == DatePrecision.MONTH else self.occurred_on

    @property
    def precision_tag(self) -> str:
        return PRECISION_TAGS.get(self.precision, "")

    @property
    def significance_label(self) -> str:
        return str(SIGNIFICANCE_LABELS.get(self.significance, self.significance))

    @property
    def open_duplicates(self) -> list[DuplicateMark]:
        return [mark for mark in self.duplicates if not mark.decision]

    @property
    def is_gap(self) -> bool:
        return False


@dataclass(frozen=True)
class GapRow:
    """A period of at least the threshold with no contact from any agency, shown between two entries."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def is_gap(self) -> bool:
        return True


@dataclass
class IntegratedPage:
    versions: list[ChronologyVersion]
    filters: IntegratedFilters
    lines: list  # IntegratedRow and GapRow, in order
    count: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def rows(self) -> list[IntegratedRow]:
        return [line for line in self.lines if not line.is_gap]

    @property
    def gaps(self) -> list[GapRow]:
        return [line for line in self.lines if line.is_gap]

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.count else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.per_page, self.count)


ROW_FIELDS = (
    "pk",
    "key",
    "version_id",
    "occurred_on",
    "occurred_at",
    "precision",
    "date_text",
    "sequence",
    "significance",
    "practitioners",
    "what_happened",
    "action",
    "outcome",
    "analysis",
    "source_kind",
    "source_file_id",
    "source_reference",
)


def _source_labels(file_ids: set[int]) -> dict[int, str]:
    files = (
        CaseRecordFile.objects.filter(pk__in=file_ids).order_by().values_list("pk", "record__title", "version", "name")
    )
    return {pk: f"{title} (version {version}, {name})" for pk, title, version, name in files}


def _source_text(values: dict, files: dict[int, str]) -> str:
    parts = []
    if values["source_file_id"]:
        parts.append(files.get(values["source_file_id"], "A file in the records vault"))
    if values["source_reference"].strip():
        parts.append(values["source_reference"].strip())
    return "; ".join(parts)


def _people_of(entry_ids: list[int]) -> dict[int, list[str]]:
    through = ChronologyEntry.people.through
    found: dict[int, list[str]] = defaultdict(list)
    links = (
        through.objects.filter(chronologyentry_id__in=entry_ids)
        .order_by("person__pseudonym", "person_id")
        .values_list("chronologyentry_id", "person__pseudonym")
    )
    for entry_id, pseudonym in links:
        found[entry_id].append(pseudonym)
    return found


def _row(values: dict, versions: dict[int, ChronologyVersion], files: dict[int, str]) -> IntegratedRow:
    version = versions[values["version_id"]]
    return IntegratedRow(
        pk=values["pk"],
        key=str(values["key"]),
        agency_id=version.agency_id,
        agency=version.agency.name,
        version_number=version.number,
        occurred_on=values["occurred_on"],
        occurred_at=values["occurred_at"],
        precision=values["precision"],
        date_text=values["date_text"],
        sequence=values["sequence"],
        significance=values["significance"],
        practitioners=values["practitioners"],
        what_happened=values["what_happened"],
        action=values["action"],
        outcome=values["outcome"],
        analysis=values["analysis"],
        source_kind=values["source_kind"],
        source=_source_text(values, files),
        has_source=bool(values["source_file_id"] or values["source_reference"].strip()),
    )


def _decided_pairs(review: Review, keys: list[str]) -> dict[str, dict[str, EntryPair]]:
    """The lead reviewer's decisions on pairs that involve `keys`: {key: {other key: pair}}."""
    found: dict[str, dict[str, EntryPair]] = defaultdict(dict)
    for pair in EntryPair.objects.filter(review=review).filter(Q(first_key__in=keys) | Q(second_key__in=keys)):
        first, second = str(pair.first_key), str(pair.second_key)
        found[first][second] = pair
        found[second][first] = pair
    return found


def latest_annotations(review: Review, keys: list[str] | None = None) -> dict[str, Annotation]:
    """The latest note and themes on each entry key (all the review's, or only `keys`')."""
    notes = EntryAnnotation.objects.filter(review=review).select_related("written_by").order_by("written_at", "pk")
    if keys is not None:
        notes = notes.filter(entry_key__in=keys)
    return {
        str(note.entry_key): Annotation(note.note, list(note.themes), str(note.written_by), note.written_at)
        for note in notes
    }


def _others(versions: dict[int, ChronologyVersion], keys: set[str]) -> dict[str, OtherEntry]:
    if not keys:
        return {}
    rows = (
        ChronologyEntry.objects.filter(version_id__in=list(versions), key__in=sorted(keys))
        .order_by()
        .values_list("pk", "key", "version_id", "occurred_on", "precision", "occurred_at", "what_happened")
    )
    return {
        str(key): OtherEntry(
            pk, str(key), versions[version_id].agency.name, format_uk_date(on, precision, at), what_happened
        )
        for pk, key, version_id, on, precision, at, what_happened in rows
    }


def _last_day(values: dict) -> date:
    on = values["occurred_on"]
    return month_end(on) if values["precision"] == DatePrecision.MONTH else on


def _place_gaps(rows: list[IntegratedRow], previous: date | None, gaps: list[tuple[date, date]]) -> list:
    """The rows with a gap row before each row that a gap separates from the rows before it (`previous`: the last
    day of the entry before the page)."""
    starts = [first for first, _last in gaps]
    lines: list = []
    covered = previous
    for row in rows:
        if covered is not None:
            index = bisect.bisect_right(starts, covered)
            while index < len(gaps) and gaps[index][1] < row.occurred_on:
                lines.append(GapRow(*gaps[index]))
                index += 1
        lines.append(row)
        if covered is None or row.last_day > covered:
            covered = row.last_day
    return lines


def integrated_page(
    user, review: Review, filters: IntegratedFilters, number: int = 1, per_page: int = PER_PAGE
) -> IntegratedPage:
    """One page of the integrated chronology as the user may see it, with every mark. A fixed number of queries
    whatever the number of entries (see the module docstring)."""
    versions = integrated_versions_of(user, review)
    by_id = {version.pk: version for version in versions}
    entries = filtered_entries(versions, filters)
    count = entries.count() if versions else 0
    pages = max(1, math.ceil(count / per_page))
    number = min(max(1, number), pages)
    offset = (number - 1) * per_page
    ids, before = _merge_ordered_slice(entries, versions, offset, per_page) if versions else ([], None)
    by_pk = {values["pk"]: values for values in ChronologyEntry.objects.filter(pk__in=ids).values(*ROW_FIELDS)}
    found = [by_pk[pk] for pk in ids]
    files = _source_labels({values["source_file_id"] for values in found if values["source_file_id"]})
    rows = [_row(values, by_id, files) for values in found]
    previous = _last_day(before) if before else None
    marks = integrated_marks(review, versions)
    if rows:
        people = _people_of([row.pk for row in rows])
        for row in rows:
            row.people = people.get(row.pk, [])
        _attach_marks(review, marks, by_id, rows)
    lines = _place_gaps(rows, previous, marks.gaps(filters.gap_threshold))
    return IntegratedPage(versions, filters, lines, count, number, per_page)


def _attach_marks(review: Review, marks: Marks, by_id: dict[int, ChronologyVersion], rows: list[IntegratedRow]) -> None:
    keys = [row.key for row in rows]
    decided = _decided_pairs(review, keys)
    wanted: set[str] = set()
    for key in keys:
        wanted |= {other for other, _score in marks.duplicates.get(key, [])}
        wanted |= {other for other, _reason in marks.contradictions.get(key, [])}
        wanted |= set(decided.get(key, {}))
    others = {key: marks.others[key] for key in wanted if key in marks.others}
    others |= _others(by_id, wanted - others.keys())  # decided on entries the engine did not mark
    notes = latest_annotations(review, keys)
    for row in rows:
        pairs = decided.get(row.key, {})
        scored = dict(marks.duplicates.get(row.key, []))
        for other_key in [*scored, *(k for k in pairs if k not in scored)]:
            if other_key not in others:
                continue  # decided on an entry that a later version no longer has
            pair = pairs.get(other_key)
            row.duplicates.append(
                DuplicateMark(
                    others[other_key],
                    scored.get(other_key),
                    pair.decision if pair else "",
                    pair.note if pair else "",
                )
            )
        row.contradictions = [
            ContradictionMark(others[other_key], reason)
            for other_key, reason in marks.contradictions.get(row.key, [])
            if other_key in others
        ]
        row.annotation = notes.get(row.key)


# -- One entry -------------------------------------------------------------------------------------------------


def integrated_entry_for_user_or_404(user, review: Review, pk) -> IntegratedRow:
    """An entry of the merged chronology (in an agency's latest submitted version), with its marks."""
    versions = integrated_versions_of(user, review)
    by_id = {version.pk: version for version in versions}
    try:
        values = ChronologyEntry.objects.filter(version_id__in=list(by_id)).values(*ROW_FIELDS).get(pk=pk)
    except (ChronologyEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such entry") from None
    files = _source_labels({values["source_file_id"]} if values["source_file_id"] else set())
    row = _row(values, by_id, files)
    row.people = _people_of([row.pk]).get(row.pk, [])
    _attach_marks(review, integrated_marks(review, versions), by_id, [row])
    return row


def integrated_keys(review: Review, keys: list[str]) -> set[str]:
    """Which of `keys` are entries of the review's merged chronology now (unscoped: for the services)."""
    version_ids = [version.pk for version in latest_submitted_versions(review)]
    found = (
        ChronologyEntry.objects.filter(version_id__in=version_ids, key__in=keys)
        .order_by()
        .values_list("key", flat=True)
    )
    return {str(key) for key in found}


def annotations_of(review: Review, key: str) -> list[EntryAnnotation]:
    """Every note on an entry, newest first (the history of the lead reviewer's notes)."""
    return list(
        EntryAnnotation.objects.filter(review=review, entry_key=key)
        .select_related("written_by")
        .order_by("-written_at", "-pk")
    )


def theme_choices() -> list[tuple[str, str]]:
    return [(theme, theme) for theme in THEMES]


# -- The timeline ----------------------------------------------------------------------------------------------


def integrated_timeline(user, review: Review, filters: IntegratedFilters) -> tuple[list[str], list[TimelineEntry]]:
    """The lanes (agency names, in merge order) and the entries the timeline draws, with the filters applied."""
    versions = integrated_versions_of(user, review)
    by_id = {version.pk: version for version in versions}
    lanes = [v.agency.name for v in sorted(versions, key=lambda v: (v.agency.name.casefold(), v.agency_id))]
    if not versions:
        return lanes, []
    rows = (
        filtered_entries(versions, filters)
        .order_by(*merge_order_by(versions))
        .annotate(summary=Substr("what_happened", 1, SUMMARY_CHARS))
        .values_list("version_id", "occurred_on", "occurred_at", "precision", "significance", "summary")
    )
    entries = [
        TimelineEntry(
            agency=by_id[version_id].agency.name,
            occurred_on=on,
            precision=precision,
            significance=significance,
            date_label=format_uk_date(on, precision, at),
            summary=f"{summary}…" if len(summary) >= SUMMARY_CHARS else summary,
        )
        for version_id, on, at, precision, significance, summary in rows
    ]
    return lanes, entries


def integrated_period(user, review: Review, filters: IntegratedFilters) -> tuple[date, date] | None:
    """The first and last day of the entries the filters show, leaving the period aside: the whole picture the
    timeline zooms out to."""
    versions = integrated_versions_of(user, review)
    if not versions:
        return None
    unbounded = IntegratedFilters(filters.agencies, filters.person, filters.significance, gap_days=filters.gap_days)
    found = filtered_entries(versions, unbounded).aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
    if found["first"] is None:
        return None
    return found["first"], month_end(found["last"]) if found["last"].day == 1 else found["last"]


def pseudonyms_of(review: Review) -> dict[int, str]:
    return dict(Person.objects.filter(review=review).order_by("pseudonym", "pk").values_list("pk", "pseudonym"))


# -- Rows for the exports --------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "pk",
    "key",
    "version_id",
    "occurred_on",
    "occurred_at",
    "precision",
    "date_text",
    "significance",
    "practitioners",
    "what_happened",
    "action",
    "outcome",
    "analysis",
    "source_file_id",
    "source_reference",
)
EXPORT_CHUNK = 2_000


def _people_by_entry(entries: QuerySet[ChronologyEntry]) -> dict[int, str]:
    through = ChronologyEntry.people.through
    found: dict[int, list[str]] = defaultdict(list)
    links = (
        through.objects.filter(chronologyentry__in=entries.values("pk"))
        .order_by("person__pseudonym", "person_id")
        .values_list("chronologyentry_id", "person__pseudonym")
    )
    for entry_id, pseudonym in links:
        found[entry_id].append(pseudonym)
    return {entry_id: ", ".join(names) for entry_id, names in found.items()}


def _export_rows(entries: QuerySet[ChronologyEntry], order_by: list, agency_of: dict[int, str]) -> Iterator[dict]:
    people = _people_by_entry(entries)
    file_ids = set(
        entries.filter(source_file__isnull=False).order_by().values_list("source_file_id", flat=True).distinct()
    )
    files = _source_labels(file_ids)
    for values in entries.order_by(*order_by).values(*EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK):
        values["agency"] = agency_of[values["version_id"]]
        values["people"] = people.get(values["pk"], "")
        values["source"] = _source_text(values, files)
        values["significance_code"] = values["significance"]
        values["significance"] = SIGNIFICANCE_LABELS.get(values["significance"], values["significance"])
        yield values


def version_export_rows(user, version: ChronologyVersion) -> Iterator[dict]:
    """Every entry of one agency's version, in time order, as the exports take them (the caller has loaded the
    version for the user with `version_for_user_or_404`)."""
    require_or_404(user, "chronology.view_version", version)
    entries = ChronologyEntry.objects.filter(version=version)
    order_by = ["occurred_on", F("occurred_at").asc(nulls_first=True), "sequence", "pk"]
    return _export_rows(entries, order_by, {version.pk: version.agency.name})


def _marks_text(key: str, marks: Marks, others: dict[str, str], decided: dict[str, dict[str, EntryPair]]) -> str:
    words = []
    for other, _score in marks.duplicates.get(key, []):
        pair = decided.get(key, {}).get(other)
        state = f" ({PAIR_DECISION_LABELS[pair.decision].lower()})" if pair else ""
        words.append(f"Possible duplicate of {others.get(other, 'another entry')}{state}")
    for other, reason in marks.contradictions.get(key, []):
        words.append(f"Contradiction with {others.get(other, 'another entry')}: {reason}")
    return "\n".join(words)


def integrated_export_rows(user, review: Review, filters: IntegratedFilters) -> Iterator[dict]:
    """The integrated chronology with the filters applied, in merge order, each row with its marks (in words),
    the lead reviewer's latest note and themes, as the exports take them."""
    versions = integrated_versions_of(user, review)
    if not versions:
        return iter(())
    marks = integrated_marks(review, versions)
    notes = latest_annotations(review)
    decided: dict[str, dict[str, EntryPair]] = defaultdict(dict)
    for pair in EntryPair.objects.filter(review=review):
        decided[str(pair.first_key)][str(pair.second_key)] = pair
        decided[str(pair.second_key)][str(pair.first_key)] = pair
    others = {key: f"{other.agency}, {other.date_label}" for key, other in marks.others.items()}
    rows = _export_rows(
        filtered_entries(versions, filters), merge_order_by(versions), {v.pk: v.agency.name for v in versions}
    )

    def with_marks() -> Iterator[dict]:
        for values in rows:
            key = str(values["key"])
            found = [] if values["source_file_id"] or values["source_reference"].strip() else ["No source"]
            if key in marks.others:
                found.append(_marks_text(key, marks, others, decided))
            values["marks"] = "\n".join(found)
            note = notes.get(key)
            values["note"] = note.note if note else ""
            values["themes"] = ", ".join(note.themes) if note else ""
            yield values

    return with_marks()
