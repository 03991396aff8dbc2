"""Chronology imports: reading a CSV or XLSX file, matching its columns to the parts of an entry, checking every row,
and adding them all (or none) to the agency's draft. The pages, the API, the background tasks and the command all
go through here; there are no views in this module.

A file is never trusted: its kind is judged from its content, CSV text must be UTF-8 (with or without a byte order
mark) or Windows-1252, and an XLSX is opened read-only with its formulas never evaluated (a formula cell is a
problem of its row). Row numbers are those the spreadsheet shows, so people can find the row to fix.
"""

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from casereview.accounts.models import Agency, Role
from casereview.audit.services import audit_record
from casereview.chronology.dates import DateError, format_time, format_uk_date, parse_uk_date
from casereview.chronology.models import (
    ChronologyImport,
    ImportFileKind,
    ImportStatus,
    Significance,
    SourceKind,
)
from casereview.chronology.selectors import AgencyChronology, agency_record_files
from casereview.chronology.services import EntryContext, RowsInvalid, chronology_draft, clean_entry, entries_add_bulk
from casereview.core.errors import Conflict, DomainError, Invalid, NotAllowed
from casereview.records.sniff import CHUNK_BYTES, KINDS, OLE2_MAGIC, Refused, executable_kind, sanitise_name, sniff
from casereview.reviews.models import Person, Review

# -- Limits ---------------------------------------------------------------------------------------------------

MAX_COLUMNS = 100  # columns further right are not read
PREVIEW_ROWS = 10
PROGRESS_EVERY = 500  # rows between two progress updates of a background check or import


def max_rows() -> int:
    return settings.CASEREVIEW_CHRONOLOGY_MAX_ROWS


def max_bytes() -> int:
    return settings.CASEREVIEW_CHRONOLOGY_MAX_BYTES


def background_rows() -> int:
    """Files with more rows than this are checked and imported in the background."""
    return settings.CASEREVIEW_CHRONOLOGY_BACKGROUND_ROWS


