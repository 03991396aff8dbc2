"""Writing a chronology out as an XLSX workbook or a DOCX document (a landscape table), from plain rows.

A row is a dict with the keys of `FIELDS` (dates as `date` and `time`, everything else text). Every text cell goes
through `neutralise`, so that a spreadsheet never reads "=HYPERLINK(...)" in an entry as a formula, and loses the
control characters that XML cannot hold. The XLSX writer streams (openpyxl's write-only mode), so a chronology of
100,000 entries is written in seconds with little memory; the DOCX writer builds its table rows as XML directly,
because python-docx's own cell API slows down as the table grows.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from casereview.chronology.cells import neutralise
from casereview.chronology.dates import format_uk_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CELL_LIMIT = 32_767  # characters Excel holds in one cell


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int  # characters in the workbook; a share of the page width in the document


FIELDS = {
    column.key: column
    for column in [
        Column("occurred_on", "Date", 18),
        Column("date_text", "Date as recorded", 18),
        Column("agency", "Agency", 24),
        Column("people", "People", 20),
        Column("practitioners", "Practitioners", 22),
        Column("what_happened", "What happened", 60),
        Column("action", "Action or decision taken", 40),
        Column("outcome", "Outcome", 30),
        Column("significance", "Significance", 18),
        Column("source", "Source", 28),
        Column("analysis", "Analysis", 40),
        Column("marks", "Marks", 30),
        Column("note", "Lead reviewer's note", 40),
        Column("themes", "Themes", 30),
    ]
}


def columns(*keys: str) -> list[Column]:
    return [FIELDS[key] for key in keys]


# What each export shows. A document page is narrower than a sheet: it leaves out what the workbook adds.
AGENCY_XLSX = columns(
    "occurred_on",
    "date_text",
    "people",
    "practitioners",
    "what_happened",
    "action",
    "outcome",
    "significance",
    "source",
    "analysis",
)
AGENCY_DOCX = columns("occurred_on", "people", "practitioners", "what_happened", "action", "outcome", "significance")
INTEGRATED_XLSX = columns(
    "occurred_on",
    "date_text",
    "agency",
    "people",
    "practitioners",
    "what_happened",
    "action",
    "outcome",
    "significance",
    "source",
    "analysis",
    "marks",
    "note",
    "themes",
)
INTEGRATED_DOCX = columns(
    "occurred_on", "agency", "people", "what_happened", "action", "outcome", "significance", "note"
)

# Excel number formats, by the entry's date precision: a "month only" entry must not show as the 1st.
DATE_FORMATS = {"datetime": "d mmmm yyyy h:mm", "month": "mmmm yyyy"}
DAY_FORMAT = "d mmmm yyyy"


def safe_text(value) -> str:
    """Text as a cell may hold it: without control characters XML refuses, and neutralised against formulas."""
    if value is None:
        return ""
    text = str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    text = neutralise(text)
    # Line ends as XML keeps them (a bare carriage return would come back as a line feed anyway).
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def written_date(row: dict) -> str:
    """The date as the agency wrote it, or else as the chronology shows it ("?22 May 2016", "March 2016")."""
    return row.get("date_text") or format_uk_date(
        row["occurred_on"], row.get("precision", "day"), row.get("occurred_at")
    )


@dataclass(frozen=True)
class Heading:
    """What the export is: a title and the lines under it (the review, the filters, who exported it and when)."""

    title: str
    lines: Sequence[str] = ()


# -- XLSX -----------------------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def write_xlsx(rows: Iterable[dict], out: BinaryIO, *, heading: Heading, columns: Sequence[Column]) -> int:
    """Write the rows as a workbook: a "Chronology" sheet (a header row, then a row per entry, dates as real
    dates) and an "About" sheet (the heading). Returns the number of entries written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Chronology")
    for index, column in enumerate(columns):
        sheet.column_dimensions[_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    # One styled cell per date format, reused for every row: the row is written out as soon as it is appended.
    wrap = Alignment(vertical="top")
    date_cells = {}
    for number_format in {*DATE_FORMATS.values(), DAY_FORMAT}:
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        cell.alignment = wrap
        date_cells[number_format] = cell
    keys = [column.key for column in columns]
    count = 0
    for row in rows:
        values = []
        for key in keys:
            if key == "occurred_on":
                precision = row.get("precision", "day")
                cell = date_cells[DATE_FORMATS.get(precision, DAY_FORMAT)]
                occurred_at = row.get("occurred_at")
                cell.value = (
                    datetime.combine(row["occurred_on"], occurred_at)
                    if precision == "datetime" and isinstance(occurred_at, time)
                    else row["occurred_on"]
                )
                values.append(cell)
            else:
                text = written_date(row) if key == "date_text" else row.get(key)
                text = safe_text(text)[:XLSX_CELL_LIMIT]
                values.append(text or None)  # an empty cell is not written
        while values[-1] is None:  # nor are the empty cells that end a row made at all
            values.pop()
        sheet.append(values)
        count += 1

    about = book.create_sheet("About")
    about.column_dimensions["A"].width = 100
    title = WriteOnlyCell(about, value=safe_text(heading.title))
    title.font = Font(bold=True, size=14)
    about.append([title])
    for line in heading.lines:
        about.append([safe_text(line)])
    about.append([f"{count} entries"])
    book.save(out)
    return count


# -- DOCX -----------------------------------------------------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 297, 210, 12
DOCX_FONT_PT = 9
TWIPS_PER_MM = 1440 / 25.4


def _docx_cell(text: str, width: int, *, bold: bool = False) -> str:
    runs = []
    properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    for number, line in enumerate(text.split("\n")):
        if number:
            runs.append("<w:br/>")
        runs.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f"<w:p><w:r>{properties}{''.join(runs)}</w:r></w:p></w:tc>"
    )


