"""The pre-commit check: the staged state of the journal, as the commit will record it.

git runs this on every commit that touches the journal, so it reads as little as it can:
the index's difference from HEAD names what changed, and only the roster, the contracts,
the changed files, each changed check-in's predecessor, each changed reply's check-in and
the replies to a check-in edited or removed are parsed. Goals are needed only by name,
which the trees give without reading a blob.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import pygit2

from journal.core import layout
from journal.core import problems as P
from journal.core.entries import Entry
from journal.core.problems import Problem
from journal.core.rules import CheckResult, check_entries, stray_problems, too_early_problems
from journal.store.commits import git_date
from journal.store.git import load_blobs, staged_index

_LINK = pygit2.enums.FileMode.LINK
_FILES = frozenset((pygit2.enums.FileMode.BLOB, pygit2.enums.FileMode.BLOB_EXECUTABLE))
_TREE = pygit2.enums.ObjectType.TREE


def _names(tree: pygit2.Tree, folder: str) -> list[str]:
    """Paths of the files directly inside `folder` of a commit's tree."""
    try:
        sub = tree[folder]
    except KeyError:
        return []
    if not isinstance(sub, pygit2.Tree):
        return []
    return [f"{folder}/{item.name}" for item in sub if item.type != _TREE]


def staged_changes(repo: pygit2.Repository, index: pygit2.Index, journal_only: bool = True) -> dict[str, str]:
    """Journal path (any path, without `journal_only`) -> A/M/D for what the commit being
    made changes against HEAD."""
    if repo.head_is_unborn:
        return {e.path: "A" for e in index if not journal_only or layout.entry_kind(e.path) is not None}
    tree = repo.head.peel(pygit2.Commit).tree
    return {d.new_file.path: d.status_char() for d in index.diff_to_tree(tree).deltas
            if not journal_only or layout.entry_kind(d.new_file.path) is not None}


#: The kinds of entry whose commit is checked on its own (with what it reads: a check-in's
#: predecessor, a reply's check-in); any other staged change checks the whole journal.
_OWN = frozenset(("checkin", "reply"))


def check_staged(repo: pygit2.Repository, index: pygit2.Index | None = None) -> CheckResult:
    """Check the staged journal files against the staged state of the rest of the journal
    (`index`: the staged index, when the caller has read it already); warn of each Markdown
    file staged in an entry folder that no command will read (core/layout.is_stray), and
    refuse a check-in added before its period begins (rules.too_early_problems)."""
    index = staged_index(repo) if index is None else index
    every = staged_changes(repo, index, journal_only=False)
    # Regular files only, as the working tree's listing takes them: a link is a link (its own
    # error where it is an entry), a submodule is none of the journal's.
    strays = stray_problems(sorted(p for p, status in every.items()
                                   if status != "D" and layout.is_stray(p) and _mode(index, p) in _FILES))
    result, entries = _check_changes(repo, index, {p: s for p, s in every.items() if layout.entry_kind(p) is not None})
    # The check-ins it adds, as the check read them (with journal.yaml as staged): each is one
    # of the files it reported on.
    added = [entries[p] for p, status in sorted(every.items())
             if status == "A" and layout.entry_kind(p) == "checkin" and p in entries]
    said = strays + (too_early_problems(entries.get(layout.CONFIG), added, git_date(os.environ, "GIT_AUTHOR_DATE"))
                     if added else [])
    return CheckResult(P.sort_problems(result.problems + said), result.entries) if said else result


def _mode(index: pygit2.Index, path: str) -> int | None:
    """The file mode `path` is staged with; None when it is not staged as one file (a conflict)."""
    try:
        return index[path].mode
    except KeyError:
        return None


