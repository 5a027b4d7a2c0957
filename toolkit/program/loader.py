"""Read a YAML file safely into plain data, remembering where every key and value came from.

Why not `yaml.safe_load`: it forgets positions, keeps the last of two duplicate keys, and its
YAML 1.1 rules turn `no` into False, `10:30` into 630 and `1e3` into a float behind the user's
back. Here every plain scalar stays the text the user wrote (only `null`, `~` and an empty
value become None); the schema converts text to numbers, dates or booleans only where a field
asks for one. Input is bounded: size, nesting depth and alias expansion are all capped.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, ProgramError, character_name
from ..files.reading import InputKind, read_input, sniff_wide_encoding

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 100_000

KeyPath = tuple[str | int, ...]
NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_SYNTAX_FIX = (
    "check the indentation and quoting on this line and the one above; "
    "quote text that contains ': ' or starts with a special character such as * & ! { [ > |"
)


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader with no implicit typing: a plain scalar resolves to text, never to a bool."""


_PlainLoader.yaml_implicit_resolvers = {}


class _FastLoader(getattr(yaml, "CSafeLoader", _PlainLoader)):  # type: ignore[misc]
    """The same, on libyaml when it is there: about 20 times faster on a real program file."""


_FastLoader.yaml_implicit_resolvers = {}


@dataclass
class Document:
    """A YAML file read into plain data plus the line and column of every key and value."""

    file: str
    data: Any
    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    lines: tuple[str, ...] = ()
    """The file's text, line by line: to point at a line inside a multi-line value (a message's body)."""

    def position(self, path: KeyPath, at_key: bool = False) -> tuple[int | None, int | None]:
        """Where a path's value starts (or its key, with `at_key`), else its nearest parent's."""
        if at_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return None, None

    def problem(
        self, path: KeyPath, message: str, fix: str = "", warning: bool = False, at_key: bool = False
    ) -> Problem:
        """A Problem located at `path` in this document (at its key, with `at_key`)."""
        line, column = self.position(path, at_key)
        return Problem(
            file=self.file,
            line=line,
            column=column,
            path=format_path(path),
            message=message,
            fix=fix,
            warning=warning,
        )


def format_path(path: KeyPath) -> str:
    """('goals', 1, 'title') -> 'goals[1].title'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_PROGRAM_FILE = InputKind(
    error=ProgramError,
    limit=MAX_BYTES,
    missing_fix="check the path, or run `revmentor init` to start a program",
    folder_fix="name the YAML file itself, or the folder holding it",
    size_fix="a program file is a few dozen kilobytes: move long prose into content/ pages",
)


def read_text(path: Path, display: str, too_big: str = _PROGRAM_FILE.size_fix) -> str:
    """The file's text, or a one-line error for a missing, special, binary, huge or non-UTF-8 file
    (`too_big`: the fix for a file over the size limit, for other YAML files read this way)."""

    def fail(message: str, fix: str) -> ProgramError:
        return ProgramError(Problem(file=display, message=message, fix=fix))

    raw = read_input(path, display, dataclasses.replace(_PROGRAM_FILE, size_fix=too_big))
    wide = sniff_wide_encoding(raw)
    if wide:
        raise fail(f"is saved as {wide}, not UTF-8", "save it as UTF-8 in your editor (in Notepad: Save As,"
                   " Encoding: UTF-8)")
    if b"\x00" in raw[:8192]:
        raise fail("is a binary file, not YAML text", "name the program's YAML file")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")
        line, column = text_position(before, len(before))
        raise ProgramError(Problem(
            display, f"is not UTF-8 text: byte 0x{raw[error.start]:02x} cannot be read (the file was probably"
            " saved as Windows-1252 or Latin-1)", "save the file as UTF-8 in your editor", line, column)) from None


_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as YAML counts them, so that a position found here agrees with the parser's marks."""