def size_label(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"


# -- The parts of an entry a column can hold -------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    hint: str  # the template's hint row, and the mapping page's hint
    required: bool = False
    headings: tuple[str, ...] = ()  # usual headings, matched case and punctuation aside

    @property
    def template_hint(self) -> str:
        """The hint under the heading in the template's second row."""
        return f"Required: {self.hint}" if self.required else self.hint

    @property
    def noun(self) -> str:
        """How messages name it: "the date", "what happened"."""
        return "what happened" if self.code == "what_happened" else f"the {self.label.lower()}"


PARTS = (
    Part("date", "Date", "31/03/2021, 31-Mar-21, March 2021 or ?22 May 2016", True, ("date", "event date", "when")),
    Part("time", "Time", "14:30 or 2:30pm", headings=("time", "time of event")),
    Part(
        "sequence",
        "Sequence",
        "1, 2, 3 for events on the same day",
        headings=("sequence", "seq", "sequence number", "order", "no", "number"),
    ),
    Part(
        "source",
        "Source reference",
        "Where it is recorded: the case file and page, or the interview",
        headings=("source", "source reference", "source ref", "reference", "ref", "record"),
    ),
    Part(
        "practitioners",
        "Practitioner or role",
        "Practitioner's role, for example Health visitor",
        headings=(
            "practitioner",
            "practitioners",
            "role",
            "practitioner role",
            "practitioners role",
            "practitioner or role",
            "practitioner and role",
            "professional",
            "worker",
        ),
    ),
    Part(
        "what_happened",
        "What happened",
        "The event, in plain words",
        True,
        ("what happened", "event", "events", "event details", "description", "details", "contact"),
    ),
    Part(
        "action",
        "Action or decision",
        "The action or decision taken",
        headings=("action", "decision", "action or decision", "action decision", "action or decision taken"),
    ),
    Part("outcome", "Outcome", "What came of it", headings=("outcome", "outcomes", "result")),
    Part(
        "significance",
        "Significance",
        "Routine, significant or key practice episode (KPE)",
        headings=("significance", "key practice episode", "kpe", "significant", "key episode"),
    ),
    Part("analysis", "Analysis", "The agency's analysis", headings=("analysis", "comment", "comments")),
    Part(
        "people",
        "People",
        "Names or pseudonyms on the people register, separated by semicolons",
        headings=("people", "people involved", "persons", "person", "family members", "subjects", "who"),
    ),
)
PARTS_BY_CODE = {part.code: part for part in PARTS}
REQUIRED_PARTS = tuple(part.code for part in PARTS if part.required)
TEMPLATE_HEADINGS = {
    "source": "Source reference",
    "practitioners": "Practitioner or role",
    "action": "Action or decision",
}


def normalise_heading(text) -> str:
    """A heading with case, apostrophes and punctuation aside: "Practitioner / Role" -> "practitioner role"."""
    text = str(text or "").casefold().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_HEADING_PARTS = {normalise_heading(heading): part.code for part in PARTS for heading in (part.label, *part.headings)}


def detect_mapping(headers: list[str]) -> dict[str, int]:
    """The usual headings matched to entry parts: {part: column number from 1}. The first column wins a part."""
    mapping: dict[str, int] = {}
    for number, heading in enumerate(headers, start=1):
        code = _HEADING_PARTS.get(normalise_heading(heading))
        if code and code not in mapping:
            mapping[code] = number
    return mapping


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_name(headers: list[str], number: int) -> str:
    """How a column is named in messages: its heading, or its letter when it has none."""
    heading = headers[number - 1].strip() if 0 < number <= len(headers) else ""
    return heading or f"column {column_letter(number)}"


def mapping_errors(mapping: dict, columns: int) -> dict[str, str]:
    """Problems with a chosen mapping, by part: a required part with no column, a column chosen twice."""
    errors = {}
    chosen: dict[int, str] = {}
    for part in PARTS:
        number = mapping.get(part.code)
        if number in (None, "", 0):
            if part.required:
                errors[part.code] = f"Choose the column that holds {part.noun}"
            continue
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= columns:
            errors[part.code] = f"Choose a column of the file for {part.noun}, or none"
        elif number in chosen:
            other = PARTS_BY_CODE[chosen[number]].noun
            errors[part.code] = (
                f"Choose a different column for {part.noun}: column {column_letter(number)} is chosen for {other}"
            )
        else:
            chosen[number] = part.code
    unknown = set(mapping) - set(PARTS_BY_CODE)
    if unknown:
        errors["mapping"] = f"Unknown parts of an entry: {', '.join(sorted(map(str, unknown)))}"
    return errors


def missing_columns_message(headers: list[str], mapping: dict) -> str:
    """For the command and the API: which required columns the file lacks, and how to name them."""
    missing = [PARTS_BY_CODE[code] for code in REQUIRED_PARTS if not mapping.get(code)]
    names = " and ".join(f'"{part.label}"' for part in missing)
    found = ", ".join(f'"{heading}"' for heading in headers if heading.strip()) or "none"
    return f"The file has no {names} column: name the columns like the template's (headings found: {found})"


# -- Reading a file ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A spreadsheet cell holding a formula; it is never evaluated."""

    text: str


@dataclass(frozen=True)
class CellError:
    """A spreadsheet cell showing an error, like #REF!."""

    code: str


def refuse(message: str) -> Invalid:
    return Invalid(message, field="file")


NOT_A_SPREADSHEET = "The selected file must be a CSV or Excel (.xlsx) spreadsheet"
SAVE_AS_UTF8 = "save it as CSV UTF-8 (in Excel: File, Save As, CSV UTF-8) and upload it again"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Spreadsheet:
    """An opened file: its headings and its data rows, read on demand (the file is never all in memory)."""

    kind: str
    headers: list[str]
    header_row: int
    rows_estimate: int | None  # data rows, None if unknown until read

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number as the spreadsheet shows it, cells) for every row below the headings with a value."""
        raise NotImplementedError

    def close(self) -> None:
        pass


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows(count_text: str) -> Invalid:
    limit = max_rows()
    return refuse(f"The selected file has {count_text} rows: import at most {limit:,} rows at a time, in several files")


def _check_size(file: BinaryIO) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > max_bytes():
        raise refuse(f"The selected file must be smaller than {size_label(max_bytes())}")
    if size == 0:
        raise refuse("The selected file is empty")
    return size


def open_spreadsheet(file: BinaryIO) -> Spreadsheet:
    """Open a CSV or XLSX file (a seekable binary file), or refuse it with `Invalid` saying why. The headings are
    the first row with a value; a file with no row of events below them, or more than the row limit, is refused."""
    _check_size(file)
    head = file.read(8192)
    file.seek(0)
    program = executable_kind(head)
    if program:
        raise refuse(f"The selected file is {program}, not a spreadsheet")
    if head.startswith(b"PK\x03\x04") or head.startswith(OLE2_MAGIC) or _known_binary(head):
        return _open_xlsx(file, head)
    return _open_csv(file, head)


def _known_binary(head: bytes) -> bool:
    return head.startswith((b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*"))


def _open_xlsx(file: BinaryIO, head: bytes) -> Spreadsheet:
    try:
        kind = sniff(file, allowed=set(KINDS))
    except Refused as refusal:
        message = str(refusal)
        if head.startswith(OLE2_MAGIC):
            message = (
                "The selected file is an older Excel (.xls) or other Office file, or is password-protected: "
                "save it as an Excel Workbook (.xlsx) or as CSV UTF-8, without a password, and upload it again"
            )
        elif message.startswith("The selected file must be one of"):
            message = NOT_A_SPREADSHEET
        raise refuse(message.replace("cannot be uploaded", "cannot be imported")) from None
    if kind.code != "xlsx":
        raise refuse(f"The selected file is a {kind.label}, not a spreadsheet: upload a CSV or Excel (.xlsx) file")
    return XlsxSpreadsheet(file)


class XlsxSpreadsheet(Spreadsheet):
    kind = ImportFileKind.XLSX

    def __init__(self, file: BinaryIO):
        from openpyxl import load_workbook

        file.seek(0)
        try:
            self.workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
        except Exception:  # openpyxl raises many kinds on a damaged file
            raise refuse("The selected file is damaged: it starts like an Excel file but cannot be read") from None
        sheets = self.workbook.worksheets
        if not sheets:
            raise refuse("The selected file has no sheet of rows")
        named = [sheet for sheet in sheets if sheet.title.strip().casefold() == "chronology"]
        self.sheet = named[0] if named else sheets[0]
        declared_rows = self.sheet.max_row
        declared_columns = self.sheet.max_column
        self.width = min(declared_columns or MAX_COLUMNS, MAX_COLUMNS)
        if declared_rows is not None and declared_rows - 1 > max_rows():
            self.close()
            raise refuse(
                f"The selected file has more than {max_rows():,} rows (its sheet goes down to row "
                f"{declared_rows:,}): import at most {max_rows():,} rows at a time, in several files, and delete any "
                "empty rows at the bottom"
            )
        # Read rows as they are in the file, not padded to the declared size (which may be far too large).
        self.sheet.reset_dimensions()
        self.header_row, self.headers = self._headings()
        self.rows_estimate = max(declared_rows - self.header_row, 0) if declared_rows else None

    def _cells(self) -> Iterator[tuple[int, tuple]]:
        number = 0  # iter_rows starts at row 1 and fills in rows missing from the file
        try:
            for row in self.sheet.iter_rows(max_col=self.width):
                number += 1
                yield number, tuple(_xlsx_value(cell) for cell in row)
        except DomainError:
            raise
        except Exception:
            raise refuse(f"The selected file is damaged after row {number:,}: it cannot be read") from None

    def _headings(self) -> tuple[int, list[str]]:
        for number, cells in self._cells():
            if any(not _blank(value) for value in cells):
                headers = [_heading_text(value) for value in cells]
                while headers and not headers[-1]:
                    headers.pop()
                return number, headers
        raise refuse("The selected file is empty: it needs a row of headings, like the template's, and a row per event")

    def rows(self) -> Iterator[tuple[int, tuple]]:
        for number, cells in self._cells():
            if number <= self.header_row or all(_blank(value) for value in cells):
                continue
            yield number, cells

    def close(self) -> None:
        self.workbook.close()


def _heading_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, CellError):
        return value.code
    return " ".join(str(value).split())


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    if value is None:
        return None
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        text = value if isinstance(value, str) else getattr(value, "text", None) or "a formula"
        return Formula(str(text))
    if kind == "e":
        return CellError(str(value))
    return value


def _open_csv(file: BinaryIO, head: bytes) -> Spreadsheet:
    if head.startswith(UTF16_BOMS):
        raise refuse(f"The selected file is saved as UTF-16 or UTF-32 text: {SAVE_AS_UTF8}")
    if b"\x00" in head:
        raise refuse(NOT_A_SPREADSHEET)
    encodings = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "cp1252"]
    for encoding in encodings:
        sheet = CsvSpreadsheet(file, encoding)
        try:
            sheet.count_rows()
        except UnicodeDecodeError:
            continue
        return sheet
    if encodings == ["utf-8-sig"]:
        raise refuse(f"The selected file starts as UTF-8 text but has characters that are not UTF-8: {SAVE_AS_UTF8}")
    raise refuse(f"The selected file's text is not in an encoding Casereview can read: {SAVE_AS_UTF8}")


class CsvSpreadsheet(Spreadsheet):
    kind = ImportFileKind.CSV

    def __init__(self, file: BinaryIO, encoding: str):
        self.file = file
        self.encoding = encoding
        self.delimiter = ","
        self.header_row = 0
        self.headers: list[str] = []
        self.rows_estimate = None

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """Every record with its number (a quoted cell may hold line breaks: Excel shows one row per record)."""
        self.file.seek(0)
        text = io.TextIOWrapper(self.file, encoding=self.encoding, errors="strict", newline="")
        number = 0
        try:
            reader = csv.reader(text, delimiter=self.delimiter, quotechar='"', doublequote=True, strict=False)
            try:
                for number, record in enumerate(reader, start=1):
                    yield number, record
            except csv.Error as error:
                raise refuse(f"Row {number + 1:,} of the selected file cannot be read ({error}): check it") from None
        finally:
            text.detach()  # leave the file open for the next reading

    def count_rows(self) -> None:
        """Check the whole file decodes, find the delimiter and the headings, and count the data rows, stopping
        as soon as there are too many."""
        self.file.seek(0)
        sample = self.file.read(65536)
        self.file.seek(0)
        decoded = codecs.getincrementaldecoder(self.encoding)(errors="strict").decode(sample, final=False)
        if CONTROL_CHARACTERS.search(decoded):
            raise refuse(NOT_A_SPREADSHEET)
        first_line = next((line for line in decoded.splitlines() if line.strip()), "")
        self.delimiter = max((",", ";", "\t", "|"), key=lambda candidate: first_line.count(candidate))
        if not first_line.count(self.delimiter):
            self.delimiter = ","
        limit = max_rows()
        rows = 0
        for number, record in self._records():
            if not any(cell.strip() for cell in record):
                continue
            if not self.header_row:
                self.header_row = number
                self.headers = [" ".join(cell.split()) for cell in record][:MAX_COLUMNS]
                while self.headers and not self.headers[-1]:
                    self.headers.pop()
                continue
            rows += 1
            if rows > limit:
                raise _too_many_rows(f"more than {limit:,}")
        if not self.header_row:
            raise refuse(
                "The selected file is empty: it needs a row of headings, like the template's, and a row per event"
            )
        self.rows_estimate = rows

    def rows(self) -> Iterator[tuple[int, tuple]]:
        for number, record in self._records():
            joined = "".join(record)
            if number <= self.header_row or not joined.strip():
                continue
            cells = record[:MAX_COLUMNS]
            if "=" not in joined:  # most rows: nothing that could be a formula
                yield number, tuple(cells)
            else:
                yield number, tuple(Formula(cell.strip()) if cell.lstrip().startswith("=") else cell for cell in cells)


# -- Checking rows --------------------------------------------------------------------------------------------------

SIGNIFICANCE_WORDS = {
    "routine": Significance.ROUTINE,
    "no": Significance.ROUTINE,
    "n": Significance.ROUTINE,
    "significant": Significance.SIGNIFICANT,
    "key practice episode": Significance.KEY_PRACTICE_EPISODE,
    "key": Significance.KEY_PRACTICE_EPISODE,
    "kpe": Significance.KEY_PRACTICE_EPISODE,
    "yes": Significance.KEY_PRACTICE_EPISODE,
    "y": Significance.KEY_PRACTICE_EPISODE,
}
TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?::(?P<second>\d{2}))?\s*(?P<meridiem>[ap]\.?m\.?)?$")
PEOPLE_SEPARATORS = re.compile(r"[;\n]+")
# The clean_entry field a problem names, and the part whose column it is about.
FIELD_PARTS = {
    "date": "date",
    "source_reference": "source",
    "source_kind": "source",
    "source_file": "source",
}


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class RowChecker:
    """Turns the cells of a row into the values `entries_add_bulk` takes, with every problem of the row.

    People are matched on the register by pseudonym, full name or another name (case and spaces aside); a source
    naming a file or record title of the agency's records vault is linked to that file."""

    headers: list[str]
    mapping: dict[str, int]
    context: EntryContext
    people: dict[str, int] = field(default_factory=dict)  # name or pseudonym, folded -> person id
    files: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, review: Review, agency: Agency, headers: list[str], mapping: dict[str, int]) -> "RowChecker":
        people: dict[str, int] = {}
        for person in Person.objects.filter(review=review).only("id", "pseudonym", "full_name", "aliases"):
            for name in (*person.alias_list(), person.full_name, person.pseudonym):
                people[_name_key(name)] = person.pk  # the pseudonym last: it wins a clash
        files: dict[str, int] = {}
        for record_file in agency_record_files(review, agency).order_by("record__title", "record_id", "version"):
            files[_name_key(record_file.name)] = record_file.pk
            files[_name_key(record_file.record.title)] = record_file.pk  # the latest version last: it wins
        return cls(headers, dict(mapping), EntryContext.load(review, agency), people, files)

    def column(self, part: str) -> str:
        return column_name(self.headers, self.mapping[part])

    def cell(self, cells: tuple, part: str):
        number = self.mapping.get(part)
        if not number or number > len(cells):
            return None
        return cells[number - 1]

    def check(self, cells: tuple, *, entry_rules: bool = True) -> tuple[dict, list[tuple[str, str]]]:
        """(values for entries_add_bulk, [(column heading, problem), …]); no values when there are problems.
        Without `entry_rules` the entries' own rules are left to `entries_add_bulk`, which checks them anyway."""
        problems: list[tuple[str, str]] = []
        raw = {}
        for part in self.mapping:
            value = self.cell(cells, part)
            if isinstance(value, Formula):
                problems.append(
                    (
                        self.column(part),
                        f"The {self.column(part)} cell holds a formula ({value.text[:60]}): type its value instead",
                    )
                )
            elif isinstance(value, CellError):
                problems.append(
                    (self.column(part), f"The {self.column(part)} cell shows an error ({value.code}): type its value")
                )
            else:
                raw[part] = value
        values: dict = {}
        if "date" in raw:
            values |= self._date(raw["date"], raw.get("time"), problems)
        for part, key in (
            ("what_happened", "what_happened"),
            ("action", "action"),
            ("outcome", "outcome"),
            ("analysis", "analysis"),
            ("practitioners", "practitioners"),
        ):
            if part in raw:
                values[key] = _as_text(raw[part])
        if "sequence" in raw:
            values["sequence"] = self._sequence(raw["sequence"], problems)
        if "significance" in raw:
            values["significance"] = self._significance(raw["significance"], problems)
        if "source" in raw:
            values |= self._source(_as_text(raw["source"]))
        if "people" in raw:
            values["people"] = self._people(_as_text(raw["people"]), problems)
        values.setdefault("what_happened", "")
        if entry_rules:
            _fields, _people, errors = clean_entry(values, self.context)
            problems += self.entry_problems(errors, problems, date_read="occurred_on" in values)
        if problems:
            return {}, problems
        return values, []

    def entry_problems(self, errors: dict[str, str], found: list, *, date_read: bool = True) -> list[tuple[str, str]]:
        """The entries' own problems with a row, named by column, leaving out those of a column already `found`
        wrong (and the date's when it could not be read)."""
        troubled = {heading for heading, _message in found}
        problems = []
        for key, message in errors.items():
            part = FIELD_PARTS.get(key, key)
            heading = self.column(part) if part in self.mapping else ""
            if (part == "date" and not date_read) or (heading and heading in troubled):
                continue
            problems.append((heading, f"{heading}: {message}" if heading else message))
        return problems

    def _date(self, value, time_value, problems: list) -> dict:
        heading = self.column("date")
        at = None if _blank(time_value) else self._time(time_value, problems)
        if isinstance(value, datetime):
            occurred_at = at or (value.time() if value.time() != time(0, 0) else None)
            precision = "datetime" if occurred_at else "day"
            return {"occurred_on": value.date(), "occurred_at": occurred_at, "precision": precision}
        if isinstance(value, date):
            return {"occurred_on": value, "occurred_at": at, "precision": "datetime" if at else "day"}
        if isinstance(value, time):
            problems.append((heading, f"The {heading} cell holds a time, not a date: type the date, like 31/03/2021"))
            return {}
        if isinstance(value, int | float) and not isinstance(value, bool):
            problems.append(
                (
                    heading,
                    f"The {heading} cell holds the number {_as_text(value)}, not a date: format the cell as a date, "
                    "or type the date, like 31/03/2021",
                )
            )
            return {}
        try:
            parsed = parse_uk_date(_as_text(value), today=self.context.today)
        except DateError as problem:
            problems.append((heading, f"{heading}: {problem}"))
            return {}
        if at is None:
            return {
                "occurred_on": parsed.occurred_on,
                "occurred_at": parsed.occurred_at,
                "precision": parsed.precision,
                "date_text": parsed.text,
            }
        if parsed.precision == "month":
            problems.append((self.column("time"), f"{self.column('time')}: Enter the day as well as the time"))
            return {}
        if parsed.occurred_at is not None and parsed.occurred_at != at:
            problems.append(
                (heading, f"{heading}: The time in the date is not the time in the {self.column('time')} column")
            )
            return {}
        precision = "approximate" if parsed.precision == "approximate" else "datetime"
        text = parsed.text if parsed.occurred_at else f"{parsed.text}, {format_time(at)}"
        if len(text) > 40:
            text = format_uk_date(parsed.occurred_on, precision, at)
        return {"occurred_on": parsed.occurred_on, "occurred_at": at, "precision": precision, "date_text": text}

    def _time(self, value, problems: list) -> time | None:
        heading = self.column("time")
        if isinstance(value, datetime):
            return value.time().replace(microsecond=0)
        if isinstance(value, time):
            return value.replace(microsecond=0)
        text = _as_text(value).strip().lower()
        if text in ("midday", "noon"):
            return time(12, 0)
        if text == "midnight":
            return time(0, 0)
        match = TIME.match(text)
        problem = f"{heading}: Enter a time like 14:30 or 2:30pm"
        if match is None or (match["minute"] is None and match["meridiem"] is None):
            problems.append((heading, problem))
            return None
        hour, minute, second = int(match["hour"]), int(match["minute"] or 0), int(match["second"] or 0)
        if match["meridiem"]:
            if not 1 <= hour <= 12:
                problems.append((heading, problem))
                return None
            hour = hour % 12 + (12 if match["meridiem"].startswith("p") else 0)
        if hour > 23 or minute > 59 or second > 59:
            problems.append((heading, problem))
            return None
        return time(hour, minute, second)

    def _sequence(self, value, problems: list):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _as_text(value).strip()
        if not text:
            return None
        if text.isdigit():
            return int(text)
        heading = self.column("sequence")
        problems.append((heading, f"{heading}: Enter the order on the day as a whole number, like 1 or 2"))
        return None

    def _significance(self, value, problems: list) -> str:
        if isinstance(value, bool):
            return Significance.KEY_PRACTICE_EPISODE if value else Significance.ROUTINE
        text = " ".join(_as_text(value).replace("(", " ").replace(")", " ").split()).casefold()
        if not text:
            return Significance.ROUTINE
        found = SIGNIFICANCE_WORDS.get(text) or SIGNIFICANCE_WORDS.get(text.removesuffix(" kpe"))
        if found is None:
            heading = self.column("significance")
            problems.append(
                (heading, f"{heading}: Enter routine, significant or key practice episode (KPE), not {text[:40]!r}")
            )
            return Significance.ROUTINE
        return found

    def _source(self, text: str) -> dict:
        text = " ".join(text.split())
        if not text:
            return {}
        record_file = self.files.get(_name_key(text))
        if record_file is not None:
            return {"source_kind": SourceKind.RECORD, "source_file": record_file, "source_reference": text}
        if text.casefold().startswith("interview"):
            return {"source_kind": SourceKind.INTERVIEW, "source_reference": text}
        return {"source_kind": SourceKind.OTHER, "source_reference": text}

    def _people(self, text: str, problems: list) -> list[int]:
        names = [" ".join(name.split()) for name in PEOPLE_SEPARATORS.split(text)]
        if len([name for name in names if name]) == 1 and "," in text:
            names = [" ".join(name.split()) for name in text.split(",")]
        found: list[int] = []
        unknown = []
        for name in names:
            if not name:
                continue
            person = self.people.get(name.casefold())
            if person is None:
                unknown.append(name)
            elif person not in found:
                found.append(person)
        if unknown:
            heading = self.column("people")
            listed = ", ".join(f'"{name[:60]}"' for name in unknown[:5])
            problems.append(
                (
                    heading,
                    f"{heading}: {listed} {'is' if len(unknown) == 1 else 'are'} not on the people register: "
                    "add them to it, or write their pseudonym or name as the register has it",
                )
            )
        return found


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        moment = value.time()
        return format_uk_date(value.date(), "datetime" if moment != time(0) else "day", moment or None)
    if isinstance(value, date):
        return format_uk_date(value, "day")
    if isinstance(value, time):
        return format_time(value)
    return str(value)


