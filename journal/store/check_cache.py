"""Each entry's own judgment, kept under the git folder so `journal check` does not judge an
unchanged entry again.

`<gitdir>/journal/checks.bin` (sealed marshal, store/plain_cache.py) maps
`core.rules.local_key` (a hash of the entry's kind, path and front matter) to what
`core.rules.local_rules` found for it: the entry's own problems and the names it refers to.
What an entry is judged against (the roster, contracts, the check-in a reply answers) is
not in it: those rules run every time, except replies', which are kept a pair at a time
by every input they read (`ReplyChecks`, `<gitdir>/journal/reply-checks.bin`). The file is stamped
with a hash of the rules' source, so a changed rule never reads an old judgment; an item of
the wrong shape is judged afresh, and anything else unusable reads as an empty cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import journal.core as core_package
from journal.core import rules
from journal.core.problems import Problem
from journal.core.reply_groups import Kept
from journal.core.rules import CheckResult, Local
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES, code_stamp
from journal.store.worktree_cache import Loaded

CACHE_FILE = "checks.bin"
GROUPS_FILE = "reply-checks.bin"
PLANS_FILE = "reply-plans.bin"
_PLANS_TAG = "journal-reply-plans 1"
_LEGACY_FILE = "checks.json"  # the JSON these judgments were kept in before
_GROUPS_TAG = "journal-reply-checks 1"
_TAG = "journal-checks 2"
_SEVERITIES = ("error", "warning")
_REF_KINDS = ("member", "goal", "contract")


def rules_stamp() -> str:
    """A hash of the source of every core module: what an entry's judgment can depend on."""
    return code_stamp(tuple(sorted(Path(core_package.__file__).parent.glob("*.py")))).hex()


def check_loaded(loaded: Loaded, only: list[str] | None, folder: Path | None) -> CheckResult:
    """core.rules.check_entries over a loaded working tree (only the paths `only`, when given,
    still against the whole journal), with each entry's own judgment and replies' judgments
    kept under `folder` (None: nothing kept) and saved again after. Every readable path of
    `loaded` is a journal file."""
    known, groups = CheckCache(folder), ReplyChecks(folder)
    plans = ReplyPlans(folder, known.stamp)
    kept = Kept(groups, lambda: loaded.blobs, known.stamp, plans, loaded.token)
    result = rules.check_entries(loaded.entries, [*loaded.parse_problems, *rules.stray_problems(loaded.strays)],
                                 loaded.readable, only, known=known, kept=kept)
    for each in (known, groups, plans):
        each.save(complete=only is None)
    return result


class _Kept(MutableMapping[str, Any]):
    """Judgments kept in one sealed file under the git folder (store/plain_cache.py), by key;
    each is checked for its shape (`_decode`) as it is used. Remembers which keys this run
    used, so a complete check forgets the ones it did not see."""

    def __init__(self, file: Path | None, tag: str, decode: Callable[[Any], Any | None],
                 replaces: Path | None = None) -> None:
        # decode: a kept item, or None if misshapen; replaces: the file an older format used
        self.file, self.tag, self._decode, self.replaces = file, tag, decode, replaces
        raw = plain_cache.load(file, tag, MAX_STATE_BYTES) if file is not None else None
        self.raw: dict[str, Any] = raw if type(raw) is dict else {}  # damaged or other format: empty
        self.used: set[str] = set()
        self.added = False

    def _encode(self, value: Any) -> Any:
        raise NotImplementedError

    def __getitem__(self, key: str) -> Any:
        found = self._decode(self.raw.get(key))
        if found is None:
            raise KeyError(key)
        self.used.add(key)
        return found

    def __setitem__(self, key: str, value: Any) -> None:
        self.raw[key] = self._encode(value)
        self.used.add(key)
        self.added = True

    def __delitem__(self, key: str) -> None:
        del self.raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def save(self, complete: bool) -> None:
        """Write what was judged anew; after a `complete` check, forget the keys it did not see."""
        stale = complete and len(self.used) != len(self.raw)
        if self.file is None or not (self.added or stale):
            return
        items = {k: self.raw[k] for k in self.used} if complete else self.raw
        plain_cache.save(self.file, self.tag, items, replaces=self.replaces)