def text_position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at `index` of `text`: what an editor shows."""
    line, start = 1, 0
    for found in _BREAK.finditer(text, 0, index):
        line, start = line + 1, found.end()
    return line, index - start + 1


def character_problem(error: yaml.reader.ReaderError, text: str, display: str) -> Problem:
    """PyYAML's ReaderError (a character YAML forbids, given only as an index into the text) as a
    located sentence. Used by check_shape, the first pass over program.yaml and mkdocs.yml alike."""
    found = _NOT_YAML.search(text)
    index = found.start() if found else int(error.position)
    char = text[index] if index < len(text) else str(error.character)
    line, column = text_position(text, index)
    what = (f"the control character {character_name(char)}" if unicodedata.category(char) == "Cc"
            else f"the character U+{ord(char):04X}")
    return Problem(display, f"holds {what}, which YAML does not allow",
                   "delete it: it was probably pasted with the text around it", line, column)


_NOT_YAML = yaml.reader.Reader.NON_PRINTABLE


def load_yaml(path: Path, display: str | None = None, core_schema: bool = False) -> Document:
    """Read a YAML file into a Document, or raise ProgramError listing every problem.

    With `core_schema`, plain scalars are typed by the YAML 1.2 core schema instead (ints,
    floats, true/false): what an editor's YAML language server sees, used to check the
    JSON Schema against real files.
    """
    display = display or str(path)
    text = read_text(path, display)
    return parse_yaml(text, display, core_schema)


def parse_yaml(text: str, display: str, core_schema: bool = False) -> Document:
    """Parse YAML text; see load_yaml."""
    try:
        root = _compose(text, display, _FastLoader)
    except yaml.YAMLError:
        pass  # parse again below: the pure-Python parser words syntax errors more clearly
    else:
        return dataclasses.replace(_build(root, display, core_schema), lines=tuple(text.splitlines()))
    try:
        root = _compose(text, display, _PlainLoader)
    except yaml.MarkedYAMLError as error:
        raise ProgramError(_syntax_problem(error, display)) from None
    except yaml.YAMLError as error:
        raise ProgramError(Problem(display, f"YAML error: {error}", _SYNTAX_FIX)) from None
    return dataclasses.replace(_build(root, display, core_schema), lines=tuple(text.splitlines()))


def _compose(text: str, display: str, loader: type[yaml.SafeLoader]) -> Node | None:
    """Check the nesting depth on the event stream, then compose the node tree."""
    check_shape(text, display, loader)
    return yaml.compose(text, Loader=loader)


def _build(root: Node | None, display: str, core_schema: bool) -> Document:
    if root is None:
        raise ProgramError(
            Problem(display, "is empty", "start from `revmentor init`, or copy the flagship program.yaml")
        )
    builder = _Builder(display, _core_scalar if core_schema else _plain_scalar)
    data = builder.build(root, ())
    if builder.problems:
        raise ProgramError(builder.problems)
    return Document(display, data, builder.values, builder.keys)


def _syntax_problem(error: yaml.MarkedYAMLError, display: str) -> Problem:
    """A parser error as one located sentence, with the fix for the usual causes."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    problem = str(error.problem or error.context or "invalid YAML").strip()
    if problem == "but found another document":
        return Problem(
            display,
            "holds a second YAML document ('---')",
            "remove the '---' line: the file is one document",
            line,
            column,
        )
    if "'\\t'" in problem:
        return Problem(display, "YAML syntax error: a tab character", "indent with spaces, never tabs", line, column)
    if problem == "mapping values are not allowed here":
        return Problem(
            display,
            "YAML syntax error: a second ': ' on one line",
            "put the text in quotes: text that contains ': ' must be quoted",
            line,
            column,
        )
    message = f"YAML syntax error: {problem}"
    start = error.context_mark
    if error.context and start and error.problem_mark and start.line != error.problem_mark.line:
        message += f" ({error.context} that starts on line {start.line + 1}, column {start.column + 1})"
    elif error.context and error.problem:
        message += f" ({error.context})"
    return Problem(display, message, _SYNTAX_FIX, line, column)