def _check_changes(repo: pygit2.Repository, index: pygit2.Index,
                   deltas: dict[str, str]) -> tuple[CheckResult, Mapping[str, Entry]]:
    """check_staged's check of the journal files the commit changes (`deltas`: path -> A/M/D),
    and the staged entries it read (journal.yaml and every file it reported on among them)."""
    tree = None if repo.head_is_unborn else repo.head.peel(pygit2.Commit).tree
    changed = sorted(p for p, status in deltas.items() if status != "D")
    # A staged check-in or reply is checked against the rest of the journal as staged, and so
    # are the replies to a check-in the commit edits or removes: their verdicts count its
    # outcomes, and they answer it.
    shared = any(layout.entry_kind(p) not in _OWN for p in deltas)
    if shared:
        # The roster, a contract or a goal changed (or went): entries nobody touched may
        # now name a member or goal that is gone, so the whole staged journal is checked.
        return _check_whole(repo, index)

    def present(paths: list[str], folder: str) -> set[str]:
        """`paths` from HEAD as the index has them: minus deletions, plus additions."""
        found = {p for p in paths if deltas.get(p) != "D"}
        return found | {p for p, s in deltas.items() if s != "D" and p.rpartition("/")[0] == folder}

    answering = _replies_to(tree, present, [p for p, status in deltas.items() if status != "A"])
    reported = sorted({*changed, *answering})
    if not reported:
        return CheckResult([], 0), {}
    listed = {top: present(_names(tree, top) if tree is not None else [], top)
              for top in (layout.CONTRACTS, layout.GOALS)}
    needed = set(reported) | listed[layout.CONTRACTS] | {layout.CONFIG}
    for path in reported:
        name = layout.parse_checkin_name(path) if layout.entry_kind(path) == "checkin" else None
        if name is not None:
            needed |= _predecessor(tree, present, name)
        said = layout.parse_reply_name(path) if layout.entry_kind(path) == "reply" else None
        if said is not None:
            needed.add(layout.checkin_path(said.period, said.to))  # a reply's rules read the check-in it answers
    blobs, links = [], []
    for path in sorted(needed):
        try:
            entry = index[path]
        except KeyError:
            continue
        if entry.mode == _LINK:
            if path in changed:
                links.append(Problem(path, 1, 1, P.ERROR, P.SYMLINK, "symlinked entries are refused; commit the file itself"))
        elif layout.entry_kind(path) is not None:
            blobs.append((path, entry.id))
    entries, problems = load_blobs(repo, blobs, use_cache=False)
    goal_ids = {p.rpartition("/")[2].removesuffix(".md") for p in listed[layout.GOALS]}
    return check_entries(entries, problems + links, reported, reported, goal_ids), entries


def _replies_to(tree: pygit2.Tree | None, present: Callable[[list[str], str], set[str]],
                touched: list[str]) -> set[str]:
    """The replies the index holds to the check-ins among `touched` (edited or removed paths)."""
    wanted: dict[str, set[tuple[str, str]]] = {}  # replies' folder -> (period, member) answered
    for path in touched:
        name = layout.parse_checkin_name(path) if layout.entry_kind(path) == "checkin" else None
        if name is not None:
            # Where layout.reply_path files them: by the period's year.
            wanted.setdefault(f"{layout.REPLIES}/{name.period[:4]}", set()).add((name.period, name.member))
    found = set()
    for folder, checkins in wanted.items():
        for path in present(_names(tree, folder) if tree is not None else [], folder):
            said = layout.parse_reply_name(path) if layout.entry_kind(path) == "reply" else None
            if said is not None and (said.period, said.to) in checkins:
                found.add(path)
    return found


def _check_whole(repo: pygit2.Repository, index: pygit2.Index) -> tuple[CheckResult, Mapping[str, Entry]]:
    """Every journal file of the index, checked together (what `journal check` does), and
    the entries read."""
    blobs, links = [], []
    for entry in index:
        if layout.entry_kind(entry.path) is None:
            continue
        if entry.mode == _LINK:
            links.append(Problem(entry.path, 1, 1, P.ERROR, P.SYMLINK, "symlinked entries are refused; commit the file itself"))
        else:
            blobs.append((entry.path, entry.id))
    entries, problems = load_blobs(repo, blobs, use_cache=False)
    paths = [path for path, _ in blobs]
    goal_ids = {p.rpartition("/")[2].removesuffix(".md") for p in paths if layout.entry_kind(p) == "goal"}
    return check_entries(entries, problems + links, paths, None, goal_ids), entries


def _predecessor(tree: pygit2.Tree | None, present: Callable[[list[str], str], set[str]],
                 name: layout.CheckinName) -> set[str]:
    """The member's latest earlier check-in of the same kind (week or day), if any."""
    year = int(name.period[:4])
    candidates: set[str] = set()
    for y in (year, year - 1):
        folder = f"{layout.CHECKINS}/{y}"
        candidates |= present(_names(tree, folder) if tree is not None else [], folder)
    earlier = []
    for path in candidates:
        other = layout.parse_checkin_name(path)
        if other and other.member == name.member and other.period < name.period and len(other.period) == len(name.period):
            earlier.append((other.period, path))
    return {max(earlier)[1]} if earlier else set()