def first_row_text(sheet: Spreadsheet) -> list[str]:
    """The first row of events (the template's hint row aside), each cell as text, for the mapping page."""
    mapping = detect_mapping(sheet.headers)
    for index, (_number, cells) in enumerate(sheet.rows()):
        if index == 0 and _is_hint_row(cells, mapping):
            continue
        texts = []
        for value in cells[: max(len(sheet.headers), 1)]:
            if isinstance(value, Formula):
                text = value.text
            elif isinstance(value, CellError):
                text = value.code
            else:
                text = " ".join(_as_text(value).split())
            texts.append(text[:100])
        return texts
    return []


def _is_hint_row(cells: tuple, mapping: dict[str, int]) -> bool:
    """The template's hint row, left in: every mapped cell with a value holds the template's hint for its part."""
    matched = 0
    for part, number in mapping.items():
        value = cells[number - 1] if number <= len(cells) else None
        if _blank(value):
            continue
        if not isinstance(value, str) or normalise_heading(value) != normalise_heading(
            PARTS_BY_CODE[part].template_hint
        ):
            return False
        matched += 1
    return matched >= 2


@dataclass
class CheckResult:
    rows: list[tuple[int, dict]]  # (row number, values) of good rows; empty once there is a problem
    problems: list[list]  # [[row number, column heading, problem], …]
    total: int
    preview: list[dict]


