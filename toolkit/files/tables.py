"""Spreadsheets in and out: CSV or XLSX read with row numbers, written safe to open in Excel.

Why one module: rosters, earlier pairs files and survey responses all arrive as an export from
an HR system, a spreadsheet or a survey tool, and every error about them must name the row a
person sees in Excel (header = row 1). Every cell is read as text; what a value means is the
caller's business.

Excel safety: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
would be taken by Excel (or LibreOffice) as a formula, so every such text cell written by the
toolkit gets a leading single quote (`'=HYPERLINK(...)` shows as typed and never runs).
`read_table` removes that quote again, so files the toolkit wrote read back unchanged.

Header rows: exports often put a title or a note above the header ("Crosswise roster, exported
2027-01-04"). A caller that knows the column names it reads (`expect`) gets, as the header, the
first of the file's first HEADER_SEARCH_ROWS rows that holds the most of them; `header_row`
names it outright. Rows above the header are passed over and counted (`Table.above_header`).

Bounded: a file is read through files/reading.py (a regular file, at most MAX_TABLE_BYTES), then
at most MAX_ROWS rows, MAX_COLUMNS columns and MAX_CELLS cells, whatever size an XLSX sheet claims
for itself. A cell holding a control character, or a row with more values than the header has
columns, is a problem of that row: it comes back with the table (`Table.problems`), so that the
caller reports it with its own rules' problems, all in one run (`Table.reporting`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

from ..errors import Problem, RosterError, ToolkitError, character_name, excerpt
from .paths import display_path
from .reading import InputKind, read_input, sniff_wide_encoding

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel treat a cell's text as a formula."""

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SEPARATORS = (",", ";", "\t")
MAX_TABLE_BYTES = 64 * 1024 * 1024
"""A roster of 200,000 people with a dozen columns is about 30 MB as CSV, less as XLSX."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""What an XLSX (a zip of XML) may unpack to: a few hundred bytes per row, for MAX_ROWS rows."""
MAX_ROWS = 200_000
"""Rows as a spreadsheet numbers them, the header and blank rows included."""
MAX_COLUMNS = 1_000
HEADER_SEARCH_ROWS = 20
"""Rows with text looked through for the header row, when the caller says which column names it reads."""
MAX_CELLS = 20_000_000
"""Rows times columns read: what keeps a file within MAX_ROWS but very wide from filling the memory."""
_V = TypeVar("_V")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters no one types into a cell (tabs and line breaks are kept): a terminal would
obey them and a spreadsheet cannot hold them."""
_SAVE_AS = "save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx)"


@dataclass(frozen=True)
class RowProblem:
    """A bad cell (or row) found as a table is read: where it is, what is wrong, the fix. The
    caller decides what it means: an error for a roster, a row left out for survey responses."""

    row: int
    column: int | None
    """0-based column index, None for the row as a whole."""
    message: str
    fix: str


@dataclass(frozen=True)
class Table:
    """A sheet read as text: its header and its non-blank rows with their spreadsheet row numbers."""

    file: str
    """The file as the user named it, for messages."""
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """(row number as Excel shows it, cells padded to the header's width); blank rows are left out."""
    header_row: int = 1
    problems: tuple[RowProblem, ...] = ()
    """Bad cells and rows, in row order. A row with too many values is not in `rows`; a row with a
    control character is, as read, so that the caller's own checks of it are made all the same."""
    above_header: int = 0
    """Rows with text above the header row, passed over (a title, a note): 0 when the header is the first."""

    def problem(self, found: RowProblem) -> Problem:
        """A RowProblem as a roster's or pairs file's error: 'row 4: column B (name): ...'."""
        where = f"row {found.row}: "
        if found.column is not None:
            name = self.header[found.column] if found.column < len(self.header) else ""
            where += f"column {column_letter(found.column)}"
            where += f" ({name}): " if name and found.row != self.header_row else ": "
        return Problem(self.file, where + found.message, found.fix, found.row)

    @cached_property
    def flagged(self) -> frozenset[tuple[int, int | None]]:
        """(row, column) of every RowProblem: a cell already reported, that a caller need not report again."""
        return frozenset((found.row, found.column) for found in self.problems)

    @contextmanager
    def reporting(self, error: type[ToolkitError] = RosterError) -> Iterator[None]:
        """Around a caller's checks of this table: whatever problems they raise, the table's own are
        raised with them, in row order; if they raise none, the table's own are raised as `error`."""
        try:
            yield
        except ToolkitError as failure:
            own = [self.problem(found) for found in self.problems]
            raise type(failure)(in_row_order([*own, *failure.problems])) from None
        if self.problems:
            raise error([self.problem(found) for found in self.problems])


def in_row_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted by row, those of the file as a whole first; the order is kept within a row."""
    return sorted(problems, key=lambda problem: problem.line or 0)


def excel_safe(text: str) -> str:
    """Text that Excel shows as typed: a leading quote before anything it would run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def excel_unsafe(text: str) -> str:
    """Undo `excel_safe`: the quote the toolkit added is removed, any other text is kept."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    what: str = "roster",
    source: str = "your HR system or spreadsheet",
    ragged_rows: Literal["refuse", "keep"] = "refuse",
    header_row: int | None = None,
    expect: Sequence[str] = (),
) -> Table:
    """Read a CSV (UTF-8, with or without BOM; comma, semicolon or tab) or an XLSX sheet.

    Raises RosterError naming the file (and the row, where there is one) with the fix; `what`
    and `source` name the file and where it comes from in those fixes. A row with more values
    than the header has columns is an error, or with `ragged_rows="keep"` is returned whole,
    for a caller that leaves such rows out and counts them (survey responses). The header is
    row `header_row` when given (as a spreadsheet numbers it), else the row among the first
    that holds the most of the column names in `expect`, else the first row with text.
    """
    file = Path(path)
    shown = display_path(file)

    def fail(message: str, fix: str, line: int | None = None) -> RosterError:
        return RosterError(Problem(shown, message, fix, line))

    suffix = file.suffix.lower()
    raw = read_input(file, shown, InputKind(
        error=RosterError, limit=MAX_TABLE_BYTES, missing_fix=f"check the path of the {what}",
        folder_fix=f"name the {what.removesuffix(' file')} file (.csv or .xlsx) itself",
        size_fix=f"export only the columns the toolkit reads, or split the {what} into files of"
                 f" {MAX_ROWS:,} rows at most"))
    if not raw.strip():
        raise fail("the file is empty", f"export the {what} with a header row and one row per person")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail("is an old-style Excel file (.xls) or a password-protected workbook, which cannot be read",
                   f"open it in Excel and {_SAVE_AS}, without a password")
    is_zip = raw.startswith(b"PK\x03\x04")
    if suffix in XLSX_SUFFIXES or (is_zip and suffix not in CSV_SUFFIXES and suffix != ".xls"):
        if not is_zip:
            raise fail("is not an Excel workbook (.xlsx), though its name ends in " + suffix,
                       f"open it in the program that made it and {_SAVE_AS}")
        return _read_xlsx(raw, shown, sheet, what, ragged_rows, _Header(header_row, tuple(expect)))
    if suffix == ".xls":
        raise fail("is an old-style Excel file (.xls), which cannot be read", f"open it in Excel and {_SAVE_AS}")
    if suffix not in CSV_SUFFIXES:
        kind = f"its name ends in {suffix}" if suffix else "its name has no .csv or .xlsx ending"
        raise fail(f"is not a CSV or XLSX file ({kind})", f"export the {what} from {source}"
                   f" as CSV or .xlsx; {_SAVE_AS}")
    if is_zip:
        raise fail("is an Excel workbook, though its name ends in " + suffix,
                   "rename it to end in .xlsx, or " + _SAVE_AS)
    if sheet is not None:
        raise fail(f"--sheet '{sheet}' was given but a CSV file has no sheets", "leave out --sheet for a CSV file")
    return _read_csv(raw, shown, what, ragged_rows, _Header(header_row, tuple(expect)))


@dataclass(frozen=True)
class _Header:
    """Where a table's header row is: given (`row`), or to be found by the column names `expect`ed."""

    row: int | None = None
    expect: tuple[str, ...] = ()


def _read_csv(raw: bytes, shown: str, what: str, ragged_rows: str, header: _Header) -> Table:
    def fail(message: str, fix: str, line: int | None = None) -> RosterError:
        return RosterError(Problem(shown, (f"row {line}: " if line else "") + message, fix, line))

    wide = sniff_wide_encoding(raw)
    if wide:
        raise fail(f"is {wide} text (Excel's 'Unicode Text'), not UTF-8", _SAVE_AS)
    if b"\x00" in raw[:8192]:
        raise fail("is a binary file, not CSV text", f"export the {what} as CSV or .xlsx")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise fail(f"not UTF-8 text: byte 0x{byte} cannot be read (the file was probably saved as"
                   " Windows-1252 or Latin-1)", _SAVE_AS, line) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    separator = max(_SEPARATORS, key=lambda sep: (_count_outside_quotes(first_line, sep), -_SEPARATORS.index(sep)))
    if header.expect:
        separator = _separator_of_header(text, separator, header)
    records: list[tuple[int, list[str]]] = []
    bounds = _Bounds(shown, what)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
        for number, record in enumerate(reader, start=1):
            records.append((number, list(bounds.check(number, record))))
    except csv.Error as error:
        raise fail(f"cannot be read as CSV: {error}", "check the quotes in this row: a value that contains the"
                   f" separator '{separator}' or a line break must be enclosed in double quotes, and a value"
                   " that opens with a quote must end with one",
                   len(records) + 1) from None
    cells = [(n, [cell.strip() for cell in record]) for n, record in records]
    return _table(shown, cells, separator=separator, what=what, ragged_rows=ragged_rows, header_at=header)


def _separator_of_header(text: str, first_guess: str, header: _Header) -> str:
    """The separator under which one of the first rows (or the row given) reads as a header holding
    the most expected names: a title above a semicolon-separated header must not make the file
    comma-separated."""
    names = {loose_name(name) for name in header.expect if name}
    lines = HEADER_SEARCH_ROWS + (header.row or 0)
    head = "\n".join(text.split("\n", lines)[:lines])

    def found(separator: str) -> int:
        counts = []
        try:  # rows numbered as the table numbers them: a record, whatever line breaks its quotes hold
            for number, row in enumerate(csv.reader(io.StringIO(head, newline=""), delimiter=separator), start=1):
                if header.row is None or number == header.row:
                    counts.append(len({loose_name(cell) for cell in row} & names))
        except csv.Error:
            pass
        return max(counts, default=0)

    counts = {separator: found(separator) for separator in _SEPARATORS}
    best = max(counts.values())
    return first_guess if counts[first_guess] == best else next(sep for sep in _SEPARATORS if counts[sep] == best)


def _count_outside_quotes(line: str, separator: str) -> int:
    return sum(part.count(separator) for part in line.split('"')[::2])


def _read_xlsx(raw: bytes, shown: str, sheet: str | None, what: str, ragged_rows: str, header: _Header) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(raw, shown)

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:
        raise RosterError(Problem(shown, f"cannot be read as an Excel workbook ({type(error).__name__})",
                                  f"open it in Excel and save it again as .xlsx, or {_SAVE_AS}")) from None
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise RosterError(Problem(shown, f"has no sheet named '{sheet}'; its sheets are: "
                                      + ", ".join(f"'{name}'" for name in names),
                                      "give one of these names with --sheet, or leave --sheet out for the first"))
        worksheet = book[sheet if sheet is not None else names[0]]
        worksheet.reset_dimensions()  # the size a sheet claims is not trusted: rows are as long as their cells
        records = []
        bounds = _Bounds(shown, what)
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            records.append((number, [_cell_text(value) for value in bounds.check(number, values)]))
    except RosterError:
        raise
    except Exception as error:
        raise RosterError(Problem(shown, f"cannot be read as an Excel workbook ({type(error).__name__})",
                                  f"open it in Excel and save it again as .xlsx, or {_SAVE_AS}")) from None
    finally:
        book.close()
    return _table(shown, records, separator="", what=what, ragged_rows=ragged_rows, header_at=header)


class _Bounds:
    """Row, column and cell limits, checked as a sheet is read: a file of a million rows, or a
    workbook whose rows reach column XFD, is refused at the first row past a limit."""

    def __init__(self, shown: str, what: str) -> None:
        self.shown = shown
        self.what = what
        self.cells = 0

    def check(self, number: int, values: Sequence[_V]) -> Sequence[_V]:
        """The row's values, up to MAX_COLUMNS (empty cells beyond it are dropped), or RosterError."""
        width = len(values)
        self.cells += width
        if width > MAX_COLUMNS:
            if any(value not in (None, "") for value in values[MAX_COLUMNS:]):
                self.refuse(number, f"has values beyond column {column_letter(MAX_COLUMNS - 1)}; the limit is"
                            f" {MAX_COLUMNS:,} columns", "delete the columns the toolkit does not read")
            values = values[:MAX_COLUMNS]
        if number > MAX_ROWS or self.cells > MAX_CELLS:
            limit = f"{MAX_ROWS:,} rows" if number > MAX_ROWS else f"{MAX_CELLS:,} cells"
            self.refuse(number, f"the {self.what} goes on past {limit}, the limit",
                        f"split the {self.what} into smaller files, and delete rows and columns below and beside"
                        " the table that the toolkit does not read")
        return values

    def refuse(self, number: int, message: str, fix: str) -> None:
        raise RosterError(Problem(self.shown, f"row {number}: {message}", fix, number))


def _check_unpacked_size(raw: bytes, shown: str) -> None:
    """A workbook is a zip: what it says it unpacks to is capped before any of it is unpacked
    (zipfile never unpacks more than an entry says it holds)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    if size > MAX_UNPACKED_BYTES:
        raise RosterError(Problem(shown, f"unpacks to {size:,} bytes; the limit is {MAX_UNPACKED_BYTES:,}",
                                  f"open it in Excel and {_SAVE_AS}, with only the sheet and columns needed"))


def _cell_text(value: Any) -> str:
    """A cell's value as the text a person sees: 3.0 reads as 3, a date as 2027-01-04."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _table(shown: str, records: list[tuple[int, list[str]]], *, separator: str, what: str,
           ragged_rows: str, header_at: _Header = _Header()) -> Table:
    """Header and rows, with the header checked and rows padded; ragged CSV rows are errors
    unless `ragged_rows` is "keep".

    `separator` is the CSV's (empty for a workbook, whose rows cannot be ragged).
    """
    records = [(n, cells) for n, cells in records if any(cells)]
    if not records:
        raise RosterError(Problem(shown, "the file is empty", f"export the {what} with a header row and one row"
                                  " per person"))
    above = _header_at(shown, records, header_at)
    records = records[above:]
    header_row, header_cells = records[0]
    while header_cells and not header_cells[-1]:
        header_cells.pop()
    header = tuple(excel_unsafe(cell) for cell in header_cells)
    problems = _control_characters(records)
    twice = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name.casefold() in seen:
            twice.append(RowProblem(header_row, None, f"the column '{name}' appears twice (columns"
                                    f" {seen[name.casefold()] + 1} and {index + 1})", "rename or remove one of them"))
        seen.setdefault(name.casefold(), index)
    width = len(header)
    usual = Counter(len(cells) for _, cells in records[1:]).most_common(1)[0][0] if len(records) > 1 else width
    rows = []
    for number, cells in records[1:]:
        if ragged_rows == "keep":
            kept = cells
        else:
            # More values than columns: a stray separator, unless every row ends the same way ("a,b,c,").
            extra = [cell for cell in cells[width:] if cell] or (len(cells) > width and len(cells) != usual)
            if extra and separator:
                example = {",": '"Lee, Ann"', ";": '"AI tools; Excel"'}.get(separator, '"a value"')
                name = {",": "comma", ";": "semicolon", "\t": "tab"}[separator]
                problems.append(RowProblem(number, None, f"{len(cells)} values but the header row has {width}"
                                           " columns", f"enclose values that contain a {name} (the separator) in"
                                           f" double quotes, e.g. {example}, or remove the stray {name}"))
                continue
            kept = cells[:width]
        padded = [*kept, *[""] * (width - len(kept))]
        rows.append((number, tuple(excel_unsafe(cell) if cell[:1] == "'" else cell for cell in padded)))
    problems.sort(key=lambda found: found.row)
    table = Table(shown, header, tuple(rows), header_row, tuple(problems), above)
    if twice:  # which of the two columns is meant cannot be known: nothing further can be checked
        raise RosterError(in_row_order(table.problem(found) for found in [*twice, *problems]))
    return table


