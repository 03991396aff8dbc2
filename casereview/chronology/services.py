"""The only code that writes agency chronologies: start a draft (a copy of the last submitted version), add, change
and remove its entries one by one or in bulk, submit it (which locks it), and audit every read of it."""

import itertools
import logging
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from casereview.accounts.models import Agency
from casereview.audit.services import audit_read, audit_record
from casereview.chronology.dates import EARLIEST_YEAR, TEXT_MAX_LENGTH, DateError, format_uk_date, parse_uk_date
from casereview.chronology.exports import (
    AGENCY_DOCX,
    AGENCY_XLSX,
    DOCX_CONTENT_TYPE,
    INTEGRATED_DOCX,
    INTEGRATED_XLSX,
    XLSX_CONTENT_TYPE,
    Heading,
    export_filename,
    write_docx,
    write_xlsx,
)
from casereview.chronology.integrated import (
    IntegratedFilters,
    integrated_export_rows,
    integrated_keys,
    integrated_marks_warm,
    pseudonyms_of,
    version_export_rows,
)
from casereview.chronology.models import (
    THEMES,
    ChronologyEntry,
    ChronologyVersion,
    DatePrecision,
    EntryAnnotation,
    EntryPair,
    PairDecision,
    Significance,
    SourceKind,
)
from casereview.chronology.selectors import (
    AgencyChronology,
    agency_record_files,
    current_draft,
    latest_submitted_versions,
)
from casereview.core.errors import Conflict, Invalid
from casereview.core.permissions import require_or_refuse
from casereview.core.text import text_errors
from casereview.panel.services import independence_recheck
from casereview.records.models import CaseRecordFile
from casereview.reviews.models import Person, Review

# What an entry is made of, as `entry_add`, `entry_change` and each row of `entries_add_bulk` take it. The date is
# either `date` (the text as written, read by `parse_uk_date`) or `occurred_on`, `precision` and `occurred_at`
# already read (with `date_text`, the text as written, if known).
DATE_TEXT_KEY = "date"
PARSED_DATE_KEYS = frozenset({"occurred_on", "precision", "occurred_at", "date_text"})
ENTRY_KEYS = frozenset(
    {
        DATE_TEXT_KEY,
        *PARSED_DATE_KEYS,
        "sequence",
        "source_kind",
        "source_file",
        "source_reference",
        "people",
        "practitioners",
        "what_happened",
        "action",
        "outcome",
        "significance",
        "analysis",
    }
)
# Free text: one line, or several (kept as written, with Windows line ends made plain).
ONE_LINE_FIELDS = ("source_reference", "practitioners")
MULTILINE_FIELDS = ("what_happened", "action", "outcome", "analysis")
ENTRY_FIELDS = (
    "occurred_on",
    "occurred_at",
    "precision",
    "date_text",
    "sequence",
    "source_kind",
    "source_file",
    "source_reference",
    "practitioners",
    "what_happened",
    "action",
    "outcome",
    "significance",
    "analysis",
)
TEXT_LIMITS = {field: ChronologyEntry._meta.get_field(field).max_length for field in ONE_LINE_FIELDS}
MAX_SEQUENCE = 99_999
BULK_MAX_ROWS = 200_000
BULK_BATCH = 2_000

SIGNIFICANCE_WORDS = {value: value for value in Significance.values} | {
    str(label).casefold(): value for value, label in Significance.choices
}
SOURCE_KIND_WORDS = {value: value for value in SourceKind.values}
PRECISIONS = frozenset(DatePrecision.values)  # read once: Django builds `.values` again on every access

MESSAGES = {
    "what_happened": "Enter what happened",
    "significance": "Choose the significance: routine, significant or key practice episode",
    "source_kind": "Choose where the entry comes from: a file in the records vault, an interview or another reference",
    "source_file_missing": "Choose the file in the records vault the entry comes from",
    "source_file_unknown": "Choose a file from this agency's records vault on this review",
    "source_file_not_record": "Choose a file only when the entry comes from the records vault",
    "interview_reference": "Enter which interview the entry comes from, for example the worker's role and the date",
    "other_reference": "Enter the reference the entry comes from",
    "sequence": f"Enter the order on the day as a whole number from 1 to {MAX_SEQUENCE}",
    "people": "Choose people from this review's people register",
    "precision": "Choose how exact the date is: date and time, day, month only or approximate",
}

log = logging.getLogger(__name__)


