"""Spreadsheets in and out (files/tables.py) on their own: every message exact, every cell as typed,
every file written safe to open in Excel and the same bytes for the same rows."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from toolkit.errors import RosterError
from toolkit.files import tables
from toolkit.files.tables import (
    MAX_ROWS,
    MAX_TABLE_BYTES,
    Sheet,
    column_letter,
    csv_bytes,
    excel_safe,
    excel_unsafe,
    read_table,
    xlsx_bytes,
)

from hardening import record


@pytest.fixture(autouse=True)
def inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    yield


def table_of(name: str, data: bytes, **options: object) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]:
    Path(name).write_bytes(data)
    table = read_table(name, **options)  # type: ignore[arg-type]
    assert table.file == name
    return table.header, table.rows


def error_of(name: str, data: bytes | None, **options: object) -> list[str]:
    if data is not None:
        Path(name).write_bytes(data)
    with pytest.raises(RosterError) as caught:
        read_table(name, **options)  # type: ignore[arg-type]
    return [problem.format() for problem in caught.value.problems]


def problems_of(name: str, data: bytes, **options: object) -> list[str]:
    """The bad rows and cells a table comes back with, as a roster or pairs file reports them."""
    Path(name).write_bytes(data)
    table = read_table(name, **options)  # type: ignore[arg-type]
    return [table.problem(found).format() for found in table.problems]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    b"id,name\r\nA1, Ann \r\n\r\n,\r\nB2,Bob\r\n",
    b"\xef\xbb\xbfid;name\nA1;Ann\nB2;Bob\n",
    b"id\tname\nA1\tAnn\nB2\tBob\n",
])
def test_a_csv_in_any_separator_with_or_without_bom_reads_with_excels_row_numbers(data: bytes) -> None:
    header, rows = table_of("roster.csv", data)
    assert header == ("id", "name")
    assert rows[0] == (2, ("A1", "Ann"))
    assert rows[-1][1] == ("B2", "Bob") and rows[-1][0] in (3, 5)


def test_the_separator_is_the_one_most_used_outside_quotes_in_the_header() -> None:
    header, rows = table_of("roster.csv", b'"a,b";c;d\n"1,2";3;4\n')
    assert header == ("a,b", "c", "d") and rows == ((2, ("1,2", "3", "4")),)
    assert table_of("t.txt", b"x\n1\n") == (("x",), ((2, ("1",)),))


def test_short_rows_are_padded_and_trailing_empty_header_cells_dropped() -> None:
    assert table_of("roster.csv", b"id,name,,\nA1,,,\nB2,Bob,,\n") == (
        ("id", "name"), ((2, ("A1", "")), (3, ("B2", "Bob"))))
    assert table_of("roster.csv", b"id,name\nA1\n") == (("id", "name"), ((2, ("A1", "")),))


def test_a_quote_excel_needed_is_removed_again_and_any_other_kept() -> None:
    header, rows = table_of("roster.csv", b"'=id,name\n'=SUM(A1),'plain\n'@x,'-3\n")
    assert header == ("=id", "name")
    assert rows == ((2, ("=SUM(A1)", "'plain")), (3, ("@x", "-3")))


def test_a_stray_separator_is_located_with_the_quoting_that_fixes_it() -> None:
    """The row comes back as a problem of the table, not raised: the caller lists it with its own."""
    assert problems_of("roster.csv", b"id,name\nA1,Lee, Ann\nB2,Bob\n") == [
        "roster.csv:2: row 2: 3 values but the header row has 2 columns\n  fix: enclose values that contain a comma"
        ' (the separator) in double quotes, e.g. "Lee, Ann", or remove the stray comma']
    assert table_of("roster.csv", b"id,name\nA1,Lee, Ann\nB2,Bob\n")[1] == ((3, ("B2", "Bob")),)
    assert problems_of("roster.csv", b"id;topics\nA1;AI tools;Excel\n")[0].endswith(
        'values that contain a semicolon (the separator) in double quotes, e.g. "AI tools; Excel", or remove the stray'
        " semicolon")
    assert problems_of("roster.csv", b"id\tname\nA1\tAnn\tx\n")[0].endswith(
        'values that contain a tab (the separator) in double quotes, e.g. "a value", or remove the stray tab')


def test_every_row_ending_alike_is_no_stray_separator_and_ragged_rows_may_be_kept() -> None:
    assert table_of("roster.csv", b"id,name\nA1,Ann,\nB2,Bob,\n")[1] == ((2, ("A1", "Ann")), (3, ("B2", "Bob")))
    assert table_of("responses.csv", b"id,name\nA1,Ann,extra\n", ragged_rows="keep")[1] == (
        (2, ("A1", "Ann", "extra")),)


def test_a_column_twice_is_refused_naming_both() -> None:
    assert error_of("roster.csv", b"id,name,ID\nA1,Ann,x\n") == [
        "roster.csv:1: row 1: the column 'ID' appears twice (columns 1 and 3)\n  fix: rename or remove one of them"]


def test_a_column_twice_stops_the_read_with_every_bad_row_already_found_in_row_order() -> None:
    """Which of two columns is meant cannot be known, so nothing more can be checked: what the
    reader found is all said at once."""
    assert error_of("roster.csv", b"id,name,ID\nA1,Ann\x1b,x\nB2,Bob,y,z\n") == [
        "roster.csv:1: row 1: the column 'ID' appears twice (columns 1 and 3)\n  fix: rename or remove one of them",
        "roster.csv:2: row 2: column B (name): 'Ann\\x1b' holds the control character U+001B ESCAPE\n  fix: retype"
        " the value in the spreadsheet: it was probably pasted with an invisible character",
        "roster.csv:3: row 3: 4 values but the header row has 3 columns\n  fix: enclose values that contain a comma"
        ' (the separator) in double quotes, e.g. "Lee, Ann", or remove the stray comma']


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty\n  fix: export the roster with a header row and one row per person"),
    (b" \n\n", "the file is empty\n  fix: export the roster with a header row and one row per person"),
    (b",,\n,\n", "the file is empty\n  fix: export the roster with a header row and one row per person"),
    ("id,name\n".encode("utf-16"), "is UTF-16 text (Excel's 'Unicode Text'), not UTF-8\n  fix: save it as CSV UTF-8"
     " (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx)"),
    (b"id\x00name\n", "is a binary file, not CSV text\n  fix: export the roster as CSV or .xlsx"),
    (b"id,name\nA1,Ren\xe9e\n", "2: row 2: not UTF-8 text: byte 0xe9 cannot be read (the file was probably saved as"
     " Windows-1252 or Latin-1)\n  fix: save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel"
     " workbook (.xlsx)"),
    (b'id,name\nA1,"Ann\nB2,Bob\n', "2: row 2: cannot be read as CSV: unexpected end of data\n  fix: check the quotes"
     " in this row: a value that contains the separator ',' or a line break must be enclosed in double quotes, and a"
     " value that opens with a quote must end with one"),
    (b"\xd0\xcf\x11\xe0rest", "is an old-style Excel file (.xls) or a password-protected workbook, which cannot be"
     " read\n  fix: open it in Excel and save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel"
     " workbook (.xlsx), without a password"),
    (b"PK\x03\x04rest", "is an Excel workbook, though its name ends in .csv\n  fix: rename it to end in .xlsx, or save"
     " it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx)"),
])
def test_an_unreadable_csv_says_what_it_is_and_how_to_save_it(data: bytes, message: str) -> None:
    (found,) = error_of("roster.csv", data)
    assert found == f"roster.csv{':' if message[0].isdigit() else ': '}{message}"


@pytest.mark.parametrize("name, data, message", [
    ("roster.xls", b"anything", "is an old-style Excel file (.xls), which cannot be read\n  fix: open it in Excel and"
     " save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx)"),
    ("roster.xlsx", b"id,name\n", "is not an Excel workbook (.xlsx), though its name ends in .xlsx\n  fix: open it in"
     " the program that made it and save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel"
     " workbook (.xlsx)"),
    ("roster.numbers", b"id,name\n", "is not a CSV or XLSX file (its name ends in .numbers)\n  fix: export the roster"
     " from your HR system or spreadsheet as CSV or .xlsx; save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)"
     " or as an Excel workbook (.xlsx)"),
    ("roster", b"id,name\n", "is not a CSV or XLSX file (its name has no .csv or .xlsx ending)\n  fix: export the"
     " roster from your HR system or spreadsheet as CSV or .xlsx; save it as CSV UTF-8 (in Excel: File > Save As >"
     " CSV UTF-8) or as an Excel workbook (.xlsx)"),
    ("roster.xlsx", b"PK\x03\x04broken", "cannot be read as an Excel workbook (BadZipFile)\n  fix: open it in Excel and"
     " save it again as .xlsx, or save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook"
     " (.xlsx)"),
])
def test_a_file_of_another_kind_is_named_for_what_it_is(name: str, data: bytes, message: str) -> None:
    assert error_of(name, data) == [f"{name}: {message}"]


def test_missing_unreadable_and_folder_paths_say_so(tmp_path: Path) -> None:
    assert error_of("missing.csv", None) == ["missing.csv: no such file\n  fix: check the path of the roster"]
    Path("folder.csv").mkdir()
    assert error_of("folder.csv", None) == [
        "folder.csv: is a folder, not a file\n  fix: name the roster file (.csv or .xlsx) itself"]
    assert error_of("missing.csv", None, what="pairs file") == [
        "missing.csv: no such file\n  fix: check the path of the pairs file"]
    assert error_of("roster.txt", b"id\n1\n", sheet="People") == [
        "roster.txt: --sheet 'People' was given but a CSV file has no sheets\n  fix: leave out --sheet for a CSV file"]


# --- reading XLSX ---------------------------------------------------------------------------------


def test_a_workbook_reads_its_first_sheet_or_the_one_named_with_cells_as_a_person_sees_them() -> None:
    data = workbook(
        ("Notes", [["ignore me"]]),
        ("People", [["id", "level", "start", "at", "ok", None], [1.0, 2.5, dt.datetime(2027, 1, 4), dt.time(9, 30),
                                                                   True, None], [None, None, None, None, None, None],
                    ["B2", 3, dt.datetime(2027, 1, 4, 12, 15), dt.date(2027, 2, 1), False, " x "]]),
    )
    assert table_of("roster.xlsx", data, sheet="People") == (
        ("id", "level", "start", "at", "ok"),
        ((2, ("1", "2.5", "2027-01-04", "09:30:00", "TRUE")), (4, ("B2", "3", "2027-01-04 12:15:00", "2027-02-01",
                                                                    "FALSE"))))
    assert table_of("roster.xlsx", data)[0] == ("ignore me",)
    assert error_of("roster.xlsx", data, sheet="Staff") == [
        "roster.xlsx: has no sheet named 'Staff'; its sheets are: 'Notes', 'People'\n  fix: give one of these names"
        " with --sheet, or leave --sheet out for the first"]


def test_a_workbook_without_an_xlsx_name_is_read_as_one() -> None:
    assert table_of("export", workbook(("Sheet", [["id"], ["A1"]])))[1] == ((2, ("A1",)),)


# --- writing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@a", "\tx", "\rx"])
def test_every_formula_start_is_neutralised_and_restored(text: str) -> None:
    assert excel_safe(text) == "'" + text
    assert excel_unsafe(excel_safe(text)) == text
    assert excel_safe("'quoted") == excel_unsafe("'quoted") == "'quoted"
    assert excel_safe("plain") == excel_unsafe("plain") == "plain"


def test_csv_is_utf8_with_bom_crlf_and_quotes_where_needed() -> None:
    data = csv_bytes(["id", "=name"], [["A1", 'Lee, "Ann"'], ["=2", 3.5]])
    assert data == '\ufeffid,\'=name\r\nA1,"Lee, ""Ann"""\r\n\'=2,3.5\r\n'.encode()


