"""Laying worktree.bin's remembered columns along this run's paths (store/worktree_cache._compare):
the fast ways for the same paths or one path added or gone give what a lookup per path gives."""

from __future__ import annotations

import marshal

from hypothesis import given
from hypothesis import strategies as st

from journal.store import worktree_cache
from journal.store.worktree_cache import _SEP, _Known, _compare

PATHS = st.lists(st.sampled_from([f"replies/2026/{n:02d}.md" for n in range(12)]), unique=True).map(sorted)


def _known(paths: list[str]) -> _Known:
    signatures = [(len(p), n, n, n, 1) for n, p in enumerate(paths)]
    return _Known({}, len(paths), _SEP.join(paths), marshal.dumps(signatures, 2),
                  _SEP.join(f"reply:{p}" for p in paths), _SEP.join(f"blob-{p}" for p in paths),
                  _SEP.join("reply" for _ in paths))


def _by_lookup(known: _Known, wanted: list[str], now: list) -> tuple[list, list, list, list]:
    """The remembered columns laid along `wanted` one path at a time."""
    rows = {p: n for n, p in enumerate(known.paths.split(_SEP))} if known.count else {}
    before = marshal.loads(known.signatures) if known.count else []
    keys, blobs, kinds = known.columns()
    where = [rows.get(p) for p in wanted]
    return ([w is not None and before[w] == s for w, s in zip(where, now)],
            ["" if w is None else keys[w] for w in where], ["" if w is None else blobs[w] for w in where],
            ["" if w is None else kinds[w] for w in where])


@given(PATHS, PATHS, st.data())
def test_the_remembered_columns_are_laid_along_this_runs_paths(remembered: list[str], other: list[str],
                                                              data: st.DataObject) -> None:
    # This run's paths: the remembered ones, one added, one gone, or any other set.
    extra = sorted({*remembered, *other[:1]})
    fewer = remembered[:-1] if remembered else []
    wanted = data.draw(st.sampled_from([remembered, extra, fewer, other]))
    known = _known(remembered)
    # Some files unchanged, some changed (another size), one gone missing (lstat failed: None).
    now = [data.draw(st.sampled_from([(len(p), remembered.index(p), remembered.index(p), remembered.index(p), 1)
                                      if p in remembered else None, (0, 0, 0, 0, 0), None]))
           for p in wanted]
    assert _compare(known, wanted, now) == _by_lookup(known, wanted, now)


def test_a_path_added_or_gone_is_laid_out_without_a_lookup_per_path(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    paths = [f"replies/2026/{n:02d}.md" for n in range(5)]
    known = _known(paths)
    assert worktree_cache._one_apart(paths, paths) is not None
    assert worktree_cache._one_apart(paths, sorted([*paths, "replies/2026/02b.md"])) is not None
    assert worktree_cache._one_apart(paths, paths[:2] + paths[3:]) is not None
    assert worktree_cache._one_apart(paths, paths[:2] + ["replies/2026/02b.md"] + paths[3:]) is None  # a rename
    added = sorted([*paths, "replies/2026/02b.md"])
    same, keys, blobs, kinds = _compare(known, added, [(len(p), n, n, n, 1) for n, p in enumerate(paths)][:3]
                                        + [None] + [(len(p), n, n, n, 1) for n, p in enumerate(paths)][3:])
    assert same == [True, True, True, False, True, True] and keys[3] == blobs[3] == kinds[3] == ""
