"""Reading one entry: bytes -> front matter (plain data) + body, or one located Problem.

Parsing takes two speeds. Every file goes through ruamel.yaml's C-accelerated safe
loader (no positions, ~3,500 small documents a second). Positions are only needed
for files that have a problem, so `position()` composes the YAML again with the
pure-Python composer, whose nodes carry exact line/column marks, on demand.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from journal.core import layout
from journal.core import problems as P
from journal.core.limits import yaml_nesting_line
from journal.core.problems import Problem
from journal.core.text_safety import YAML_FORBIDDEN

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16
# What the YAML reader refuses (YAML 1.2 §5.1: printable characters only).
_FENCE = re.compile(r"---[ \t]*\Z")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*\Z")

KeyPath = Sequence[str | int]


class _Constructor(SafeConstructor):
    """Safe constructor that leaves timestamps as text, so the schema can report a bad
    date (2027-02-30) at its position instead of the loader failing without one."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)

#: No field holds a number this long; Python cannot even print one past 4,300 digits, so a
#: partner's `0xfff…` would otherwise stop every command that words or caches it.
MAX_INT_BITS = 64


def _construct_int(constructor: SafeConstructor, node: ScalarNode) -> Any:
    value = SafeConstructor.construct_yaml_int(constructor, node)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ConstructorError(None, None, f"a number longer than {MAX_INT_BITS} bits; quote it if it is text",
                               node.start_mark)
    return value


_Constructor.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _refuse_tag(constructor: SafeConstructor, node: Node) -> Any:
    # YAML's standard tags for bytes, sets and ordered pairs: no entry field holds one, and
    # they make values (bytes, sets, ordered dicts) that no cache, JSON output or rule expects.
    raise ConstructorError(None, None, f"{node.tag.replace('tag:yaml.org,2002:', '!!')} (a standard tag) is not allowed in "
                           "entries; write the value as text, a list or a mapping", node.start_mark)


for _tag in ("binary", "set", "omap", "pairs"):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def _construct_mapping(constructor: SafeConstructor, node: Node, deep: bool = False) -> Any:
    """A mapping whose keys are all scalars: a key written as a list or mapping (`? [a, b]`)
    would be a tuple, which no rule, cache or output can take."""
    if isinstance(node, MappingNode):
        # After the merge keys (`<<: {...}`) are flattened in: the keys they bring count too.
        constructor.flatten_mapping(node)
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                raise ConstructorError(None, None, "a key that is a list or mapping (written after ?) is not "
                                       "allowed; keys are plain text", key.start_mark)
    return SafeConstructor.construct_mapping(constructor, node, deep=deep)


_Constructor.construct_mapping = _construct_mapping  # type: ignore[method-assign]


class _OncePerDocument(VersionedResolver):
    """ruamel.yaml's resolver, asking which YAML version applies once per document.

    The stock resolver asks for every scalar, and under the C parser the answer comes
    after two failed attribute lookups: a third of the time a cold parse takes. Nothing
    it looks at changes while one document is read, and the C loader builds a new
    resolver for each document, so the answer is the one the stock resolver gives.
    The table of implicit resolvers of a version, which the stock resolver builds again
    for every document from ruamel's fixed list, is built once per version."""

    _tables: dict[Any, Any] = {}

    @property
    def processing_version(self) -> Any:
        known = self.__dict__.get("_journal_version")
        if known is None:
            known = self.__dict__["_journal_version"] = VersionedResolver.processing_version.fget(self)  # type: ignore[attr-defined]
        return known

    @property
    def versioned_resolver(self) -> Any:
        version = self.processing_version
        table = self._tables.get(version)
        if table is None:
            table = self._tables[version] = VersionedResolver.versioned_resolver.fget(self)  # type: ignore[attr-defined]
        return table


#: The key a line of block YAML starts with, when it is a plain word (`  answer: …`).
_PLAIN_KEY = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_-]{0,40}): ")