def _docx_row(cells: list[str], *, header: bool = False) -> str:
    properties = "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" if header else ""
    return f"<w:tr {nsdecls('w')}>{properties}{''.join(cells)}</w:tr>"


def write_docx(rows: Iterable[dict], out: BinaryIO, *, heading: Heading, columns: Sequence[Column]) -> int:
    """Write the rows as a document: landscape A4, the heading, then a table with a header row repeated on every
    page. Returns the number of entries written."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    document.styles["Normal"].font.size = Pt(DOCX_FONT_PT)
    document.add_heading(safe_text(heading.title), level=1)
    for line in heading.lines:
        document.add_paragraph(safe_text(line))

    usable = int((PAGE_WIDTH_MM - 2 * MARGIN_MM) * TWIPS_PER_MM)
    total = sum(column.width for column in columns)
    widths = [usable * column.width // total for column in columns]
    table = document.add_table(rows=0, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    grid = table._tbl.tblGrid
    for grid_column, width in zip(grid.findall("{*}gridCol"), widths, strict=True):
        grid_column.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w", str(width))
    body = table._tbl
    body.append(
        parse_xml(
            _docx_row(
                [_docx_cell(column.header, width, bold=True) for column, width in zip(columns, widths, strict=True)],
                header=True,
            )
        )
    )
    count = 0
    for row in rows:
        cells = []
        for column, width in zip(columns, widths, strict=True):
            if column.key == "occurred_on":
                text = format_uk_date(row["occurred_on"], row.get("precision", "day"), row.get("occurred_at"))
            elif column.key == "date_text":
                text = written_date(row)
            else:
                text = row.get(column.key)
            bold = column.key == "significance" and row.get("significance_code") == "key"
            cells.append(_docx_cell(safe_text(text), width, bold=bold))
        body.append(parse_xml(_docx_row(cells)))
        count += 1
    if not count:
        document.add_paragraph("There are no entries.")
    document.save(out)
    return count


def export_filename(stem: str, today: date, extension: str) -> str:
    """A file name that says what and when, safe in a Content-Disposition header: "SCR-2026-001 chronology
    2026-03-04.xlsx"."""
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in " -_") else "-" for ch in stem).strip(" -")
    return f"{cleaned or 'chronology'} {today.isoformat()}.{extension}"