def check_shape(text: str, display: str, loader: type[yaml.SafeLoader],
                too_deep: str = "a program file needs a few levels at most: flatten this structure") -> None:
    """Refuse deep nesting and too many values before composing: both composers recurse once per
    level, and a node tree of a million keys takes a second per 100,000 to build. Counted here,
    on what is written, so that the builder's own count can only be exceeded by aliases
    (`too_deep`: the fix, for other YAML files read this way)."""
    depth = 0
    nodes = 0

    def refuse(event: yaml.Event, message: str, fix: str) -> ProgramError:
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return ProgramError(Problem(display, message, fix, line, column))

    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise refuse(event, f"holds more than {MAX_NODES:,} keys and values",
                                 "a program file holds a few thousand at most: is this the program's YAML file?")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise refuse(event, f"nesting is deeper than {MAX_DEPTH} levels", too_deep)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.reader.ReaderError as error:
        raise ProgramError(character_problem(error, text, display)) from None


def check_expansion(root: Node, display: str) -> None:
    """Refuse a composed document whose aliases expand past MAX_NODES values (an alias bomb), for
    YAML files that are constructed otherwise: the same count, and message, as load_yaml's."""
    _Builder(display, _plain_scalar).build(root, ())


def _plain_scalar(node: ScalarNode) -> Any:
    if not node.style and node.value in NULLS:
        return None
    return node.value


_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def _core_scalar(node: ScalarNode) -> Any:
    value = node.value
    if node.style:  # quoted or block text; libyaml marks plain scalars '' and PyYAML None
        return value
    if value in NULLS:
        return None
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return value.lower() == "true"
    if _CORE_INT.fullmatch(value):
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if _CORE_FLOAT.fullmatch(value):
        return float(value)
    return value


class _Builder:
    """Turns composed nodes into plain data, collecting every problem on the way."""

    def __init__(self, display: str, scalar: Callable[[ScalarNode], Any]) -> None:
        self.display = display
        self.scalar = scalar
        self.values: dict[KeyPath, tuple[int, int]] = {}
        self.keys: dict[KeyPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.visited = 0
        self.active: set[int] = set()

    def fail(self, node: Node, path: KeyPath, message: str, fix: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.display, message, fix, mark.line + 1, mark.column + 1, format_path(path)))

    def build(self, node: Node, path: KeyPath) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            mark = node.start_mark
            raise ProgramError(
                Problem(
                    self.display,
                    f"expands to more than {MAX_NODES:,} values (anchors and aliases nest too deep)",
                    "use aliases (*name) sparingly and never inside the anchors they repeat",
                    mark.line + 1,
                    mark.column + 1,
                )
            )
        self.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(
                node,
                path,
                f"the tag {tag} is not allowed",
                "remove it: the file holds plain text, numbers, lists and mappings only",
            )
            return None
        if id(node) in self.active:
            self.fail(node, path, "an alias refers to the value that contains it", "remove the recursive alias")
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        """A mapping's data; merge keys (<<) first so that explicit keys override them."""
        result: dict[str, Any] = {}
        pairs = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                self.fail(key_node, path, "a key must be plain text", "write the key as a simple word")
            elif key_node.value == "<<" and not key_node.style:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if isinstance(source, MappingNode):
                        result.update(self.mapping(source, path))
                    else:
                        self.fail(value_node, path, "a merge key (<<) needs a mapping", "merge an anchored mapping")
            else:
                pairs.append((key_node, value_node))
        seen: dict[str, int] = {}
        for key_node, value_node in pairs:
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                self.fail(
                    key_node,
                    path + (key,),
                    f"duplicate key '{key}' (first on line {seen[key]}, again on line {line})",
                    "keep one of the two: YAML would silently drop the first",
                )
                continue
            seen[key] = line
            self.keys[path + (key,)] = (line, key_node.start_mark.column + 1)
            self.values.pop(path + (key,), None)
            result[key] = self.build(value_node, path + (key,))
        return result