def test_xlsx_is_text_never_formulas_with_its_layout_and_the_same_bytes_each_time() -> None:
    sheets = [Sheet("Pairs", ["id", "=why"], [["=HYPERLINK(\"x\")", 4.0, "a long reason " * 5]], (8, 12, 40)),
              Sheet("Empty", ["x"], [])]
    data = xlsx_bytes(sheets)
    assert data == xlsx_bytes(sheets)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        assert {(info.date_time, info.compress_type, info.external_attr) for info in entries} == {
            ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED, 0o644 << 16)}
        core = archive.read("docProps/core.xml")
        assert re.search(rb"<dcterms:modified[^>]*>2000-01-01T00:00:00Z<", core), core
    book = load_workbook(io.BytesIO(data))
    sheet = book["Pairs"]
    assert [cell.value for cell in sheet[1]] == ["id", "'=why", None]
    assert [cell.value for cell in sheet[2]] == ["'=HYPERLINK(\"x\")", 4.0, "a long reason " * 5]
    assert [cell.data_type for cell in sheet[2]] == ["s", "n", "s"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [8, 12, 40]
    assert sheet["C2"].alignment.wrap_text and sheet["C2"].alignment.vertical == "top"
    assert not sheet["A2"].alignment.wrap_text
    assert book.sheetnames == ["Pairs", "Empty"] and book.properties.creator == "revmentor"


def test_column_letters_run_past_z() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_a_formula_cell_reads_as_its_value_never_as_the_formula() -> None:
    """Excel keeps a formula's last value beside it: that is what a person saw in the cell."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "level"])
    sheet.append(["A1", "=1+2"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out := io.BytesIO(), "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # the value Excel would have cached
                assert b"<f>1+2</f><v></v>" in content
                content = content.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
            target.writestr(info, content)
    assert table_of("roster.xlsx", out.getvalue())[1] == ((2, ("A1", "3")),)


def test_numbers_dates_and_times_read_as_a_person_sees_them() -> None:
    from toolkit.files.tables import _cell_text

    assert [_cell_text(value) for value in (3.0, 2.5, -1.0, 7, None, True, False, " x ")] == [
        "3", "2.5", "-1", "7", "", "TRUE", "FALSE", "x"]
    assert [_cell_text(value) for value in (dt.datetime(2027, 1, 4), dt.datetime(2027, 1, 4, 9, 5),
                                            dt.date(2027, 1, 4), dt.time(9, 5))] == [
        "2027-01-04", "2027-01-04 09:05:00", "2027-01-04", "09:05:00"]


def test_a_workbook_that_opens_but_cannot_be_read_says_so() -> None:
    data = workbook(("People", [["id"], ["A1"]]))
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken := io.BytesIO(), "w") as target:
        for info in source.infolist():
            target.writestr(info, b"<worksheet><sheetData><row" if info.filename.endswith("sheet1.xml")
                            else source.read(info.filename))
    assert error_of("roster.xlsx", broken.getvalue()) == [
        "roster.xlsx: cannot be read as an Excel workbook (ParseError)\n  fix: open it in Excel and save it again as"
        " .xlsx, or save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) or as an Excel workbook (.xlsx)"]


def test_blank_lines_before_the_header_and_a_tie_between_separators() -> None:
    assert table_of("roster.csv", b"\r\n\nid;name,x\nA1;Ann,1\n") == (("id;name", "x"), ((4, ("A1;Ann", "1")),))
    assert table_of("roster.csv", b"id\tname;x\nA1\tAnn;1\n")[0] == ("id\tname", "x")  # first in , ; tab wins a tie


@pytest.mark.parametrize("data, message", [
    ("id,name\n".encode("utf-16-be").join([b"\xfe\xff", b""]), "is UTF-16 text (Excel's 'Unicode Text'), not UTF-8"),
    (b"id,name\n" + b"x" * 8183 + b"\x00\n", "is a binary file, not CSV text"),
])
def test_utf16_either_way_round_and_a_nul_early_on_are_named(data: bytes, message: str) -> None:
    assert error_of("roster.csv", data)[0].startswith(f"roster.csv: {message}\n")


def test_a_workbook_named_xls_is_called_old_style_and_a_link_loop_cannot_be_read(tmp_path: Path) -> None:
    assert error_of("roster.xls", workbook(("Sheet", [["id"]])))[0].startswith(
        "roster.xls: is an old-style Excel file (.xls), which cannot be read\n")
    Path("loop.csv").symlink_to("loop.csv")
    assert error_of("loop.csv", None) == [
        "loop.csv: cannot be read: Too many levels of symbolic links\n  fix: check the path and the disk"]


# --- bounded: what an export from the outside world cannot do -------------------------------------


def test_a_million_rows_are_refused_at_the_first_row_past_the_limit() -> None:
    data = b"id,name\n" + b"".join(b"%d,P\n" % number for number in range(1_000_000))
    assert error_of("roster.csv", data) == [
        f"roster.csv:{MAX_ROWS + 1}: row {MAX_ROWS + 1}: the roster goes on past 200,000 rows, the limit\n"
        "  fix: split the roster into smaller files, and delete rows and columns below and beside the table that"
        " the toolkit does not read"]
    record("bad inputs tried")


def test_a_gigabyte_file_is_refused_by_its_size_before_a_byte_is_read() -> None:
    with open("roster.csv", "wb") as sparse:
        sparse.truncate(1024**3)
    assert error_of("roster.csv", None) == [
        f"roster.csv: is 1,073,741,824 bytes; the limit is {MAX_TABLE_BYTES:,}\n"
        "  fix: export only the columns the toolkit reads, or split the roster into files of 200,000 rows at most"]
    record("bad inputs tried")


def test_a_row_wider_than_the_column_limit_is_refused_and_empty_cells_beyond_it_are_not() -> None:
    assert error_of("roster.csv", b"id,name\n1,Ann" + b"," * 1000 + b"x\n") == [
        "roster.csv:2: row 2: has values beyond column ALL; the limit is 1,000 columns\n"
        "  fix: delete the columns the toolkit does not read"]
    assert table_of("roster.csv", b"id,name" + b"," * 1500 + b"\n1,Ann\n") == (("id", "name"), ((2, ("1", "Ann")),))


def test_rows_times_columns_are_capped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_CELLS", 10)
    assert error_of("roster.csv", b"id,name,team\n1,Ann,A\n2,Bob,B\n3,Cy,C\n4,Di,D\n")[0].startswith(
        "roster.csv:4: row 4: the roster goes on past 10 cells, the limit\n")


def _with_dimension(data: bytes, ref: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content, count = re.subn(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + ref + b'"/>', content)
                assert count == 1
            target.writestr(info, content)
    return out.getvalue()


def test_a_workbook_claiming_a_whole_sheet_is_read_as_the_rows_it_holds(tmp_path: Path) -> None:
    """A 5 KB file whose sheet says A1:XFD1048576 once took 154 s and 7.8 GB: every row, and every
    empty row between two rows, was padded out to column XFD. Read here in a process allowed 1 GB,
    so padding fails the test."""
    import subprocess
    import sys

    rows: list[list[object]] = [["id", "name"], ["A1", "Ann"], *[[]] * 59_997, ["B2", "Bob"]]
    Path("roster.xlsx").write_bytes(_with_dimension(workbook(("Sheet", rows)), b"A1:XFD1048576"))
    assert Path("roster.xlsx").stat().st_size < 6000
    script = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
              "from toolkit.files.tables import read_table; t = read_table('roster.xlsx'); print(t.header, t.rows)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.stderr == ""
    assert done.stdout == "('id', 'name') ((2, ('A1', 'Ann')), (60000, ('B2', 'Bob')))\n"
    record("bad inputs tried")


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1000)
    assert error_of("roster.xlsx", workbook(("Sheet", [["id"], ["x" * 2000]])))[0].startswith(
        "roster.xlsx: unpacks to ")


def test_control_characters_in_cells_and_header_are_problems_by_row_and_column() -> None:
    """Returned with the table, the rows kept as read: a roster still checks row 2's id and e-mail."""
    assert problems_of("roster.csv", b"id,na\x1b[2Jme\n1,Ann\x0bLee\n2,\"Bob\nDay\tJr\"\n") == [
        "roster.csv:1: row 1: column B: 'na\\x1b[2Jme' holds the control character U+001B ESCAPE\n"
        "  fix: retype the value in the spreadsheet: it was probably pasted with an invisible character",
        "roster.csv:2: row 2: column B (na\\x1b[2Jme): 'Ann\\x0bLee' holds the control character U+000B VERTICAL"
        " TAB\n  fix: retype the value in the spreadsheet: it was probably pasted with an invisible character"]
    assert table_of("roster.csv", b"id,name\n1,\"Bob\nDay\tJr\"\n")[1] == ((2, ("1", "Bob\nDay\tJr")),)
    assert table_of("roster.csv", b"id,name\n1,Ann\x0bLee\n")[1] == ((2, ("1", "Ann\x0bLee")),)
    assert problems_of("responses.csv", b"comment\n" + b"x" * 100 + b"\x07" + b"y" * 100 + b"\n")[0].startswith(
        "responses.csv:2: row 2: column A (comment): '..." + "x" * 25 + "\\x07" + "y" * 31 + "...' holds the control"
        " character U+0007 BELL\n")
    record("bad inputs tried")


def test_a_workbook_written_with_control_characters_shows_them_escaped() -> None:
    data = xlsx_bytes([Sheet("Pairs", ["name\x1b"], [["Ann\x0bLee"], ["=\x07"]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["name\\x1b"], ["Ann\\x0bLee"], ["'=\\x07"]]


# --- the header row -----------------------------------------------------------------------------

ROSTER_NAMES = ("id", "name", "role", "level")


def test_a_title_and_a_note_above_the_header_are_passed_over_when_the_column_names_are_known() -> None:
    data = b"Crosswise roster\nExported 2027-01-04 by HR, do not forward\n\nid;name;role\nE1;Ann;mentor\n"
    Path("roster.csv").write_bytes(data)
    table = read_table("roster.csv", expect=ROSTER_NAMES)
    assert (table.header, table.rows, table.header_row, table.above_header) == (
        ("id", "name", "role"), ((5, ("E1", "Ann", "mentor")),), 4, 2)
    assert read_table("roster.csv").header == ("Crosswise roster",)  # no names to look for: the first row, as ever


def test_the_header_is_the_first_row_holding_the_most_expected_names() -> None:
    data = b"id,note\nid,name,role\nE1,Ann,mentor\nid,name,role\n"
    assert table_of("roster.csv", data, expect=ROSTER_NAMES)[1][0] == (3, ("E1", "Ann", "mentor"))
    assert table_of("roster.csv", b"id,name\nE1,Ann\n", expect=ROSTER_NAMES)[1] == ((2, ("E1", "Ann")),)


def test_a_workbook_with_a_title_row_reads_from_its_header() -> None:
    data = workbook(("Export", [["People in the pilot"], [], ["id", "name", "role"], ["E1", "Ann", "mentor"]]))
    Path("roster.xlsx").write_bytes(data)
    table = read_table("roster.xlsx", expect=ROSTER_NAMES)
    assert (table.header, table.rows, table.header_row, table.above_header) == (
        ("id", "name", "role"), ((4, ("E1", "Ann", "mentor")),), 3, 1)


def test_the_header_row_may_be_given_and_a_row_that_cannot_be_it_is_refused() -> None:
    data = b"Roster\nid,name\nE1,Ann\n\n"
    assert table_of("roster.csv", data, header_row=2) == (("id", "name"), ((3, ("E1", "Ann")),))
    assert error_of("roster.csv", data + b"E2,Bob\n", header_row=4) == [
        "roster.csv:4: --header-row 4: row 4 is empty, so it cannot be the header row\n  fix: give the number of the"
        " row that holds the column names, as the spreadsheet numbers it, or leave --header-row out to have it found"]
    assert error_of("roster.csv", data, header_row=9) == [
        "roster.csv: --header-row 9: the file's last row with text is row 3, so it cannot be the header row\n  fix:"
        " give the number of the row that holds the column names, as the spreadsheet numbers it, or leave"
        " --header-row out to have it found"]


def test_a_title_with_a_comma_does_not_make_a_semicolon_file_comma_separated() -> None:
    data = b"Roster, exported 4 January\nid;name;role\nE1;Ann;mentor\n"
    assert table_of("roster.csv", data, expect=ROSTER_NAMES) == (("id", "name", "role"), ((3, ("E1", "Ann", "mentor")),))