class RowsInvalid(Invalid):
    """Rows refused by `entries_add_bulk`. `errors` maps "row N" (1-based) to all of that row's problems in one
    message; `rows` maps N to {field: message}, for a preview that shows each problem in its column."""

    def __init__(self, rows: dict[int, dict[str, str]]):
        self.rows = rows
        super().__init__(errors={f"row {number}": "; ".join(problems.values()) for number, problems in rows.items()})


def _lock_review(review: Review) -> None:
    """One change to a review's chronologies at a time, so version numbers and the one draft stay right."""
    Review.objects.select_for_update().filter(pk=review.pk).first()


def submitted_refusal(version: ChronologyVersion) -> Conflict:
    on = format_uk_date(timezone.localtime(version.submitted_at).date(), "day")
    return Conflict(f"This chronology was submitted on {on}: start a new version to change it")


def _locked_draft(version: ChronologyVersion) -> ChronologyVersion:
    """The version read again under a lock, refused if it was submitted (here or meanwhile)."""
    _lock_review(version.review)
    current = ChronologyVersion.objects.select_related("review", "agency").get(pk=version.pk)
    if current.is_submitted:
        raise submitted_refusal(current)
    return current


# -- Checking an entry --------------------------------------------------------------------------------------


@dataclass
class EntryContext:
    """What an entry is checked against, loaded once for any number of entries: the review's people register and
    the agency's files in the records vault."""

    review: Review
    agency: Agency
    today: date
    people_by_pk: dict[int, Person]
    people_by_pseudonym: dict[str, Person]
    files_by_pk: dict[int, CaseRecordFile]

    @classmethod
    def load(cls, review: Review, agency: Agency) -> "EntryContext":
        people = list(Person.objects.filter(review=review).only("id", "pseudonym", "review_id"))
        files = {f.pk: f for f in agency_record_files(review, agency)}
        return cls(
            review=review,
            agency=agency,
            today=timezone.localdate(),
            people_by_pk={person.pk: person for person in people},
            people_by_pseudonym={person.pseudonym.casefold(): person for person in people},
            files_by_pk=files,
        )


def _text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _check_date(values: dict, context: EntryContext, errors: dict) -> dict:
    if DATE_TEXT_KEY in values:
        try:
            parsed = parse_uk_date(_text(values[DATE_TEXT_KEY]), today=context.today)
        except DateError as problem:
            errors["date"] = str(problem)
            return {}
        return {
            "occurred_on": parsed.occurred_on,
            "occurred_at": parsed.occurred_at,
            "precision": parsed.precision,
            "date_text": parsed.text,
        }
    return _check_parsed_date(values, context, errors)


def _check_parsed_date(values: dict, context: EntryContext, errors: dict) -> dict:
    """A date given already read: the same rules as `parse_uk_date`, and the text as written if not given."""
    occurred_on, occurred_at = values.get("occurred_on"), values.get("occurred_at")
    precision = values.get("precision") or (DatePrecision.DATE_AND_TIME if occurred_at else DatePrecision.DAY)
    if isinstance(occurred_on, datetime):
        occurred_on = occurred_on.date()
    if not isinstance(occurred_on, date):
        errors["date"] = "Enter the date, like 31/03/2021 or March 2021"
        return {}
    if precision not in PRECISIONS:
        errors["date"] = MESSAGES["precision"]
        return {}
    if occurred_at is not None and not isinstance(occurred_at, time):
        errors["date"] = "Enter the time as a time of day, like 14:30"
        return {}
    if precision == DatePrecision.DATE_AND_TIME and occurred_at is None:
        errors["date"] = "Enter the time as well as the date, like 31/03/2021 14:30"
        return {}
    if precision in (DatePrecision.DAY, DatePrecision.MONTH):
        occurred_at = None
    if precision == DatePrecision.MONTH:
        occurred_on = occurred_on.replace(day=1)
    if occurred_on.year < EARLIEST_YEAR:
        errors["date"] = f"Enter a date from {EARLIEST_YEAR} onwards, like 31/03/2021 or March 2021"
        return {}
    try:
        latest = context.today.replace(year=context.today.year + 1)
    except ValueError:  # 29 February
        latest = context.today.replace(year=context.today.year + 1, day=28)
    if occurred_on > latest:
        errors["date"] = f"Enter a date no later than {format_uk_date(latest, 'day')}: check the year"
        return {}
    written = " ".join(_text(values.get("date_text")).split())
    if not written or len(written) > TEXT_MAX_LENGTH or "\x00" in written:
        written = format_uk_date(occurred_on, precision, occurred_at)
    return {"occurred_on": occurred_on, "occurred_at": occurred_at, "precision": precision, "date_text": written}