def loose_name(name: str) -> str:
    """A column name compared as people write it: case, spaces, underscores and hyphens ignored."""
    return re.sub(r"[\s_\-]+", "", name.casefold())


def _header_at(shown: str, records: list[tuple[int, list[str]]], header: _Header) -> int:
    """Which of the rows with text is the header: the one given, or among the first
    HEADER_SEARCH_ROWS the first that holds the most of the expected names, or the first."""
    if header.row is not None:
        at = next((index for index, (number, _) in enumerate(records) if number == header.row), None)
        if at is None:
            last = records[-1][0]
            where = (f"the file's last row with text is row {last}" if header.row > last else
                     f"row {header.row} is empty")
            raise RosterError(Problem(shown, f"--header-row {header.row}: {where}, so it cannot be the header row",
                                      "give the number of the row that holds the column names, as the spreadsheet"
                                      " numbers it, or leave --header-row out to have it found",
                                      header.row if header.row <= last else None))
        return at
    names = {loose_name(name) for name in header.expect if name}
    if not names:
        return 0

    def found(cells: list[str]) -> int:
        return len({loose_name(cell) for cell in cells if cell} & names)

    counts = [found(cells) for _, cells in records[:HEADER_SEARCH_ROWS]]
    best = max(counts)
    return counts.index(best) if best > counts[0] else 0


