"""The YAML loader: safe, bounded, faithful to what the user wrote, and every error located."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ProgramError
from toolkit.program.loader import MAX_BYTES, load_yaml, parse_yaml


def error_of(text: str) -> str:
    with pytest.raises(ProgramError) as caught:
        parse_yaml(text, "p.yaml")
    return caught.value.format()


def file_error(path: Path) -> str:
    with pytest.raises(ProgramError) as caught:
        load_yaml(path, "p.yaml")
    return caught.value.format()


def test_yaml_11_traps_stay_the_text_the_user_wrote() -> None:
    data = parse_yaml("a: no\nb: on\nc: 10:30\nd: 1e3\ne: 0o17\nf: 2026-01-01\ng: yes\n", "p.yaml").data
    assert data == {"a": "no", "b": "on", "c": "10:30", "d": "1e3", "e": "0o17", "f": "2026-01-01", "g": "yes"}


def test_null_forms_become_none_but_quoted_null_stays_text() -> None:
    data = parse_yaml("a: ~\nb:\nc: null\nd: 'null'\n", "p.yaml").data
    assert data == {"a": None, "b": None, "c": None, "d": "null"}


def test_positions_of_keys_and_values_are_remembered() -> None:
    document = parse_yaml("goals:\n  - id: x\n    title: y\n", "p.yaml")
    assert document.position(("goals", 0, "title")) == (3, 12)
    assert document.position(("goals", 0, "title"), at_key=True) == (3, 5)
    assert document.position(("goals", 0)) == (2, 5)
    assert document.position(("goals", 0, "missing")) == (2, 5)


def test_core_schema_view_types_plain_scalars_like_an_editor_does() -> None:
    text = "a: 12\nb: 1.5\nc: true\nd: no\ne: '12'\nf: 09:30\ng: 2027-01-04\nh: ~\n"
    data = parse_yaml(text, "p.yaml", core_schema=True).data
    assert data == {"a": 12, "b": 1.5, "c": True, "d": "no", "e": "12", "f": "09:30", "g": "2027-01-04", "h": None}


def test_duplicate_keys_name_both_lines() -> None:
    assert error_of("a: 1\nb: 2\na: 3\n") == (
        "p.yaml:3:1: a: duplicate key 'a' (first on line 1, again on line 3)\n"
        "  fix: keep one of the two: YAML would silently drop the first"
    )


def test_every_duplicate_key_is_reported_at_once() -> None:
    message = error_of("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert "p.yaml:2:1: a: duplicate key 'a'" in message
    assert "p.yaml:5:3: b.c: duplicate key 'c'" in message


def test_python_tags_are_refused_not_executed() -> None:
    assert error_of("a: !!python/object/apply:os.system ['touch /tmp/pwned']\n") == (
        "p.yaml:1:4: a: the tag !!python/object/apply:os.system is not allowed\n"
        "  fix: remove it: the file holds plain text, numbers, lists and mappings only"
    )
    assert not Path("/tmp/pwned").exists()


def test_custom_tags_are_refused() -> None:
    assert error_of("a: !include other.yaml\n").startswith("p.yaml:1:4: a: the tag !include is not allowed")


def test_alias_bomb_is_refused_at_the_cap() -> None:
    """A billion values by expansion: the loader counts what it builds and stops at the cap."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    message = error_of("\n".join(lines) + "\n")
    assert "expands to more than 100,000 values (anchors and aliases nest too deep)" in message
    assert "fix: use aliases (*name) sparingly" in message


def test_recursive_alias_is_refused() -> None:
    assert error_of("a: &a [*a]\n") == (
        "p.yaml:1:4: a[0]: an alias refers to the value that contains it\n  fix: remove the recursive alias"
    )


def test_deep_nesting_is_refused_before_the_parser_recurses() -> None:
    assert error_of("a: " + "[" * 5000 + "]" * 5000 + "\n") == (
        "p.yaml:1:43: nesting is deeper than 40 levels\n"
        "  fix: a program file needs a few levels at most: flatten this structure"
    )


def test_merge_keys_work_and_explicit_keys_win() -> None:
    data = parse_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "p.yaml").data
    assert data["c"] == {"x": "1", "y": "3"}


