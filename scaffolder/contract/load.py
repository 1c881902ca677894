"""Read a YAML file into plain data while keeping every node's line and column.

ruamel.yaml's round-trip loader knows where each node stands; we copy that
into a flat map keyed by path so that every later stage (schema, meaning,
changes) can point a user at the exact line. Limits that protect against
hostile input (size, aliases, nesting) are enforced here, before anything
walks the tree.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.report.finding import Finding, Location

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 1000
MAX_NODES = 200_000  # after alias expansion: a "billion laughs" stops here
MAX_DEPTH = 100  # flow nesting; the parser's recursion is slow long before it fails
# No contract value needs more: decimal(38) bounds have 38 digits. Python refuses to print an
# int past 4,300 digits and to make a float of one past 308, so bigger ones never get that far.
MAX_INT_DIGITS = 100
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"|#[^\n]*")
_BRACKET = re.compile(r"[\[\]{}]")

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """A loaded YAML mapping: plain data plus where every node came from."""

    path: str
    text: str
    data: dict[str, Any]
    value_pos: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def pos(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """The 1-based (line, col) of `path`, or of its nearest located ancestor."""
        table = self.key_pos if key else self.value_pos
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.value_pos:
                return self.value_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))

    def location(self, path: PathKey, *, key: bool = False, json_path: str | None = None) -> Location:
        line, col = self.pos(path, key=key)
        return Location(self.path, line, col, json_path if json_path is not None else to_json_path(path))


class LoadError(Exception):
    """The file could not be read as a YAML mapping; carries the located findings."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.text() for f in findings))
        self.findings = findings


def to_json_path(path: PathKey) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _fail(path: str, rule: str, message: str, line: int = 1, col: int = 1) -> LoadError:
    return LoadError([Finding(rule, message, location=Location(path, line, col, "$"))])


def read_text(path: str | Path, within: Path | None = None) -> str:
    """Read a file as UTF-8 text, refusing files that are too large or binary (see read_bytes)."""
    return decode(str(path), read_bytes(path, within))


def read_bytes(path: str | Path, within: Path | None = None, *, pipes: bool = False) -> bytes:
    """A contract file's bytes, never more than MAX_BYTES read, and only from a regular file.

    With `within` (the mesh or repository root), a path under that folder that
    leads outside it through a symbolic link is refused unread: a contract-named
    link in a pull request must not make us quote a file of the machine running us.
    With `pipes`, a pipe the user named is read too (`<(git show main:FILE)`).
    """
    import stat

    p = Path(path)
    if within is not None and outside(p, within):
        raise _fail(str(path), "file-outside-root",
                    f"{path} is a symbolic link (or lies under one) leading outside {within}: not read")
    try:  # non-blocking open: a FIFO named like a contract must not hang us before fstat sees it
        with os.fdopen(os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)),
                       "rb") as fh:
            st = os.fstat(fh.fileno())
            if pipes and stat.S_ISFIFO(st.st_mode):
                os.set_blocking(fh.fileno(), True)  # wait for the writer, as `cat` would
                return fh.read(MAX_BYTES + 1)  # decode() refuses more than MAX_BYTES
            if not stat.S_ISREG(st.st_mode):
                raise _fail(str(path), "file-unreadable", "not a regular file")
            if st.st_size > MAX_BYTES:
                raise _fail(str(path), "file-too-large",
                            f"file is {st.st_size:,} bytes; contracts are limited to {MAX_BYTES:,}")
            raw = fh.read(MAX_BYTES + 1)  # a file that grew since fstat still stops here
    except OSError as exc:
        raise _fail(str(path), "file-unreadable", f"cannot read file: {exc.strerror}") from None
    return raw


def outside(path: Path, root: Path) -> bool:
    """`path` lies under `root` as written, but its real location (links followed) does not."""
    real_root = os.path.realpath(root)
    lexical = os.path.abspath(path)
    if not any(_under(lexical, r) for r in (os.path.abspath(root), real_root)):
        return False  # named from elsewhere: not reached through the mesh
    return not _under(os.path.realpath(path), real_root)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/\\") + os.sep)


