"""A thread's kept rendering (thread-digest-2/, thread-json/) is tied to the code that
made it: after an upgrade that changes how a thread is written out, none is read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.exitcodes import EXIT_OK
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES
from journal.store.thread_cache import _TAG
from tests.support.replies import replies_history

NOW = "2026-11-26T12:00:00+00:00"


def _site(run, repo: Path, out: Path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    assert run("-C", repo, "digest", "--out", out, "--now", NOW).code == EXIT_OK
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".digest-manifest.json"}


@pytest.mark.parametrize("name", ["digest-2", "json"])
def test_a_rendering_kept_by_other_code_is_made_again(run, commit, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    repo = replies_history(commit, tmp_path)
    args = ["streaks", "--json", "--now", NOW]
    want_json = run("-C", repo, *args).out
    want_site = _site(run, repo, tmp_path / "before")
    shards = sorted((repo / ".git" / "journal" / f"thread-{name}").glob("*.bin"))
    assert shards
    for part in shards:
        tag = part.read_bytes().split(b"\n", 1)[0].decode("ascii")
        assert tag.startswith(f"{_TAG} ") and tag != _TAG  # the rendering's own code is in its tag
        kept = plain_cache.load(part, tag, MAX_STATE_BYTES)
        assert kept
        # What an older journal would have left: the same keys and windows, under the rules'
        # tag alone, with a rendering that is not this code's.
        stale = {key: [start, end, "stale" if name == "json" else [{"stale": True}, "0" * 32]]
                 for key, (start, end, _) in kept.items()}
        plain_cache.save(part, _TAG, stale)
    assert run("-C", repo, *args).out == want_json
    assert _site(run, repo, tmp_path / "after") == want_site