def _check_sequence(value, errors: dict) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEQUENCE:
        errors["sequence"] = MESSAGES["sequence"]
        return None
    return value


def _check_people(value, context: EntryContext, errors: dict) -> list[Person]:
    """People on the review's register, given as `Person`s, their ids or their pseudonyms."""
    if value is None or value == "":
        return []
    if isinstance(value, str | int | Person):
        value = [value]
    found: dict[int, Person] = {}
    unknown = []
    for item in value:
        person = None
        if isinstance(item, Person):
            person = context.people_by_pk.get(item.pk)
        elif isinstance(item, int) and not isinstance(item, bool):
            person = context.people_by_pk.get(item)
        elif isinstance(item, str) and item.strip():
            person = context.people_by_pseudonym.get(" ".join(item.split()).casefold())
            if person is None:
                unknown.append(" ".join(item.split()))
                continue
        elif isinstance(item, str):
            continue
        if person is None:
            errors["people"] = MESSAGES["people"]
            return []
        found[person.pk] = person
    if unknown:
        names = ", ".join(f'"{name[:100]}"' for name in unknown[:5])
        errors["people"] = f"{MESSAGES['people']}: {names} {'is' if len(unknown) == 1 else 'are'} not on it"
        return []
    return list(found.values())


def _check_source(
    values: dict, reference: str, context: EntryContext, errors: dict
) -> tuple[str, CaseRecordFile | None]:
    kind = _text(values.get("source_kind")).strip()
    given = values.get("source_file")
    record_file = None
    if given not in (None, "", 0):
        pk = given.pk if isinstance(given, CaseRecordFile) else given
        if isinstance(pk, str) and pk.strip().isdigit():
            pk = int(pk)
        record_file = context.files_by_pk.get(pk) if isinstance(pk, int) and not isinstance(pk, bool) else None
        if record_file is None:
            errors["source_file"] = MESSAGES["source_file_unknown"]
    if kind and kind not in SOURCE_KIND_WORDS:
        errors["source_kind"] = MESSAGES["source_kind"]
        return "", None
    if not kind:
        kind = SourceKind.RECORD if given not in (None, "", 0) else SourceKind.OTHER if reference else ""
    if kind == SourceKind.RECORD and given in (None, "", 0):
        errors["source_file"] = MESSAGES["source_file_missing"]
    elif kind != SourceKind.RECORD and given not in (None, "", 0):
        errors["source_file"] = MESSAGES["source_file_not_record"]
    elif kind == SourceKind.INTERVIEW and not reference:
        errors["source_reference"] = MESSAGES["interview_reference"]
    elif kind == SourceKind.OTHER and not reference:
        errors["source_reference"] = MESSAGES["other_reference"]
    return kind, record_file


def clean_entry(values: dict, context: EntryContext) -> tuple[dict, list[Person], dict[str, str]]:
    """An entry's values checked: (model field values, people, errors by field). Nothing is written."""
    if not ENTRY_KEYS.issuperset(values):
        raise TypeError(f"Unknown chronology entry values: {', '.join(sorted(set(values) - ENTRY_KEYS))}")
    errors: dict[str, str] = {}
    texts = {}
    suspect = False
    for field in ONE_LINE_FIELDS:
        text = texts[field] = " ".join(_text(values.get(field)).split())
        suspect = suspect or len(text) > TEXT_LIMITS[field] or "\x00" in text
    for field in MULTILINE_FIELDS:
        text = _text(values.get(field))
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = texts[field] = text.strip()
        suspect = suspect or "\x00" in text
    if suspect:  # text_errors says what is wrong; only asked when something is, as it is slow for many rows
        errors |= text_errors(texts, ChronologyEntry)
    if "what_happened" not in errors and not texts["what_happened"]:
        errors["what_happened"] = MESSAGES["what_happened"]
    when = _check_date(values, context, errors)
    sequence = _check_sequence(values.get("sequence"), errors)
    significance = _text(values.get("significance")).strip()
    significance = SIGNIFICANCE_WORDS.get(significance.casefold(), "") if significance else Significance.ROUTINE
    if not significance:
        errors["significance"] = MESSAGES["significance"]
    source_kind, source_file = _check_source(values, texts["source_reference"], context, errors)
    people = _check_people(values.get("people"), context, errors)
    fields = {
        **when,
        **texts,
        "sequence": sequence,
        "significance": significance,
        "source_kind": source_kind,
        "source_file": source_file,
    }
    return fields, people, errors