def _loader(pure: bool) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    yaml.Constructor = _Constructor
    if not pure:
        # Only the C loader: the pure one keeps one resolver across documents.
        yaml.Resolver = _OncePerDocument
    return yaml


_FAST = _loader(pure=False)


class Head(NamedTuple):
    """The few facts about an entry that whole-journal indexes read: a reply's names, whether
    it is private, which top-level fields it has, and a hash of its text. A cache keeps these
    beside an entry's parse so that 13,000 replies can be indexed without reading them."""

    author: str | None  # `author:` when it is text
    to: str | None
    period: str | None
    private: bool  # `private: true`
    fields: tuple[str, ...]  # the front matter's top-level keys that are text
    digest: str  # blake2b of the front matter and body as written

    @classmethod
    def of(cls, data: dict[str, Any], yaml_text: str, body: str) -> Head:
        author, to, period = data.get("author"), data.get("to"), data.get("period")
        text = f"{yaml_text}\0{body}".encode("utf-8", "surrogatepass")
        return cls(author if type(author) is str else None, to if type(to) is str else None,
                   period if type(period) is str else None, data.get("private") is True,
                   tuple(k for k in data if type(k) is str), hashlib.blake2b(text, digest_size=16).hexdigest())


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str
    data: dict[str, Any]
    body: str
    yaml_text: str = field(repr=False)
    yaml_line: int  # 1-based line of the file where the YAML starts
    body_line: int

    @cached_property
    def head(self) -> Head:
        """The entry's `Head`, worked out once (an entry read lazily has it from the start)."""
        return Head.of(self.data, self.yaml_text, self.body)

    def position(self, keypath: KeyPath = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `keypath`, or of its key with `key=True`.
        Falls back to the nearest enclosing node that exists."""
        node = _composed(self)
        if node is None:
            return (self.yaml_line, 1)
        mark_node: Node = node
        tables = self.__dict__.setdefault("_node_tables", {})
        untabbed = self.__dict__.get("_node_untabbed", False)  # composed with a space for each tab
        last = len(keypath) - 1
        for at, part in enumerate(keypath):
            found = _child(mark_node, part.replace("\t", " ") if untabbed and isinstance(part, str) else part, tables)
            if found is None:
                break
            knode, vnode = found
            # A value left blank (`status:`) has no text: its mark is where the next token
            # starts, a line below. Its key is what the problem is about.
            blank = isinstance(vnode, ScalarNode) and vnode.value == "" and vnode.start_mark.index == vnode.end_mark.index
            # The last part by its place: a key read as not-a-number equals nothing, itself included.
            mark_node = knode if ((key or blank) and at == last and knode is not None) else vnode
        mark = mark_node.start_mark
        return (self.yaml_line + mark.line, mark.column + 1)


def raw_scalar(entry: Entry, keypath: KeyPath, *, key: bool = False) -> str:
    """The text of the plain scalar at `keypath` as written (its key's with `key=True`), or
    "" for anything else: what a message quotes when YAML read it as a number or boolean."""
    line, column = entry.position(keypath, key=key)
    # Split once per entry: 40,000 list items, each quoted, split the text 40,000 times.
    lines = entry.__dict__.get("_yaml_lines")
    if lines is None:
        lines = entry.__dict__["_yaml_lines"] = entry.yaml_text.split("\n")
    index = line - entry.yaml_line
    if not 0 <= index < len(lines):
        return ""
    found = _PLAIN_TOKEN.match(lines[index], column - 1)
    return found.group(0) if found else ""


_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}:#'\"]+")


def _read_as(knode: Node) -> list[tuple[str, Any]]:
    """What a key YAML read as a number, boolean or null (`1e3:`, `null:`) may stand for, as
    `_as_read` names a key of the parse: a key is found by what it was read as, not by its text."""
    tag, text = str(getattr(knode, "tag", "")), str(knode.value)
    if tag.endswith(":null"):
        return [("null", None)]
    if tag.endswith(":bool"):
        return [("bool", text.lower() in ("true", "yes", "on"))]
    if tag.endswith(":str"):  # quoted: text, whatever it spells
        return []
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:  # Python's float() knows none of YAML's spellings of these
        return [special]
    found = []
    # int(t, 0) refuses a decimal with leading zeros (`0900:`), which YAML 1.2 reads as 900.
    for read in (lambda t: int(t, 0), lambda t: int(t, 10), float):
        try:
            found.append(_as_read(read(text.replace("_", ""))))
        except (ValueError, OverflowError):
            continue
    return found


#: YAML 1.2's core schema spellings of infinity and not-a-number (yaml.org/spec/1.2.2, 10.2.2), and the
#: signed not-a-number a `!!float` tag also reads. Not a number is named apart: it equals no number, itself included.
_SPECIAL_FLOATS: dict[str, tuple[str, Any]] = {
    **{f"{sign}.{word}": ("number", float(f"{sign}inf")) for sign in ("", "+", "-") for word in ("inf", "Inf", "INF")},
    **{f"{sign}.{word}": ("nan", None) for sign in ("", "+", "-") for word in ("nan", "NaN", "NAN")},
}


def _as_read(part: object) -> tuple[str, Any]:
    """The name `_read_as` gives a key of the parse that is not text."""
    if part is None:
        return ("null", None)
    if isinstance(part, float) and part != part:
        return ("nan", None)
    return ("bool", part) if isinstance(part, bool) else ("number", part)


def _composed(entry: Entry) -> Node | None:
    cache = entry.__dict__.setdefault("_node_cache", [])
    if not cache:
        text = entry.yaml_text
        node = _compose(text)
        if node is None and "\t" in text:
            # libyaml, which read the entry, takes a tab where the pure scanner refuses one
            # (`week:<tab>2026-W49`): a space for each tab keeps every line and column, and
            # keys are looked up the same way (`position`).
            node = _compose(text.replace("\t", " "))
            entry.__dict__["_node_untabbed"] = node is not None
        cache.append(node)
    return cache[0]


def _compose(text: str) -> Node | None:
    try:
        # A loader per document: ruamel's keeps a `%YAML` directive's version for every
        # later document, so one entry's directive would move another's positions.
        return _loader(pure=True).compose(text)
    except (YAMLError, RecursionError):
        return None


def _child(node: Node, part: str | int, tables: dict[int, dict[str, tuple[Node, Node]]]) -> tuple[Node | None, Node] | None:
    """The (key node, value node) of `part` under `node`. A mapping's keys, as written and as
    read (`_read_as`), are looked up in a table made once per mapping (kept in `tables` by the
    node's id, for as long as the node is kept): a front matter of 40,000 unknown keys, each
    one reported at its position, took minutes with a scan per key."""
    if isinstance(node, MappingNode):
        table = tables.get(id(node))
        if table is None:
            table = tables[id(node)] = {}
            for knode, vnode in node.value:
                if isinstance(knode, ScalarNode):
                    # A key read as a number, boolean or null is found by that, never by its text:
                    # `.nan:` is no key ".nan", which a quoted `".nan":` beside it may be.
                    for name in _read_as(knode) or (knode.value,):
                        table.setdefault(name, (knode, vnode))  # the first, as a scan finds it
        return table.get(part if isinstance(part, str) else _as_read(part))
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


class EntryProblem(Exception):
    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


def decode(data: bytes) -> str:
    """UTF-8 text with a byte-order mark dropped and every line ending made `\\n`."""
    if len(data) > MAX_BYTES:
        raise EntryProblem(1, 1, P.SIZE, f"file is {len(data):,} bytes; entries are limited to {MAX_BYTES:,} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EntryProblem(1, 1, P.ENCODING, "file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise EntryProblem(line, column, P.ENCODING, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise EntryProblem(line, 1, P.ENCODING, "file contains a NUL byte; is it binary?")
    return text


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """(yaml, yaml_line, body, body_line) of a Markdown entry."""
    if not text.strip():
        raise EntryProblem(1, 1, P.EMPTY, "file is empty; an entry starts with a front matter block between --- lines")
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        raise EntryProblem(1, 1, P.FRONT_MATTER, "no front matter: the first line must be ---")
    for i in range(1, len(lines)):
        if _CLOSE.match(lines[i]):
            return "\n".join(lines[1:i]) + "\n", 2, "\n".join(lines[i + 1 :]), i + 2
    raise EntryProblem(1, 1, P.FRONT_MATTER, "front matter opened here is never closed (expected a line with ---)")


def load_yaml(text: str, first_line: int) -> Any:
    """Parse YAML safely: no object-building tags, no aliases, no duplicate keys."""
    deep = yaml_nesting_line(text)  # before any parser: the C loader recurses without a limit
    if deep is not None:
        raise EntryProblem(first_line + deep, 1, P.SYNTAX, f"invalid YAML: nested more than {MAX_DEPTH} levels deep")
    if "*" in text or "&" in text:
        try:
            for event in _FAST.parse(text):
                if isinstance(event, AliasEvent):
                    m = event.start_mark
                    raise EntryProblem(first_line + m.line, m.column + 1, P.YAML_ALIAS, "YAML aliases (*name) are not allowed in entries; write the value out")
        except YAMLError:
            pass  # reported with its position by the load below
    try:
        value = _FAST.load(text)
    except DuplicateKeyError as exc:
        raise _marked(exc, first_line, P.DUPLICATE_KEY, _duplicate_message(exc), text) from None
    except ConstructorError as exc:
        code = P.YAML_TAG if "tag" in str(exc.problem) else P.SYNTAX
        message = f"YAML tag refused: {exc.problem}" if code == P.YAML_TAG else f"invalid YAML: {exc.problem}"
        raise _marked(exc, first_line, code, message, text) from None
    except MarkedYAMLError as exc:
        message = f"invalid YAML: {exc.problem}" + (f" ({exc.context})" if exc.context else "")
        mark = exc.problem_mark
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            message = "invalid YAML: a tab character; YAML indents with spaces only"
        elif mark is not None and _in_flow(text, mark.index, exc):
            message += ('; inside {…} or […] a value holding ": " or "," must be quoted, '
                        'e.g. {commitment: "Note: three runs, one long"}')
        elif mark is not None and "mapping values are not allowed" in str(exc.problem):
            # `answer: Yes: Saturday`: the second ": " starts a mapping where a value goes.
            start = text.rfind("\n", 0, mark.index) + 1
            key = _PLAIN_KEY.match(text, start)
            message += (f'; a value holding ": " must be quoted, e.g. {key.group(1) if key else "note"}: '
                        '"Note: three runs"')
        raise _marked(exc, first_line, P.SYNTAX, message, text) from None
    except ReaderError:
        # The C reader's position is not a character offset: find the character ourselves.
        m = YAML_FORBIDDEN.search(text)
        at = m.start() if m else 0
        before = text[:at]
        line, column = before.count("\n"), at - (before.rfind("\n") + 1) + 1
        what = f"control character U+{ord(text[at]):04X}" if m else "a character YAML does not allow"
        raise EntryProblem(first_line + line, column, P.SYNTAX, f"invalid YAML: {what} is not allowed") from None
    except RecursionError:
        raise EntryProblem(first_line, 1, P.SYNTAX, "invalid YAML: nested too deeply") from None
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise EntryProblem(first_line, 1, P.SYNTAX, f"invalid YAML: {exc}") from None
    except LookupError:  # `!!bool maybe`, `!!int ''`: a value its tag cannot read
        raise EntryProblem(first_line, 1, P.SYNTAX, "invalid YAML: a value its tag (!!bool, !!int, !!float) "
                           "cannot read; write it without the tag") from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise EntryProblem(first_line, 1, P.SYNTAX, f"invalid YAML: nested more than {MAX_DEPTH} levels deep")
    return value


def _in_flow(text: str, index: int, exc: MarkedYAMLError) -> bool:
    """Whether a YAML error sits inside `{…}` or `[…]`, where a bare colon or comma is the usual cause."""
    if "flow" in str(exc.context or "") or "flow" in str(exc.problem or ""):
        return True
    line = text[text.rfind("\n", 0, index) + 1 : index]
    return line.count("{") > line.count("}") or line.count("[") > line.count("]")


def _depth_exceeds(value: Any, limit: int) -> bool:
    # Iterative, so a hostile [[[[...]]]] cannot exhaust the interpreter's stack later.
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _duplicate_message(exc: DuplicateKeyError) -> str:
    m = re.search(r'found duplicate key "(.*?)"', str(exc.problem))
    return f"duplicate key '{m.group(1)}'" if m else "duplicate key"


def _marked(exc: MarkedYAMLError, first_line: int, code: str, message: str, text: str) -> EntryProblem:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return EntryProblem(first_line, 1, code, message)
    line, column = mark.line, mark.column
    if any(c in text for c in _YAML_ONLY_BREAKS) and 0 <= mark.index <= len(text):
        # YAML also breaks lines at NEL, LS and PS; editors and our positions count line
        # feeds only, so count from the character offset instead.
        before = text[: mark.index]
        line, column = before.count("\n"), mark.index - (before.rfind("\n") + 1)
    lines = text.split("\n")
    line = min(line, len(lines) - 1)  # the mark never points past the text it read
    column = min(column, len(lines[line]))
    return EntryProblem(first_line + line, column + 1, code, message)


_YAML_ONLY_BREAKS = "\x85\u2028\u2029"


def parse(path: str, kind: str, data: bytes) -> Entry:
    """Bytes of a journal file -> Entry; raises EntryProblem for anything unreadable."""
    text = decode(data)
    if kind == "config":
        yaml_text, yaml_line, body, body_line = text, 1, "", 1
        if not text.strip():
            raise EntryProblem(1, 1, P.EMPTY, "journal.yaml is empty; it needs a title and members")
    else:
        yaml_text, yaml_line, body, body_line = split_front_matter(text)
    value = load_yaml(yaml_text, yaml_line)
    if not isinstance(value, dict):
        found = "nothing" if value is None else ("a list" if isinstance(value, list) else f"a single value ({type(value).__name__})")
        raise EntryProblem(yaml_line if value is not None else max(yaml_line - 1, 1), 1, P.NOT_MAPPING,
                           f"front matter must be a mapping of keys to values, found {found}")
    return Entry(path, kind, value, body, yaml_text, yaml_line, body_line)


def read_entry(path: str, kind: str, data: bytes) -> Entry | Problem:
    try:
        return parse(path, kind, data)
    except EntryProblem as exc:
        message = exc.message
        if exc.code in (P.FRONT_MATTER, P.EMPTY) and kind in layout.FOLDER_OF:
            # Notes kept beside the entries (goals/README.md): every Markdown file there is one.
            message += f"; every .md file in {layout.FOLDER_OF[kind]}/ is read as a {kind} (keep notes elsewhere)"
        return Problem(path, exc.line, exc.column, P.ERROR, exc.code, message)


def load_front_matter(text: str) -> dict[str, Any] | None:
    """The front matter of an entry's text, or None if it is not a readable entry."""
    try:
        yaml_text, line, _, _ = split_front_matter(text.replace("\r\n", "\n"))
        value = load_yaml(yaml_text, line)
    except EntryProblem:
        return None
    return value if isinstance(value, dict) else None