def _control_characters(records: list[tuple[int, list[str]]]) -> list[RowProblem]:
    """Every cell holding a control character, by row and column: bad data (an ESC in a name
    comes from a paste or a broken export), never to be written on or printed as it is."""
    problems = []
    for number, cells in records:
        if not _CONTROL.search("\n".join(cells)):
            continue
        for index, cell in enumerate(cells):
            found = _CONTROL.search(cell)
            if found:
                start = max(0, found.start() - 25)
                text = ("..." if start else "") + excerpt(cell[start:])
                problems.append(RowProblem(number, index, f"'{text}' holds the control character"
                                           f" {character_name(found.group())}", "retype the value in the"
                                           " spreadsheet: it was probably pasted with an invisible character"))
    return problems


# --- writing --------------------------------------------------------------------------------

_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIXED_TIME = dt.datetime(2000, 1, 1)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file as Excel opens it correctly: UTF-8 with BOM, comma separated, CRLF, quotes where needed.

    Text cells pass through `excel_safe`; numbers are written as they are.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([excel_safe(name) for name in header])
    for row in rows:
        writer.writerow([excel_safe(cell) if isinstance(cell, str) else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    """One worksheet to write: a title, a header, rows, and column widths in characters."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    widths: Sequence[int] = ()


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx workbook, byte for byte the same for the same sheets (no timestamps inside).

    Text cells pass through `excel_safe` and are stored as text, never as formulas. Written in
    openpyxl's streaming mode: a header in bold, frozen; wide columns (40+ characters) wrap.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.creator = "revmentor"
    book.properties.created = _FIXED_TIME
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        worksheet = book.create_sheet(spec.title)
        for index, width in enumerate(spec.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        header = []
        for name in spec.header:
            cell = WriteOnlyCell(worksheet, value=_safe_text(name))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        wide = {index for index, width in enumerate(spec.widths) if width >= _WRAP_WIDTH}
        for row in spec.rows:
            values: list[object] = []
            for index, value in enumerate(row):
                value = _safe_cell(value)
                if index in wide and isinstance(value, str):
                    cell = WriteOnlyCell(worksheet, value=value)
                    cell.alignment = wrap
                    value = cell
                values.append(value)
            worksheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_timestamps(buffer.getvalue())


_WRAP_WIDTH = 40


def _safe_cell(value: object) -> object:
    """Text made safe (see `_safe_text`); numbers as they are."""
    return _safe_text(value) if isinstance(value, str) else value


def _safe_text(text: str) -> str:
    """Text Excel shows as typed (openpyxl would store text starting with '=' as a formula) and
    openpyxl can write: it refuses control characters, so any left are written as `\\x0b`."""
    return excel_safe(_UNWRITABLE.sub(lambda found: f"\\x{ord(found.group()):02x}", text))


_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""What openpyxl refuses to write (its ILLEGAL_CHARACTERS_RE)."""


def _without_timestamps(data: bytes) -> bytes:
    """The same workbook with fixed zip entry times and document dates, for identical bytes per input."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\2", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