def _date_values(entry: ChronologyEntry) -> dict:
    return {
        "occurred_on": entry.occurred_on,
        "occurred_at": entry.occurred_at,
        "precision": entry.precision,
        "date_text": entry.date_text,
    }


def _current_values(entry: ChronologyEntry) -> dict:
    values = {field: getattr(entry, field) for field in ENTRY_FIELDS if field not in PARSED_DATE_KEYS}
    values["source_file"] = entry.source_file_id
    values["people"] = [person.pk for person in entry.people.all()]
    return values | _date_values(entry)


def _next_sequences(version: ChronologyVersion, exclude: int | None = None) -> dict[date, int]:
    """The last sequence used on each day of the version."""
    entries = ChronologyEntry.objects.filter(version=version)
    if exclude is not None:
        entries = entries.exclude(pk=exclude)
    rows = entries.values("occurred_on").annotate(last=Max("sequence")).values_list("occurred_on", "last")
    return dict(rows)


# -- Versions -------------------------------------------------------------------------------------------------


@transaction.atomic
def chronology_draft(*, actor, review: Review, agency: Agency) -> ChronologyVersion:
    """The agency's draft on the review: the one it has, or a new one. A new draft is version 1, or the next
    number with a copy of the latest submitted version's entries (same keys, same people)."""
    chronology = AgencyChronology(review, agency)
    require_or_refuse(actor, "chronology.edit", chronology, "change this agency's chronology")
    _lock_review(review)
    draft = current_draft(review, agency)
    if draft is not None:
        return draft
    previous = (
        ChronologyVersion.objects.filter(review=review, agency=agency, submitted_at__isnull=False)
        .order_by("-number")
        .first()
    )
    draft = ChronologyVersion.objects.create(
        review=review, agency=agency, number=previous.number + 1 if previous else 1, created_by=actor
    )
    copied = _copy_entries(previous, draft) if previous is not None else 0
    audit_record(
        actor=actor,
        action="chronology.version_started",
        obj=draft,
        review=review,
        data={
            "agency": agency.pk,
            "number": draft.number,
            "copied_from": previous.number if previous else None,
            "entries": copied,
        },
    )
    return draft


def _copy_entries(source: ChronologyVersion, target: ChronologyVersion) -> int:
    """Copy every entry of `source` into `target`, keeping each entry's key and people."""
    old = list(ChronologyEntry.objects.filter(version=source).order_by("pk").values("pk", "key", *ENTRY_COLUMNS))
    people_of: dict[int, list[int]] = {}
    links = ChronologyEntry.people.through.objects.filter(chronologyentry__version=source)
    for entry_id, person_id in links.values_list("chronologyentry_id", "person_id"):
        people_of.setdefault(entry_id, []).append(person_id)
    _insert(target, [(row["key"], row) for row in old], [people_of.get(row["pk"], []) for row in old])
    return len(old)


# The columns of an entry after its id, in the model's order.
_COLUMNS = [field for field in ChronologyEntry._meta.concrete_fields if not field.primary_key]
ENTRY_COLUMNS = [field.attname for field in _COLUMNS if field.attname not in ("version_id", "key")]
assert ENTRY_COLUMNS[:2] == ["occurred_on", "occurred_at"], "_insert adapts the date and time by position"