def test_syntax_error_is_located_with_a_fix() -> None:
    assert error_of("program:\n  name: [unclosed\n") == (
        "p.yaml:3:1: YAML syntax error: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence that starts on line 2, column 9)\n"
        "  fix: check the indentation and quoting on this line and the one above; quote text that "
        "contains ': ' or starts with a special character such as * & ! { [ > |"
    )


def test_colon_inside_unquoted_text() -> None:
    assert error_of("title: Step 1: listen\n") == (
        "p.yaml:1:14: YAML syntax error: a second ': ' on one line\n"
        "  fix: put the text in quotes: text that contains ': ' must be quoted"
    )


def test_tabs() -> None:
    assert (
        error_of("program:\n\tname: x\n")
        == "p.yaml:2:1: YAML syntax error: a tab character\n  fix: indent with spaces, never tabs"
    )


def test_two_documents() -> None:
    assert error_of("a: 1\n---\nb: 2\n") == (
        "p.yaml:2:1: holds a second YAML document ('---')\n  fix: remove the '---' line: the file is one document"
    )


def test_empty_and_comment_only_files() -> None:
    expected = "p.yaml: is empty\n  fix: start from `revmentor init`, or copy the flagship program.yaml"
    assert error_of("") == expected
    assert error_of("# nothing yet\n\n") == expected


def test_missing_file(tmp_path: Path) -> None:
    assert file_error(tmp_path / "nope.yaml") == (
        "p.yaml: no such file\n  fix: check the path, or run `revmentor init` to start a program"
    )


def test_directory(tmp_path: Path) -> None:
    assert (
        file_error(tmp_path)
        == "p.yaml: is a folder, not a file\n  fix: name the YAML file itself, or the folder holding it"
    )


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert file_error(path) == "p.yaml: is a binary file, not YAML text\n  fix: name the program's YAML file"


def test_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("name: Café\n".encode("latin-1"))
    assert file_error(path) == (
        "p.yaml:1:10: is not UTF-8 text: byte 0xe9 cannot be read (the file was probably saved as Windows-1252 or"
        " Latin-1)\n  fix: save the file as UTF-8 in your editor")


def test_a_byte_that_is_not_utf8_is_located_by_line_and_character_not_by_byte(tmp_path: Path) -> None:
    """Lines end in CRLF, a BOM comes first and 'ü' is two bytes: the column is the character an editor shows."""
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: b\r\nname: Br\xc3\xbccke Caf\xe9\r\n")
    assert file_error(path).startswith("p.yaml:2:17: is not UTF-8 text: byte 0xe9 cannot be read")


@pytest.mark.parametrize("text, where, character", [
    ("a: b\r\nname: Br\u00fccke\x1b[31m\n", "2:13", "the control character U+001B ESCAPE"),
    ("a: |\n  text\n  more\x85\u2028x\x08\n", "5:2", "the control character U+0008 BACKSPACE"),
    ("# note\x7f\na: b\n", "1:7", "the control character U+007F DELETE"),
    ("a: \"\ufffe\"\n", "1:5", "the character U+FFFE"),
])
def test_a_character_yaml_forbids_is_located_and_named(text: str, where: str, character: str) -> None:
    """PyYAML says only 'position 468' (a character index): the line and column are counted as
    its marks count them (CRLF one break, NEL and LINE SEPARATOR breaks too), on either parser."""
    with pytest.raises(ProgramError) as caught:
        parse_yaml(text, "p.yaml")
    assert caught.value.format() == (f"p.yaml:{where}: holds {character}, which YAML does not allow\n"
                                     "  fix: delete it: it was probably pasted with the text around it")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes("\ufeffname: Café\n".encode())
    assert load_yaml(path).data == {"name": "Café"}


def test_size_bomb_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("a: " + "x" * MAX_BYTES + "\n")
    assert file_error(path) == (
        f"p.yaml: is {MAX_BYTES + 4:,} bytes; the limit is {MAX_BYTES:,}\n"
        "  fix: a program file is a few dozen kilobytes: move long prose into content/ pages"
    )


def test_non_text_keys_are_refused() -> None:
    assert error_of("? [a]\n: 1\n") == "p.yaml:1:3: a key must be plain text\n  fix: write the key as a simple word"