def decode(path: str, raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise _fail(path, "file-too-large", f"file is {len(raw):,} bytes; contracts are limited to {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = exc.object[:exc.start].decode("utf-8", "replace")  # exc.object: the bytes after any BOM
        raise _fail(path, "file-not-text", "file is not UTF-8 text (binary data?)",
                    *text_pos(before, len(before))) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise _fail(path, "file-not-text", "file contains a NUL byte (binary data?)", *text_pos(text, nul))
    return text


# What ruamel.yaml (and libyaml) count as a line break; its marks' lines are these lines.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` as the YAML parser counts them (after a final break, an empty last line)."""
    return _LINE_BREAK.split(text)


def text_pos(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, col) of character `offset`, lines counted as the YAML parser does."""
    lines = split_lines(text[:offset])
    return len(lines), len(lines[-1]) + 1


def text_end(text: str) -> tuple[int, int]:
    """The last (line, col) a cursor can stand on: after a final newline, the empty line below it."""
    return text_pos(text, len(text))


def mark_pos(mark: Any, end: tuple[int, int]) -> tuple[int, int]:
    """The 1-based (line, col) of a ruamel.yaml mark, kept inside a text that ends at `end` (text_end).

    At the end of a file without a final newline the parser stands on the line
    after the last one, which no editor shows: point at the end of the file.
    """
    if mark is None:
        return 1, 1
    line, col = mark.line + 1, mark.column + 1
    return end if line > end[0] else (line, col)


def load_file(path: str | Path, within: Path | None = None) -> Document:
    return load_text(read_text(path, within), str(path))


def _yaml() -> Any:
    """ruamel.yaml's loader, on its C parser (ruamel.yaml.clib) when installed: ten times faster.

    We compose nodes (which carry their marks: line and column) and build plain
    data ourselves, so positions come for free and YAML 1.2 rules still apply.
    """
    from ruamel.yaml import YAML

    try:
        return YAML(typ="safe", pure=False)
    except Exception:  # no C extension on this platform: the pure-Python parser gives the same nodes
        return YAML(typ="safe", pure=True)


def load_text(text: str, path: str = "<input>") -> Document:
    """Parse YAML text into a Document; raise LoadError with located findings."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.nodes import MappingNode
    from ruamel.yaml.reader import ReaderError

    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise _fail(path, "file-too-large", f"file is larger than {MAX_BYTES:,} bytes")
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _fail(path, "yaml-empty", "file is empty: expected a contract mapping (apiVersion, kind, metadata, spec)")
    _check_depth(text, path)
    yaml = _yaml()
    doc = Document(path=path, text=text, data={})
    try:
        if "*" in text:
            _check_alias_count(yaml, text, path)
        node = yaml.compose(text)
        if not isinstance(node, MappingNode):
            kind = {"SequenceNode": "a list", "ScalarNode": "a str"}.get(type(node).__name__, "empty")
            if node is not None and type(node).__name__ == "ScalarNode" and node.tag.endswith(":null"):
                kind = "empty"
            raise _fail(path, "yaml-not-mapping",
                        f"document is {kind}; expected a mapping with apiVersion, kind, metadata and spec")
        doc.data = _Walker(doc, yaml.constructor).walk(node, ())
    except LoadError:
        raise
    except MarkedYAMLError as exc:
        line, col = mark_pos(exc.problem_mark or exc.context_mark, text_end(text))
        raise _fail(path, "yaml-syntax", _one_line(exc.problem or exc.context or "invalid YAML"), line, col) from None
    except ReaderError as exc:  # a character YAML does not allow: it has an offset, not a mark
        where = text_pos(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise _fail(path, "yaml-syntax", f"character {what} is not allowed in YAML ({exc.reason})", *where) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = mark_pos(mark, text_end(text))
        raise _fail(path, "yaml-syntax", _one_line(str(exc)), line, col) from None
    except RecursionError:
        raise _fail(path, "yaml-too-deep", "document nests too deeply") from None
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        # a few malformed inputs (bad timestamps, tags) surface as plain errors
        raise _fail(path, "yaml-syntax", f"cannot parse YAML: {_one_line(str(exc))}") from None
    doc.value_pos.setdefault((), (1, 1))
    return doc


def _one_line(msg: str) -> str:
    return " ".join(str(msg).split())


def _check_depth(text: str, path: str) -> None:
    """Refuse flow collections nested deeper than MAX_DEPTH before the parser recurses into them."""
    if "[" not in text and "{" not in text:
        return
    stripped = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    depth = 0
    for m in _BRACKET.finditer(stripped):
        depth = depth + 1 if m.group(0) in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            raise _fail(path, "yaml-too-deep", f"document nests deeper than {MAX_DEPTH} levels", line, col)


def _check_alias_count(yaml: Any, text: str, path: str) -> None:
    from ruamel.yaml.events import AliasEvent

    count = 0
    for event in yaml.parse(text):
        if isinstance(event, AliasEvent):
            count += 1
            if count > MAX_ALIASES:
                raise _fail(
                    path, "yaml-too-many-aliases",
                    f"more than {MAX_ALIASES} aliases: refusing a possible alias bomb",
                    *mark_pos(event.start_mark, text_end(text)),
                )


class _Walker:
    """Build plain Python from composed nodes, recording positions and counting nodes.

    Aliases are the same node object reached twice: each visit counts, so an
    alias bomb stops at MAX_NODES instead of exhausting memory.
    """

    def __init__(self, doc: Document, constructor: Any):
        self.doc = doc
        self.constructor = constructor
        self.nodes = 0
        self.end = text_end(doc.text)

    def _at(self, mark: Any) -> tuple[int, int]:
        return mark_pos(mark, self.end)

    def _fail(self, node: Any, rule: str, message: str) -> LoadError:
        return _fail(self.doc.path, rule, message, *self._at(node.start_mark))

    def _count(self, path: PathKey) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            line, col = self.doc.pos(path)
            raise _fail(self.doc.path, "yaml-too-many-aliases",
                        f"document expands to more than {MAX_NODES:,} nodes through aliases: refusing a possible alias bomb",
                        line, col)

    def _scalar(self, node: Any) -> Any:
        too_large = f"integer too large: more than {MAX_INT_DIGITS} digits (quote it if it is text)"
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ValueError as exc:
            if "integer string conversion" in str(exc):  # past Python's 4,300-digit limit
                raise self._fail(node, "yaml-bad-value", too_large) from None
            raise self._fail(node, "yaml-bad-value", f"cannot read value: {_one_line(str(exc))}") from None
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            if abs(value) >= 10**MAX_INT_DIGITS:
                raise self._fail(node, "yaml-bad-value", too_large)
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return str(value)

    def _key(self, node: Any) -> str:
        from ruamel.yaml.nodes import ScalarNode

        if not isinstance(node, ScalarNode):
            raise self._fail(node, "yaml-syntax", "a mapping key must be a plain value, not a list or mapping")
        key = self._scalar(node)
        if key is None:
            return "null"  # the seed's `null: false`; read as nullable (contract.md)
        if isinstance(key, bool):
            return "true" if key else "false"
        return str(key)

    def _pairs(self, node: Any) -> list[tuple[Any, Any]]:
        """Key/value node pairs, with YAML merge keys (`<<`) expanded in place.

        A merge key takes a mapping or a list of mappings; anything else would
        be dropped without a word, so it is an error.
        """
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        out = []
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for src in sources:
                    if not isinstance(src, MappingNode):
                        raise self._fail(src, "yaml-bad-merge",
                                         "a merge key (<<) takes a mapping or a list of mappings, "
                                         f"not {_node_kind(src)}")
                    out.extend(self._pairs(src))
                continue
            out.append((key, value))
        return out

    def walk(self, node: Any, path: PathKey) -> Any:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        self._count(path)
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in self._pairs(node):
                key = self._key(key_node)
                child = (*path, key)
                if key in out:
                    raise self._fail(key_node, "yaml-duplicate-key", f'duplicate key "{key}"')
                self.doc.key_pos[child] = self._at(key_node.start_mark)
                self.doc.value_pos[child] = self._at(value_node.start_mark)
                out[key] = self.walk(value_node, child)
            return out
        if isinstance(node, SequenceNode):
            items = []
            for i, value_node in enumerate(node.value):
                child = (*path, i)
                self.doc.value_pos[child] = self.doc.key_pos[child] = self._at(value_node.start_mark)
                items.append(self.walk(value_node, child))
            return items
        return self._scalar(node)


def _node_kind(node: Any) -> str:
    from ruamel.yaml.nodes import SequenceNode

    if isinstance(node, SequenceNode):
        return "a list"
    value = node.value if isinstance(node.value, str) else ""
    return "null" if node.tag.endswith(":null") else f"the value {value[:40]!r}"