def _insert(version: ChronologyVersion, entries: list[tuple[uuid.UUID, dict]], people: list[list[int]]) -> list:
    """Insert new entries of `version`, each a key and its values by column (`source_file_id`, not `source_file`),
    with their people (ids). The ORM's bulk_create spends seconds per 100,000 rows preparing values one by one;
    an executemany of the same values, made by the backend's own adapters, takes a fraction of that. The ids are
    read back by key, which is unique within a version. Returns the entries, saved."""
    ops = connection.ops
    native_uuid = connection.features.has_native_uuid_field
    db_keys = [key if native_uuid else key.hex for key, _values in entries]
    on_db, at_db = ops.adapt_datefield_value, ops.adapt_timefield_value
    rows = (
        [
            version.pk,
            db_key,
            on_db(values["occurred_on"]),
            at_db(values["occurred_at"]) if values["occurred_at"] is not None else None,
            *(values[column] for column in ENTRY_COLUMNS[2:]),
        ]
        for db_key, (_key, values) in zip(db_keys, entries, strict=True)
    )
    _execute_many(ChronologyEntry, ENTRY_COLUMNS_ALL, rows)
    table, opts = ops.quote_name(ChronologyEntry._meta.db_table), ChronologyEntry._meta
    with connection.cursor() as cursor:
        # Only the model's own table and column names, quoted by the backend, go into the text; values are bound.
        cursor.execute(
            f"SELECT {ops.quote_name(opts.get_field('key').column)}, {ops.quote_name(opts.pk.column)} FROM {table} "  # nosec B608
            f"WHERE {ops.quote_name(opts.get_field('version').column)} = %s",
            [version.pk],
        )
        ids = dict(cursor.fetchall())
    _execute_many(
        ChronologyEntry.people.through,
        ["chronologyentry_id", "person_id"],
        (
            [ids[db_key], person_id]
            for db_key, person_ids in zip(db_keys, people, strict=True)
            for person_id in person_ids
        ),
    )
    saved = []
    for db_key, (key, values) in zip(db_keys, entries, strict=True):
        entry = ChronologyEntry(ids[db_key], version.pk, key, *(values[column] for column in ENTRY_COLUMNS))
        entry._state.adding = False
        entry._state.db = connection.alias
        saved.append(entry)
    return saved


ENTRY_COLUMNS_ALL = ["version_id", "key", *ENTRY_COLUMNS]


def _execute_many(model, columns: list[str], rows: Iterable[list]) -> None:
    """INSERT rows (values already adapted for the database) into the model's table, in batches."""
    ops = connection.ops
    names = ", ".join(ops.quote_name(model._meta.get_field(column).column) for column in columns)
    # Only the model's own table and column names, quoted by the backend, go into the text; values are bound.
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # nosec B608
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, BULK_BATCH)):
            cursor.executemany(sql, batch)


