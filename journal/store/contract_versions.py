"""Contract terms through the history: each committed version of a contract's verdict terms.

The history walk (store/history.py) asks ContractVersions which contracts of a commit
changed their terms; the versions found are kept in the history cache as canonical JSON
text, and turned into typed records (core/build_model) when the history is handed on."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Collection
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pygit2

from journal.core import build_model
from journal.core.entries import EntryProblem, load_front_matter, split_front_matter
from journal.core.model import Contract
from journal.store.commits import when
from journal.store.history_cache import PauseKey, Seen, Terms


class ContractVersions:
    """Reads the verdict terms of contract blobs: each blob once, each distinct front matter
    parsed once (contracts are mostly edited below it)."""

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self.read = lru_cache(maxsize=256)(self._read)
        self.terms_of = lru_cache(maxsize=256)(self._terms_of)
        self.by_front_matter: dict[str, str | None] = {}
        self.parsed: dict[str, dict[str, Any] | None] = {}

    def changed(self, tree: dict[str, pygit2.Oid], parents: list[dict[str, pygit2.Oid]]) -> list[tuple[str, str, str]]:
        """(slug, terms, slug it was renamed from or "") for each contract file in `tree` whose
        verdict terms (build_model.terms_fields, as canonical JSON) the same file in no parent had.

        A contract new to the folder whose blob, or else terms, a contract of the first parent
        that `tree` lacks shares is that one renamed, so its history carries over."""
        found: list[tuple[str, str, str]] = []
        for name, blob in tree.items():
            if any(p.get(name) == blob for p in parents):
                continue
            version = self.terms_of(blob)
            if version is None:
                continue  # unreadable: the version before stays in force
            if any(name in p and self.terms_of(p[name]) == version for p in parents):
                continue  # edited below the front matter, or outside the terms
            renamed_from = ""
            if parents and not any(name in p for p in parents):
                gone = sorted((n, b) for n, b in parents[0].items() if n not in tree)
                renamed_from = next((n for n, b in gone if b == blob), "") or next(
                    (n for n, b in gone if self.terms_of(b) == version), "")
            found.append((name[: -len(".md")], version, renamed_from[: -len(".md")]))
        return found

    def _read(self, oid: pygit2.Oid) -> tuple[bytes, str, str] | None:
        """A contract blob's bytes, its text and its front matter's text; None if unreadable."""
        blob = self.repo.get(oid)
        if not isinstance(blob, pygit2.Blob):
            return None
        raw = blob.data
        try:
            text = raw.decode("utf-8").replace("\r\n", "\n")
            return raw, text, split_front_matter(text)[0]
        except (UnicodeDecodeError, EntryProblem):
            return None

    def data(self, yaml_text: str, text: str) -> dict[str, Any] | None:
        """The front matter `yaml_text` of `text`, parsed once; None if it is no mapping."""
        if yaml_text not in self.parsed:
            try:
                data = load_front_matter(text)
            except Exception:  # noqa: BLE001 - one unreadable old contract must not hide all history
                data = None
            self.parsed[yaml_text] = data if isinstance(data, dict) else None
        return self.parsed[yaml_text]

    def _terms_of(self, oid: pygit2.Oid) -> str | None:
        """A contract version's verdict terms as canonical JSON; None if it cannot be read."""
        read = self.read(oid)
        if read is None:
            return None
        _, text, yaml_text = read
        if yaml_text not in self.by_front_matter:
            data = self.data(yaml_text, text)
            self.by_front_matter[yaml_text] = None if data is None else json.dumps(
                _plain(build_model.terms_fields(data)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return self.by_front_matter[yaml_text]


def _plain(value: Any) -> Any:
    """YAML's values as JSON carries them: dates as YYYY-MM-DD, anything else unknown as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def lineages(terms: dict[str, Terms], wanted: Collection[str]) -> dict[str, list[Terms]]:
    """For each slug `wanted` that has versions, its term versions oldest first, with those
    of the contract it was renamed from (up to the rename) before its own.

    Iterative and each version visited once per slug asked for: a partner's chain of
    thousands of one-commit renames must neither overflow the stack nor take quadratic time
    (so ask only for the slugs read: every former name of a chain repeats its whole past)."""
    own: dict[str, list[Terms]] = {}
    for version in terms.values():
        own.setdefault(version[3], []).append(version)
    for versions in own.values():
        versions.sort(key=_order)
    keys = {slug: [(v[0], v[2]) for v in versions] for slug, versions in own.items()}
    return {slug: _lineage(slug, own, keys) for slug in wanted if slug in own}


def _order(version: Terms) -> tuple[int, str, str]:
    return version[0], version[2], version[3]


def _lineage(slug: str, own: dict[str, list[Terms]], keys: dict[str, list[tuple[int, str]]]) -> list[Terms]:
    # A slug is followed up to a rename's time; reached again with a later cutoff, only the
    # versions past what was taken before are added (a lineage only grows with its cutoff).
    taken: dict[str, int] = {}
    found: list[Terms] = []
    todo: list[tuple[str, tuple[int, str] | None]] = [(slug, None)]
    while todo:
        name, before = todo.pop()
        versions = own.get(name, [])
        upto = len(versions) if before is None else bisect_left(keys[name], before)
        for v in versions[taken.get(name, 0):upto]:
            found.append(v)
            if v[5]:
                todo.append((v[5], (v[0], v[2])))
        taken[name] = max(taken.get(name, 0), upto)
    return sorted(found, key=_order)


def renamed_pauses(pauses: dict[PauseKey, Seen], lines: dict[str, list[Terms]]) -> dict[PauseKey, Seen]:
    """Pauses under every name: one announced before its contract was renamed keeps that time."""
    moved = dict(pauses)
    for slug, lineage in lines.items():
        names = {v[3] for v in lineage} - {slug}
        if not names:
            continue
        for (old, member, start, end), seen in pauses.items():
            key = (slug, member, start, end)
            if old in names and (key not in moved or (seen[0], seen[2]) < (moved[key][0], moved[key][2])):
                moved[key] = seen
    return moved


def typed(lines: dict[str, list[Terms]]) -> dict[str, tuple[tuple[datetime, Contract], ...]]:
    """Each slug's versions as (author time, the contract as then written), oldest first."""
    records: dict[str, Contract] = {}  # one record per distinct text: most versions repeat one
    for lineage in lines.values():
        for v in lineage:
            if v[4] not in records:
                data = json.loads(v[4])
                records[v[4]] = build_model.contract("", None, data=data if isinstance(data, dict) else {})
    return {slug: tuple((when(v[0], v[1]), records[v[4]]) for v in lineage) for slug, lineage in lines.items()}
