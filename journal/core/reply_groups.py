"""Replies judged a member/partner pair at a time, keyed by everything their judgment reads.

A reply's problems (its own, and those against the rest of the journal: the roster, the
contracts the two share, the check-in it answers) are a function of the reply file (path
and content), the journal's roster (journal.yaml), its contracts, the check-ins of the
member it answers, the journal files that could not be read, and the rules themselves.
Nothing else in a journal reads a reply when judging. So the replies of one author to one
partner are judged together, and what was found is kept under a hash of exactly those
inputs, named by blob id (a content hash): a warm `journal check` judges no reply whose
pair and surroundings are unchanged, and a new reply re-judges only its own pair.

A committed file reaches a group's key only through the inputs the rules read for that
group, so no file can change another entry's judgment through the kept result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, eq, itemgetter

from journal.core import layout
from journal.core.entries import Entry
from journal.core.problems import Problem

#: A pair whose front matter does not name both members as text: judged with no check-ins.
_UNNAMED = ""
_KIND = attrgetter("kind")
_HEAD = attrgetter("head")
_PAIR = itemgetter(0, 1)  # of a Head: (author, to), each text or None


@dataclass(frozen=True)
class Kept:
    """What a whole check may take from a cache besides `known`: `groups` holds the problems
    of replies judged a pair at a time, by the key core/reply_groups gives them (which needs
    every file's blob id, from `blobs`, and the rules' code stamp). `plans` holds, by `token`
    (a hash of every journal file's path and blob id), the keys of the groups those files
    form: a check of the same files takes the groups' problems without forming them again."""

    groups: MutableMapping[str, list[Problem]] | None = None
    blobs: Callable[[], Mapping[str, str] | None] | None = None
    stamp: str = ""
    plans: MutableMapping[str, list[str]] | None = None
    token: str | None = None


def judged_by_group(entries: Mapping[str, Entry], checkins: Mapping[str, list[tuple[str, Entry]]],
                    contracts: Iterable[str], unreadable: Iterable[str], kept: Kept,
                    judge: Callable[[str], list[Problem]], problems: list[Problem]) -> set[str]:
    """The paths of the replies judged by group (see Kept), their problems added to `problems`;
    empty when the groups cannot be formed (a file without a blob id: judge as usual).
    `judge(path)` is one reply's problems (core/rules.check_entry); the other arguments are
    `reply_groups`'."""
    assert kept.groups is not None
    groups = kept.groups
    plan = kept.plans.get(kept.token) if kept.plans is not None and kept.token is not None else None
    if plan:
        found = [groups.get(key) for key in plan]
        if None not in found:
            # The same files as when the plan was kept: every reply is in one of its groups.
            for group in found:
                problems.extend(group)  # type: ignore[arg-type]
            return {path for path, entry in entries.items() if entry.kind == "reply"}
    blobs = kept.blobs() if kept.blobs is not None else None
    if blobs is None:
        return set()
    formed = reply_groups(entries, checkins, contracts, unreadable, blobs, kept.stamp)
    judged: set[str] = set()
    for key, members in formed.items():
        group = groups.get(key)
        if group is None:
            # Judged whole (its own rules too): the group's result stands for every reply in it.
            group = groups[key] = [p for path in members for p in judge(path)]
        problems.extend(group)
        judged.update(members)
    if formed and kept.plans is not None and kept.token is not None:
        kept.plans[kept.token] = list(formed)
    return judged


def reply_groups(entries: Mapping[str, Entry], checkins: Mapping[str, list[tuple[str, Entry]]],
                 contracts: Iterable[str], unreadable: Iterable[str], blobs: Mapping[str, str],
                 stamp: str) -> dict[str, list[str]]:
    """Key -> the paths of the replies judged under it: one group per (author, partner) as
    their front matter names them. `checkins` are the journal's by member (core.journal_index.Journal's
    index), `contracts` the contracts' paths, `unreadable` the journal files that could not be
    read, `blobs` maps journal paths to blob ids and `stamp` names the rules' code. Empty when
    a file the key needs has no blob id (judge as usual then)."""
    # A column at a time (13,000 replies in a large journal): which entries are replies, then
    # their (author, partner) as the head names them (text or None: the reply is not read).
    replies = list(map(eq, map(_KIND, entries.values()), repeat("reply")))
    pairs: dict[tuple[str, str], list[str]] = {}
    for pair, path in zip(map(_PAIR, map(_HEAD, compress(entries.values(), replies))), compress(entries, replies)):
        if pair[0] is None or pair[1] is None:
            pair = (_UNNAMED, _UNNAMED)
        found = pairs.get(pair)
        if found is None:
            found = pairs[pair] = []
        found.append(path)
    if not pairs:
        return {}
    try:
        # The roster, every contract (parties, referees) and the unreadable files: read by every reply.
        shared = [stamp, "config", blobs[layout.CONFIG] if layout.CONFIG in entries else "-"]
        for path in sorted(contracts):
            shared += [path, blobs[path]]
        shared += ["unreadable", *sorted(unreadable)]
        common = "\0".join(shared)
        groups: dict[str, list[str]] = {}
        seen: dict[str, str] = {}  # member -> the hash of their check-ins
        for (author, to), paths in pairs.items():
            filed = seen.get(to)
            if filed is None:
                # In the order the journal indexes them: the first file that claims a period is the check-in.
                named = [] if to == _UNNAMED else checkins.get(to, [])
                filed = seen[to] = "\0".join(f"{e.path}\0{blobs[e.path]}" for _, e in named)
            text = "\n".join((common, author, to, filed, *map("\0".join, zip(paths, map(blobs.__getitem__, paths)))))
            key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            groups[key] = paths
        return groups
    except KeyError:
        return {}