@transaction.atomic
def chronology_submit(*, actor, version: ChronologyVersion) -> ChronologyVersion:
    """Submit the draft to the panel and the lead reviewer. It is then locked: a change starts a new version."""
    require_or_refuse(actor, "chronology.edit", version, "submit this agency's chronology")
    version = _locked_draft(version)
    entries = ChronologyEntry.objects.filter(version=version).count()
    if not entries:
        raise Conflict("Add at least one entry before you submit the chronology")
    version.submitted_at = timezone.now()
    version.submitted_by = actor
    version.save(update_fields=["submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="chronology.submitted",
        obj=version,
        review=version.review,
        data={"agency": version.agency_id, "number": version.number, "entries": entries},
    )
    independence_recheck(review=version.review)  # the practitioners it names are now known to the panel's check
    transaction.on_commit(lambda: _warm_marks(version.review))
    return version


def _warm_marks(review: Review) -> None:
    """Compute the integrated chronology's marks once the submission is committed, so that the first reader does
    not wait for them; a failure here only leaves that work to the first reader."""
    try:
        integrated_marks_warm(review)
    except Exception:
        log.exception("Could not compute the integrated chronology's marks of review %s", review.pk)


# -- Entries --------------------------------------------------------------------------------------------------


@transaction.atomic
def entry_add(*, actor, version: ChronologyVersion, **values) -> ChronologyEntry:
    """Add an entry to a draft. `values` are those of ENTRY_KEYS: the date as `date` (text, like "?22 May 2016")
    or as `occurred_on`, `precision` and `occurred_at`; `what_happened` is required; `sequence` defaults to the
    next on that day; `people` are `Person`s, ids or pseudonyms on the review's register; `source_file` is a
    `CaseRecordFile` (or its id) of the agency's on the review."""
    require_or_refuse(actor, "chronology.edit", version, "change this agency's chronology")
    version = _locked_draft(version)
    fields, people, errors = clean_entry(values, EntryContext.load(version.review, version.agency))
    Invalid.check(errors)
    if fields["sequence"] is None:
        fields["sequence"] = _next_sequences(version).get(fields["occurred_on"], 0) + 1
    entry = ChronologyEntry.objects.create(version=version, **fields)
    entry.people.set(people)
    audit_record(
        actor=actor,
        action="chronology.entry_added",
        obj=entry,
        review=version.review,
        data={"agency": version.agency_id, "version": version.number, "key": str(entry.key)},
    )
    if entry.practitioners:
        independence_recheck(review=version.review)
    return entry


@transaction.atomic
def entry_change(*, actor, entry: ChronologyEntry, **values) -> ChronologyEntry:
    """Change an entry of a draft; values not given keep theirs (see `entry_add`). A `date` given is read again;
    `sequence` None puts the entry last on its day."""
    version = entry.version
    require_or_refuse(actor, "chronology.edit", version, "change this agency's chronology")
    version = _locked_draft(version)
    entry = ChronologyEntry.objects.select_related("source_file").prefetch_related("people").get(pk=entry.pk)
    current = _current_values(entry)
    merged = current | values
    if values.get("source_kind") not in (None, SourceKind.RECORD) and "source_file" not in values:
        merged["source_file"] = None  # the source is no longer a file
    if DATE_TEXT_KEY in values or PARSED_DATE_KEYS & set(values):
        for key in PARSED_DATE_KEYS - set(values):  # a date given replaces the whole date, text as written too
            merged.pop(key, None)
    fields, people, errors = clean_entry(merged, EntryContext.load(version.review, version.agency))
    Invalid.check(errors)
    if fields["sequence"] is None or ("sequence" not in values and fields["occurred_on"] != entry.occurred_on):
        fields["sequence"] = _next_sequences(version, exclude=entry.pk).get(fields["occurred_on"], 0) + 1
    changed = sorted(field for field, value in fields.items() if getattr(entry, field) != value)
    if sorted(current["people"]) != sorted(person.pk for person in people):
        changed.append("people")
    for field, value in fields.items():
        setattr(entry, field, value)
    entry.save()
    entry.people.set(people)
    audit_record(
        actor=actor,
        action="chronology.entry_changed",
        obj=entry,
        review=version.review,
        data={"agency": version.agency_id, "version": version.number, "key": str(entry.key), "changed": changed},
    )
    if "practitioners" in changed:
        independence_recheck(review=version.review)
    return entry


@transaction.atomic
def entry_remove(*, actor, entry: ChronologyEntry) -> None:
    """Take an entry out of a draft. Submitted versions keep theirs: the entry stays in them."""
    version = entry.version
    require_or_refuse(actor, "chronology.edit", version, "change this agency's chronology")
    version = _locked_draft(version)
    audit_record(
        actor=actor,
        action="chronology.entry_removed",
        obj=entry,
        review=version.review,
        data={"agency": version.agency_id, "version": version.number, "key": str(entry.key)},
    )
    ChronologyEntry.objects.filter(pk=entry.pk).delete()  # with its links to people


@transaction.atomic
def entries_add_bulk(*, actor, version: ChronologyVersion, rows: list[dict]) -> list[ChronologyEntry]:
    """Add many entries to a draft, all or nothing. Every row is checked before anything is written; if any is
    refused, `RowsInvalid` (an `Invalid`) lists every problem of every refused row, by row number from 1, and
    nothing is added. Each row holds the values `entry_add` takes: the date as `date` (text) or as `occurred_on`,
    `precision` and `occurred_at` already read (with `date_text`, the text as written, if known); people as
    `Person`s, ids or pseudonyms. Sequences left out follow on from the version's last on that day, in row order.
    The entries and their people are inserted in bulk, in batches."""
    require_or_refuse(actor, "chronology.edit", version, "change this agency's chronology")
    version = _locked_draft(version)
    if not rows:
        raise Invalid("There are no entries to add", field="rows")
    if len(rows) > BULK_MAX_ROWS:
        raise Invalid(f"Add at most {BULK_MAX_ROWS:,} entries at a time", field="rows")
    context = EntryContext.load(version.review, version.agency)
    problems: dict[int, dict[str, str]] = {}
    checked = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems[number] = {"__all__": "Each entry must be a set of named values"}
            continue
        fields, people, errors = clean_entry(row, context)
        if errors:
            problems[number] = errors
        elif not problems:
            checked.append((fields, people))
    if problems:
        raise RowsInvalid(problems)
    last = _next_sequences(version)
    entries = []
    for fields, _people in checked:
        day = fields["occurred_on"]
        if fields["sequence"] is None:
            fields["sequence"] = last.get(day, 0) + 1
        last[day] = max(last.get(day, 0), fields["sequence"])
        source_file = fields.pop("source_file")
        fields["source_file_id"] = source_file.pk if source_file is not None else None
        entries.append((uuid.uuid4(), fields))
    saved = _insert(version, entries, [[person.pk for person in people] for _fields, people in checked])
    audit_record(
        actor=actor,
        action="chronology.entries_added",
        obj=version,
        review=version.review,
        data={"agency": version.agency_id, "version": version.number, "entries": len(saved)},
    )
    independence_recheck(review=version.review)
    return saved


# -- Reads ----------------------------------------------------------------------------------------------------


def chronology_viewed(*, actor, version: ChronologyVersion, count: int, via: str = "page") -> None:
    """Audit a read of a version's entries (sensitive data): which agency, which version, how many entries."""
    require_or_refuse(actor, "chronology.view_version", version, "see this chronology")
    audit_read(
        actor=actor,
        action="chronology.viewed",
        obj=version,
        review=version.review,
        data={"agency": version.agency_id, "version": version.number, "entries": count, "via": via},
    )


# -- Integrated chronology ------------------------------------------------------------------------------------


def _entry_key(value, field: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise Invalid("Choose an entry of the integrated chronology", field=field) from None


def _multiline(value) -> str:
    return _text(value).replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def entry_pair_decide(*, actor, review: Review, first_key, second_key, decision: str, note: str = "") -> EntryPair:
    """The lead reviewer's decision on two entries of the integrated chronology: linked (the same event told by two
    agencies) or dismissed (different events). The pair is kept by entry keys, so it holds across versions. Deciding
    again on the same pair changes the decision; the audit trail keeps what it was."""
    require_or_refuse(actor, "chronology.annotate", review, "decide on entries of the integrated chronology")
    note = _multiline(note)
    errors = text_errors({"note": note}, EntryPair)
    if decision not in PairDecision.values:
        errors["decision"] = "Choose whether the two entries record the same event"
    Invalid.check(errors)
    first, second = sorted([_entry_key(first_key, "first_key"), _entry_key(second_key, "second_key")])
    if first == second:
        raise Invalid("Choose two different entries", field="second_key")
    _lock_review(review)
    if integrated_keys(review, [first, second]) != {first, second}:
        raise Invalid("Choose two entries of the integrated chronology as it is now", field="second_key")
    pair = EntryPair.objects.filter(review=review, first_key=first, second_key=second).first()
    data = {"first_key": first, "second_key": second, "decision": decision}
    if pair is None:
        pair = EntryPair.objects.create(
            review=review, first_key=first, second_key=second, decision=decision, note=note, decided_by=actor
        )
        audit_record(actor=actor, action="chronology.pair_decided", obj=pair, review=review, data=data)
        return pair
    if (pair.decision, pair.note) == (decision, note):
        return pair
    data["was"] = pair.decision
    pair.decision, pair.note, pair.decided_by, pair.decided_at = decision, note, actor, timezone.now()
    pair.save(update_fields=["decision", "note", "decided_by", "decided_at"])
    audit_record(actor=actor, action="chronology.pair_changed", obj=pair, review=review, data=data)
    return pair


@transaction.atomic
def entry_annotate(*, actor, review: Review, entry_key, note: str = "", themes: Iterable[str] = ()) -> EntryAnnotation:
    """The lead reviewer's note and themes on an entry of the integrated chronology: a new row each time (the
    latest is shown, the earlier ones kept). An empty note with no themes clears what was there."""
    require_or_refuse(actor, "chronology.annotate", review, "annotate the integrated chronology")
    key = _entry_key(entry_key, "entry_key")
    note = _multiline(note)
    chosen = {_text(theme).strip() for theme in themes or ()}
    errors = text_errors({"note": note}, EntryAnnotation)
    if chosen - set(THEMES):
        errors["themes"] = "Choose themes from the list"
    Invalid.check(errors)
    themes = [theme for theme in THEMES if theme in chosen]
    _lock_review(review)
    if not integrated_keys(review, [key]):
        raise Invalid("Choose an entry of the integrated chronology as it is now", field="entry_key")
    previous = EntryAnnotation.objects.filter(review=review, entry_key=key).order_by("-written_at", "-pk").first()
    if previous is not None and (previous.note, previous.themes) == (note, themes):
        return previous
    if previous is None and not note and not themes:
        raise Invalid("Enter a note or choose at least one theme", field="note")
    annotation = EntryAnnotation.objects.create(
        review=review, entry_key=key, note=note, themes=themes, written_by=actor
    )
    audit_record(
        actor=actor,
        action="chronology.entry_annotated",
        obj=annotation,
        review=review,
        data={"entry_key": key, "themes": themes, "note": bool(note)},
    )
    return annotation


def integrated_viewed(
    *, actor, review: Review, count: int, filters: IntegratedFilters, page: int = 1, via: str = "page"
) -> None:
    """Audit a read of the integrated chronology (sensitive data): how many entries, which page, which filters."""
    require_or_refuse(actor, "chronology.view_integrated", review, "see the integrated chronology")
    audit_read(
        actor=actor,
        action="chronology.integrated_viewed",
        obj=review,
        review=review,
        data={"entries": count, "page": page, "filters": filters.as_data(), "via": via},
    )


@dataclass
class ChronologyExport:
    """A written export: the open file (read it from the start), its name and type, how many entries it holds."""

    file: BinaryIO
    filename: str
    content_type: str
    count: int


EXPORT_FORMATS = {
    "xlsx": (write_xlsx, XLSX_CONTENT_TYPE, {"integrated": INTEGRATED_XLSX, "agency": AGENCY_XLSX}),
    "docx": (write_docx, DOCX_CONTENT_TYPE, {"integrated": INTEGRATED_DOCX, "agency": AGENCY_DOCX}),
}
EXPORT_SPOOL_BYTES = 16 * 1024 * 1024


def _export_format(fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Invalid("Choose the format: xlsx (a spreadsheet) or docx (a document)", field="format")
    return EXPORT_FORMATS[fmt]


def _day(moment: datetime) -> str:
    return format_uk_date(timezone.localtime(moment).date(), "day")


def _exported_line(actor) -> str:
    now = timezone.localtime()
    return f"Exported on {format_uk_date(now.date(), 'datetime', now.time())} by {actor}"


def _write_export(writer, rows, heading: Heading, columns) -> tuple[BinaryIO, int]:
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    count = writer(rows, spool, heading=heading, columns=columns)
    spool.seek(0)
    return spool, count


def integrated_export(*, actor, review: Review, filters: IntegratedFilters, fmt: str) -> ChronologyExport:
    """Write the integrated chronology, filtered, as a workbook (`xlsx`) or a document (`docx`), and audit it.
    The file is written outside any transaction (it can take seconds); the audit event follows it."""
    require_or_refuse(actor, "chronology.view_integrated", review, "export the integrated chronology")
    writer, content_type, columns = _export_format(fmt)
    versions = latest_submitted_versions(review)
    merged = "; ".join(f"{v.agency.name} version {v.number}, submitted {_day(v.submitted_at)}" for v in versions)
    lines = [f"{review.reference}: {review.subject_pseudonym}", f"Merged: {merged or 'no chronology submitted yet'}"]
    lines += filters.describe({v.agency_id: v.agency.name for v in versions}, pseudonyms_of(review))
    lines.append(_exported_line(actor))
    rows = integrated_export_rows(actor, review, filters)
    file, count = _write_export(writer, rows, Heading("Integrated chronology", lines), columns["integrated"])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="chronology.exported",
            obj=review,
            review=review,
            data={"what": "integrated", "format": fmt, "entries": count, "filters": filters.as_data()},
        )
    stem = f"{review.reference} integrated chronology"
    return ChronologyExport(file, export_filename(stem, timezone.localdate(), fmt), content_type, count)


def version_export(*, actor, version: ChronologyVersion, fmt: str) -> ChronologyExport:
    """Write one agency's chronology version as a workbook or a document, and audit it."""
    require_or_refuse(actor, "chronology.view_version", version, "export this chronology")
    writer, content_type, columns = _export_format(fmt)
    review = version.review
    state = f"submitted on {_day(version.submitted_at)}" if version.is_submitted else "draft, not submitted"
    lines = [f"{review.reference}: {review.subject_pseudonym}", f"Version {version.number}, {state}"]
    lines.append(_exported_line(actor))
    title = f"{version.agency.name} chronology"
    file, count = _write_export(writer, version_export_rows(actor, version), Heading(title, lines), columns["agency"])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="chronology.exported",
            obj=version,
            review=review,
            data={
                "what": "agency",
                "agency": version.agency_id,
                "version": version.number,
                "format": fmt,
                "entries": count,
            },
        )
    stem = f"{review.reference} {version.agency.name} chronology v{version.number}"
    return ChronologyExport(file, export_filename(stem, timezone.localdate(), fmt), content_type, count)