class CheckCache(_Kept):
    """The judgments read from `folder` (None: nothing kept), checked one by one as they are used."""

    def __init__(self, folder: Path | None) -> None:
        # The rules' stamp is in the tag: a file written by other rules reads as empty.
        self.stamp = rules_stamp()  # the reply groups' keys name the rules' code with it
        super().__init__(folder / CACHE_FILE if folder is not None else None, f"{_TAG} {self.stamp}", _local,
                         replaces=folder / _LEGACY_FILE if folder is not None else None)

    def _encode(self, value: Local) -> Any:
        problems, refs = value
        return [[list(p) for p in problems], [[kind, name, list(keypath)] for kind, name, keypath in refs]]


def _local(item: Any) -> Local | None:
    """A kept judgment in the shape `local_rules` gives, or None for anything else."""
    # Run for every entry of every check: plain loops, no generator per item.
    if type(item) is not list or len(item) != 2:
        return None
    kept_problems, kept_refs = item
    if type(kept_problems) is not list or type(kept_refs) is not list:
        return None
    problems = []
    for p in kept_problems:
        if not (type(p) is list and len(p) == 5 and type(p[0]) is int and type(p[1]) is int
                and p[2] in _SEVERITIES and type(p[3]) is str and type(p[4]) is str):
            return None
        problems.append((p[0], p[1], p[2], p[3], p[4]))
    refs = []
    for r in kept_refs:
        if not (type(r) is list and len(r) == 3 and r[0] in _REF_KINDS and type(r[1]) is str and type(r[2]) is list):
            return None
        for part in r[2]:
            if type(part) is not str and type(part) is not int:
                return None
        refs.append((r[0], r[1], tuple(r[2])))
    return problems, refs


class ReplyChecks(_Kept):
    """The problems of replies judged a pair at a time (core/reply_groups.py), by group key,
    kept in `<gitdir>/journal/reply-checks.bin`. The key names every input of the judgment,
    the rules' code included; a file that is damaged or of another format reads as empty,
    and a group of the wrong shape is judged afresh."""

    def __init__(self, folder: Path | None) -> None:
        # checks.json kept replies' judgments too, before they were kept a pair at a time.
        super().__init__(folder / GROUPS_FILE if folder is not None else None, _GROUPS_TAG, _problems,
                         replaces=folder / _LEGACY_FILE if folder is not None else None)

    def _encode(self, value: list[Problem]) -> Any:
        return [(p.path, p.line, p.column, p.severity, p.code, p.message) for p in value]


class ReplyPlans(_Kept):
    """The keys of the reply groups (ReplyChecks) that a journal's files form, by the files'
    content token (store/worktree_cache.Loaded.token), kept in `<gitdir>/journal/reply-plans.bin`
    under the rules' `stamp`: a check of unchanged files does not form 13,000 replies into
    groups again. A complete check keeps only the plan it used."""

    def __init__(self, folder: Path | None, stamp: str) -> None:
        super().__init__(folder / PLANS_FILE if folder is not None else None, f"{_PLANS_TAG} {stamp}", _keys)

    def _encode(self, value: list[str]) -> Any:
        return list(value)


def _keys(item: Any) -> list[str] | None:
    """A kept plan's group keys, or None for anything not of their shape."""
    if type(item) is not list or not all(type(key) is str for key in item):
        return None
    return item


def _problems(item: Any) -> list[Problem] | None:
    """A kept group's problems, or None for anything not of their shape."""
    if type(item) is not list:
        return None
    found = []
    for p in item:
        if not (type(p) is tuple and len(p) == 6 and type(p[0]) is str and type(p[1]) is int
                and type(p[2]) is int and p[3] in _SEVERITIES and type(p[4]) is str and type(p[5]) is str):
            return None
        found.append(Problem(*p))
    return found