def check_rows(
    sheet: Spreadsheet,
    checker: RowChecker,
    *,
    keep_values: bool = True,
    entry_rules: bool = True,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check every data row of the sheet. Values are kept only while no row has a problem (all or nothing)."""
    limit = max_rows()
    good: list[tuple[int, dict]] = []
    problems: list[list] = []
    preview: list[dict] = []
    total = 0
    first = True
    for number, cells in sheet.rows():
        if first:
            first = False
            if _is_hint_row(cells, checker.mapping):
                continue
        total += 1
        if total > limit:
            raise _too_many_rows(f"more than {limit:,}")
        values, row_problems = checker.check(cells, entry_rules=entry_rules)
        if row_problems:
            problems.extend([number, heading, message] for heading, message in row_problems)
            good = []
        elif not problems:
            if keep_values:
                good.append((number, values))
            if len(preview) < PREVIEW_ROWS:
                preview.append(preview_row(number, values, checker))
        if progress is not None and total % PROGRESS_EVERY == 0:
            progress(total)
    if total == 0:
        raise refuse("The selected file has headings but no rows of events below them")
    return CheckResult(good, problems, total, preview)


def preview_row(number: int, values: dict, checker: RowChecker) -> dict:
    """A row as the preview shows it: the date as it will read, the text, the significance, the people."""
    if "occurred_on" in values:
        when = values.get("date_text") or format_uk_date(
            values["occurred_on"], values["precision"], values.get("occurred_at")
        )
    else:
        when = ""
    pseudonyms = {person.pk: person.pseudonym for person in checker.context.people_by_pk.values()}
    significance = Significance(values.get("significance") or Significance.ROUTINE).label
    return {
        "row": number,
        "date": when,
        "what_happened": values.get("what_happened", "")[:300],
        "significance": str(significance),
        "source": values.get("source_reference", ""),
        "people": ", ".join(pseudonyms.get(pk, "") for pk in values.get("people", [])),
    }


def row_problem_lines(problems: list[list]) -> list[str]:
    """One line per problem for the command: "row 12: the Date cell holds a formula (=TODAY()): type…"."""
    return [
        f"row {number}: {'t' + message[1:] if message.startswith('The ') else message}"
        for number, _heading, message in problems
    ]


# -- Keeping the file -------------------------------------------------------------------------------------------


def blob_path(sha256: str) -> str:
    return f"imports/{sha256[:2]}/{sha256}"


def _hash(file: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        size += len(chunk)
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def _store(file: BinaryIO, sha256: str) -> None:
    """Keep the file privately (not under any URL), once per content."""
    path = blob_path(sha256)
    if default_storage.exists(path):
        return
    file.seek(0)
    saved = default_storage.save(path, File(file, name=path))
    if saved != path:  # the same content arrived meanwhile
        default_storage.delete(saved)


def _open_kept(chronology_import: ChronologyImport) -> BinaryIO:
    try:
        return default_storage.open(blob_path(chronology_import.sha256), "rb")
    except FileNotFoundError:
        raise Conflict("The uploaded file is missing: upload it again") from None


# -- Services: the only writers of imports ------------------------------------------------------------------------


def _require(actor, chronology: AgencyChronology, what: str = "import entries into this agency's chronology") -> None:
    if not actor.has_perm("chronology.edit", chronology):
        raise NotAllowed(f"You do not have permission to {what}")


def _chronology(chronology_import: ChronologyImport) -> AgencyChronology:
    return AgencyChronology(chronology_import.review, chronology_import.agency)


def import_upload(*, actor, review: Review, agency: Agency, file: BinaryIO, name: str) -> ChronologyImport:
    """Keep an uploaded file for import into the agency's draft: its kind, encoding, headings and size checked, its
    rows counted, and its columns matched to the parts of an entry where the headings are the usual ones. Nothing
    is written if the file is refused."""
    _require(actor, AgencyChronology(review, agency))
    sheet = open_spreadsheet(file)
    try:
        headers, header_row, estimate, kind = sheet.headers, sheet.header_row, sheet.rows_estimate, sheet.kind
        first_row = first_row_text(sheet)
    finally:
        sheet.close()
    if estimate == 0 or not first_row:
        raise refuse("The selected file has headings but no rows of events below them")
    sha256, size = _hash(file)
    with transaction.atomic():
        chronology_import = ChronologyImport.objects.create(
            review=review,
            agency=agency,
            file_name=sanitise_name(name)[:200] or f"chronology.{kind}",
            file_kind=kind,
            sha256=sha256,
            size=size,
            headers=headers,
            header_row=header_row,
            first_row=first_row,
            mapping=detect_mapping(headers),
            rows_total=estimate,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="chronology.import_uploaded",
            obj=chronology_import,
            review=review,
            data={"agency": agency.pk, "sha256": sha256, "size": size, "kind": kind, "rows": estimate},
        )
        _store(file, sha256)
    return chronology_import


def runs_in_background(chronology_import: ChronologyImport) -> bool:
    total = chronology_import.rows_total
    return total is None or total > background_rows()


def _enqueue(chronology_import: ChronologyImport, task_name: str) -> None:
    """Queue the background task once the status change is committed, so the worker sees it."""
    from casereview.chronology import tasks

    task = getattr(tasks, task_name)
    pk = chronology_import.pk

    def enqueue():
        result = task.enqueue(pk)
        ChronologyImport.objects.filter(pk=pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def _start(chronology_import: ChronologyImport, *, allowed: set[str], to: str, **changes) -> ChronologyImport:
    """Move the import to `to` if it is still in one of the `allowed` states (a second click does nothing twice)."""
    moved = ChronologyImport.objects.filter(pk=chronology_import.pk, status__in=allowed).update(status=to, **changes)
    if not moved:
        raise Conflict("This import has already started: wait for it to finish")
    chronology_import.refresh_from_db()
    return chronology_import


def import_map(
    *, actor, chronology_import: ChronologyImport, mapping: dict, then_import: bool = False
) -> ChronologyImport:
    """Confirm which column holds which part of an entry, then check every row: now for a small file, in the
    background for a large one (status "checking"). With `then_import` (the API's confirmation with a mapping), a
    file whose rows are all good is imported straight after, as `import_confirm` would."""
    _require(actor, _chronology(chronology_import))
    mapping = {code: number for code, number in mapping.items() if number not in (None, "", 0)}
    Invalid.check(mapping_errors(mapping, len(chronology_import.headers)))
    if chronology_import.status == ImportStatus.DONE:
        raise Conflict("This file is already imported")
    background = runs_in_background(chronology_import)
    with transaction.atomic():
        chronology_import = _start(
            chronology_import,
            allowed={ImportStatus.WAITING, ImportStatus.FAILED},
            to=ImportStatus.CHECKING if background else ImportStatus.WAITING,
            mapping=mapping,
            row_errors=[],
            problem="",
            preview=[],
            checked_at=None,
            rows_done=0,
            task_id="",
            confirmed_by=actor if then_import else None,
        )
        audit_record(
            actor=actor,
            action="chronology.import_columns_chosen",
            obj=chronology_import,
            review=chronology_import.review,
            data={"agency": chronology_import.agency_id, "mapping": mapping, "then_import": then_import},
        )
        if background:
            _enqueue(chronology_import, "chronology_import_check")
    if not background:
        chronology_import = import_check(chronology_import=chronology_import)
    return chronology_import


def _progress_of(chronology_import: ChronologyImport) -> Callable[[int], None]:
    def progress(done: int) -> None:
        ChronologyImport.objects.filter(pk=chronology_import.pk).update(rows_done=done)

    return progress


def _read(
    chronology_import: ChronologyImport, *, keep_values: bool, background: bool, entry_rules: bool = True
) -> tuple[CheckResult, RowChecker]:
    opened = _open_kept(chronology_import)
    try:
        sheet = open_spreadsheet(opened)
        try:
            checker = RowChecker.load(
                chronology_import.review, chronology_import.agency, sheet.headers, chronology_import.mapping
            )
            result = check_rows(
                sheet,
                checker,
                keep_values=keep_values,
                entry_rules=entry_rules,
                progress=_progress_of(chronology_import) if background else None,
            )
            return result, checker
        finally:
            sheet.close()
    finally:
        opened.close()


def _fail(chronology_import: ChronologyImport, *, problem: str = "", row_errors=None, **changes) -> ChronologyImport:
    ChronologyImport.objects.filter(pk=chronology_import.pk).update(
        status=ImportStatus.FAILED,
        problem=problem,
        row_errors=row_errors or [],
        finished_at=timezone.now(),
        **changes,
    )
    chronology_import.refresh_from_db()
    return chronology_import


def import_check(*, chronology_import: ChronologyImport) -> ChronologyImport:
    """Check every row with the confirmed columns and keep each problem and a preview of the first rows. Run by
    `import_map` for a small file, by the background task for a large one. Writes nothing but the import's state."""
    background = chronology_import.status == ImportStatus.CHECKING
    try:
        result, _checker = _read(chronology_import, keep_values=False, background=background)
    except DomainError as error:
        return _fail(chronology_import, problem=error.message)
    changes = {
        "rows_total": result.total,
        "rows_done": result.total,
        "preview": result.preview,
        "checked_at": timezone.now(),
        "problem": "",
    }
    if result.problems:
        return _fail(chronology_import, row_errors=result.problems, **changes)
    ChronologyImport.objects.filter(pk=chronology_import.pk).update(
        status=ImportStatus.WAITING, row_errors=[], **changes
    )
    chronology_import.refresh_from_db()
    if chronology_import.confirmed_by_id is not None:  # asked to import once checked
        chronology_import = _start(chronology_import, allowed={ImportStatus.WAITING}, to=ImportStatus.IMPORTING)
        return import_rows(chronology_import=chronology_import)
    return chronology_import


def import_confirm(*, actor, chronology_import: ChronologyImport) -> ChronologyImport:
    """Import a checked file into the agency's draft: now for a small file, in the background for a large one
    (status "importing"). All or nothing."""
    _require(actor, _chronology(chronology_import))
    if not chronology_import.is_ready:
        if chronology_import.status == ImportStatus.DONE:
            raise Conflict("This file is already imported")
        if chronology_import.is_running:
            raise Conflict("This import has already started: wait for it to finish")
        raise Conflict("Fix the problems in the file, or choose its columns, before you import it")
    background = runs_in_background(chronology_import)
    with transaction.atomic():
        chronology_import = _start(
            chronology_import,
            allowed={ImportStatus.WAITING},
            to=ImportStatus.IMPORTING,
            confirmed_by=actor,
            rows_done=0,
            task_id="",
        )
        audit_record(
            actor=actor,
            action="chronology.import_confirmed",
            obj=chronology_import,
            review=chronology_import.review,
            data={"agency": chronology_import.agency_id, "rows": chronology_import.rows_total},
        )
        if background:
            _enqueue(chronology_import, "chronology_import_rows")
    if not background:
        chronology_import = import_rows(chronology_import=chronology_import)
    return chronology_import


def import_rows(*, chronology_import: ChronologyImport) -> ChronologyImport:
    """Read the file again, check every row and add them all to the agency's draft, or none with every problem
    kept. The actor is whoever confirmed the import; their permission is checked again now."""
    actor = chronology_import.confirmed_by or chronology_import.created_by
    background = runs_in_background(chronology_import)
    try:
        # The entries' rules are checked once, by entries_add_bulk; only a file found wrong is read again with
        # them, so that every problem of every row is listed.
        result, checker = _read(chronology_import, keep_values=True, background=background, entry_rules=False)
        if result.problems:
            result, checker = _read(chronology_import, keep_values=False, background=False)
    except DomainError as error:
        return _fail(chronology_import, problem=error.message)
    if result.problems:
        return _fail(chronology_import, row_errors=result.problems, rows_total=result.total, rows_done=result.total)
    try:
        with transaction.atomic():
            current = ChronologyImport.objects.select_for_update().get(pk=chronology_import.pk)
            if current.status != ImportStatus.IMPORTING:  # imported meanwhile by a task delivered twice
                return current
            entries, version = _add(actor, chronology_import.review, chronology_import.agency, result)
            ChronologyImport.objects.filter(pk=chronology_import.pk).update(
                status=ImportStatus.DONE,
                version=version,
                entries_added=len(entries),
                rows_total=result.total,
                rows_done=result.total,
                row_errors=[],
                problem="",
                finished_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="chronology.imported",
                obj=chronology_import,
                review=chronology_import.review,
                data={"agency": chronology_import.agency_id, "version": version.number, "entries": len(entries)},
            )
    except RowsInvalid as refused:
        return _fail(chronology_import, row_errors=_numbered(refused, result, checker), rows_done=result.total)
    except DomainError as error:
        return _fail(chronology_import, problem=error.message)
    chronology_import.refresh_from_db()
    return chronology_import


def _add(actor, review: Review, agency: Agency, result: CheckResult):
    version = chronology_draft(actor=actor, review=review, agency=agency)
    entries = entries_add_bulk(actor=actor, version=version, rows=[values for _number, values in result.rows])
    return entries, version


def _numbered(refused: RowsInvalid, result: CheckResult, checker: RowChecker) -> list[list]:
    """The service's problems ("row N" of the rows given) as the spreadsheet numbers its rows, named by column."""
    numbers = [number for number, _values in result.rows]
    problems = []
    for index, by_field in sorted(refused.rows.items()):
        number = numbers[index - 1] if 0 < index <= len(numbers) else index
        problems += [[number, heading, message] for heading, message in checker.entry_problems(by_field, [])]
    return problems


def import_fail_unexpectedly(*, chronology_import: ChronologyImport) -> None:
    """A background task that crashed: nothing was imported; say so rather than leave the import running."""
    _fail(
        ChronologyImport.objects.get(pk=chronology_import.pk),
        problem="Something went wrong while reading the file: nothing was imported. Try again, or tell the board "
        "manager if it happens again",
    )


def import_file(*, actor, review: Review, agency: Agency, file: BinaryIO, name: str) -> ChronologyImport:
    """Import a file in one go with the columns matched from its headings (the command line, scripts): every row
    checked and added to the agency's draft, or nothing kept at all and `Invalid` with every problem, as
    {"file": …} or {"row N": …} with the spreadsheet's row numbers."""
    _require(actor, AgencyChronology(review, agency))
    sheet = open_spreadsheet(file)
    try:
        mapping = detect_mapping(sheet.headers)
        if any(code not in mapping for code in REQUIRED_PARTS):
            raise refuse(missing_columns_message(sheet.headers, mapping))
        checker = RowChecker.load(review, agency, sheet.headers, mapping)
        # The entries' rules are checked once, by entries_add_bulk; only a file found wrong is read again with
        # them, so that every problem of every row is listed.
        result = check_rows(sheet, checker, entry_rules=False)
        if result.problems:
            result = check_rows(sheet, checker, keep_values=False)
        headers, header_row, kind = sheet.headers, sheet.header_row, sheet.kind
        first_row = first_row_text(sheet)
    finally:
        sheet.close()
    if result.problems:
        raise ImportRefused(result.problems)
    sha256, size = _hash(file)
    try:
        with transaction.atomic():
            entries, version = _add(actor, review, agency, result)
            chronology_import = ChronologyImport.objects.create(
                review=review,
                agency=agency,
                file_name=sanitise_name(name)[:200] or f"chronology.{kind}",
                file_kind=kind,
                sha256=sha256,
                size=size,
                headers=headers,
                header_row=header_row,
                first_row=first_row,
                mapping=mapping,
                status=ImportStatus.DONE,
                rows_total=result.total,
                rows_done=result.total,
                preview=result.preview,
                checked_at=timezone.now(),
                version=version,
                entries_added=len(entries),
                created_by=actor,
                confirmed_by=actor,
                finished_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="chronology.imported",
                obj=chronology_import,
                review=review,
                data={"agency": agency.pk, "version": version.number, "entries": len(entries), "sha256": sha256},
            )
            _store(file, sha256)
    except RowsInvalid as refused:
        raise ImportRefused(_numbered(refused, result, checker)) from None
    return chronology_import


class ImportRefused(Invalid):
    """A file with rows that cannot be imported: `errors` by row ("row N"), `problems` one by one."""

    def __init__(self, problems: list[list]):
        self.problems = problems
        super().__init__(errors=_row_errors(problems))


def refusal_of(chronology_import: ChronologyImport) -> Invalid:
    """Why a failed import was not imported, as the error the API answers with."""
    if chronology_import.row_errors:
        return ImportRefused(chronology_import.row_errors)
    return refuse(chronology_import.problem or "The file was not imported: upload it again")


def _row_errors(problems: list[list]) -> dict[str, str]:
    """{"row N": every problem of row N, joined}, in row order."""
    errors: dict[str, list[str]] = {}
    for number, _heading, message in problems:
        errors.setdefault(f"row {number}", []).append(message)
    return {row: "; ".join(messages) for row, messages in errors.items()}


def default_importer(review: Review, agency: Agency):
    """The agency's IMR author on the review (the command's actor when none is named), or None."""
    from casereview.accounts.models import Membership

    membership = (
        Membership.objects.filter(review=review, agency=agency, role=Role.IMR_AUTHOR, user__is_active=True)
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )
    return membership.user if membership else None


# -- Loading ---------------------------------------------------------------------------------------------------


def import_for_user_or_404(user, review: Review, pk) -> ChronologyImport:
    """An import of the review the user may carry on with (the agency's IMR author while the review is held)."""
    try:
        found = ChronologyImport.objects.select_related("review", "agency", "version", "created_by").get(
            pk=pk, review=review
        )
    except (ChronologyImport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import") from None
    if not user.has_perm("chronology.edit", _chronology(found)):
        raise Http404("No such import")
    return found


# -- The template --------------------------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """An XLSX with the usual headings, a hint row under them and readable column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chronology"
    widths = {
        "date": 18,
        "time": 10,
        "sequence": 10,
        "source": 28,
        "practitioners": 24,
        "what_happened": 60,
        "action": 40,
        "outcome": 30,
        "significance": 22,
        "analysis": 40,
        "people": 28,
    }
    sheet.append([TEMPLATE_HEADINGS.get(part.code, part.label) for part in PARTS])
    sheet.append([part.template_hint for part in PARTS])
    for number, part in enumerate(PARTS, start=1):
        letter = column_letter(number)
        sheet.column_dimensions[letter].width = widths[part.code]
        heading = sheet.cell(row=1, column=number)
        heading.font = Font(bold=True)
        hint = sheet.cell(row=2, column=number)
        hint.font = Font(italic=True, color="505A5F")
        hint.fill = PatternFill("solid", fgColor="F3F2F1")
        hint.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
