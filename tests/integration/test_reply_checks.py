"""Replies judged a member/partner pair at a time (core/reply_groups.py, kept in
.git/journal/reply-checks.bin): warm runs say exactly what cold ones say, before and after a
new reply is committed, a new reply re-judges only its own pair, and a damaged cache is
ignored and rebuilt."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.core import rules
from journal.store import plain_cache
from journal.store.check_cache import _GROUPS_TAG, _PLANS_TAG, GROUPS_FILE, PLANS_FILE, CheckCache
from tests.support.journals import Result
from tests.support.replies import ci, replies_history, reply

NOW = ["--now", "2026-11-25T12:00:00+00:00"]
CACHE = Path(".git/journal") / GROUPS_FILE


def _outputs(run: Callable[..., Result], repo: Path, site: Path) -> dict[str, object]:
    """What check, streaks --json and digest say (the digest: every file of the site it builds)."""
    check = run("-C", repo, "check")
    streaks = run("-C", repo, "streaks", "--json", *NOW)
    digest = run("-C", repo, "digest", *NOW, "--out", site)
    assert digest.code == 0, digest.out + digest.err
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    return {"check": (check.code, check.out, check.err), "streaks": (streaks.code, streaks.out, streaks.err),
            "digest": digest.err, "site": files}  # its summary line says how many pages were rendered


def _cold(run: Callable[..., Result], repo: Path, site: Path) -> dict[str, object]:
    shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    return _outputs(run, repo, site)


@pytest.fixture
def repo(commit: Callable[..., str], tmp_path: Path) -> Path:
    repo = replies_history(commit, tmp_path)
    # A reply with a problem of its own and one against the check-in it answers: the kept
    # groups hold problems, not only clean results.
    path, text = reply("alice", "bob", "2026-W46", verdicts=("confirmed",), extra="kudos: 7\n")
    commit({path: text}, "2026-11-23T09:00:00+01:00", "alice")
    return repo


def test_warm_runs_say_what_cold_ones_say_before_and_after_a_new_reply(repo: Path, commit, run,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    site = tmp_path / "site"
    cold = _cold(run, repo, site)
    assert cold["check"][0] == 1 and "kudos names outcome 7" in cold["check"][1]  # type: ignore[index]
    assert "1 verdict(s) for 2 outcome(s)" in cold["check"][1]  # type: ignore[index]
    assert (repo / CACHE).exists()
    assert _outputs(run, repo, site) == cold  # warm: every cache left by the runs before
    # One new reply: the warm runs start from the caches of the journal before it.
    commit(dict([reply("carol", "bob", "2026-W46", verdicts=("confirmed", "disputed"))]),
           "2026-11-24T08:00:00+00:00", "carol")
    warm = _outputs(run, repo, site)
    assert warm == _cold(run, repo, site)
    assert '"author": "carol"' in warm["streaks"][1]  # type: ignore[index]


def test_a_new_reply_re_judges_only_its_own_pair(repo: Path, commit, run,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("-C", repo, "check").code == 1
    commit(dict([reply("bob", "alice", "2026-W46")]), "2026-11-24T08:00:00+00:00", "bob")
    judged: list[str] = []
    real = rules.local_rules
    monkeypatch.setattr(rules, "local_rules", lambda entry: judged.append(entry.path) or real(entry))
    assert run("-C", repo, "check").code == 1
    assert sorted(p for p in judged if p.startswith("replies/")) == [
        "replies/2026/2026-W45-bob-to-alice.md", "replies/2026/2026-W46-bob-to-alice.md"]
    judged.clear()
    assert run("-C", repo, "check").code == 1
    assert judged == ["journal.yaml"]  # nothing changed: no reply judged at all


def test_a_changed_check_in_re_judges_the_replies_to_it(repo: Path, commit, run) -> None:  # type: ignore[no-untyped-def]
    # bob's W46 check-in loses an outcome: alice's one verdict now lines up with it.
    path, text = ci("bob", "2026-W46", "Push me on sleep")
    assert run("-C", repo, "check").code == 1
    commit({path: text.replace("\n  - {commitment: Stretch daily, status: missed}", "")},
           "2026-11-24T08:00:00+00:00", "bob")
    warm = run("-C", repo, "check")
    assert "verdict(s) for" not in warm.out and "kudos names outcome 7, but the check-in has 1" in warm.out
    shutil.rmtree(repo / ".git" / "journal")
    cold = run("-C", repo, "check")
    assert (cold.code, cold.out, cold.err) == (warm.code, warm.out, warm.err)


def test_unchanged_files_take_the_kept_groups_without_forming_them(repo: Path, commit, run,  # type: ignore[no-untyped-def]
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from journal.core import reply_groups

    first = _said(run("-C", repo, "check"))
    assert (repo / ".git/journal" / PLANS_FILE).exists()
    formed: list[int] = []
    real = reply_groups.reply_groups
    monkeypatch.setattr(reply_groups, "reply_groups", lambda *a: formed.append(1) or real(*a))
    assert _said(run("-C", repo, "check")) == first and formed == []  # the same files: the plan kept
    # An edited reply: its pair is formed and judged again, and what it says changes with it.
    path, text = reply("alice", "bob", "2026-W46", verdicts=("confirmed",), extra="kudos: 8\n")
    (repo / path).write_text(text, encoding="utf-8")
    edited = _said(run("-C", repo, "check"))
    assert formed == [1] and "kudos names outcome 8" in edited[1] and "outcome 7" not in edited[1]
    assert _said(run("-C", repo, "check")) == edited and formed == [1]
    shutil.rmtree(repo / ".git" / "journal")
    assert _said(run("-C", repo, "check")) == edited  # what a cold check says


def test_a_forged_plan_is_not_taken(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    first = _said(run("-C", repo, "check"))
    plans = repo / ".git/journal" / PLANS_FILE
    tag = next(t for t in (f"{_PLANS_TAG} {CheckCache(None).stamp}",) if plain_cache.load(plans, t, 1 << 30))
    kept = plain_cache.load(plans, tag, 1 << 30)
    # A plan naming a group that is not kept, and one of the wrong shape: both formed afresh.
    for forged in ({token: ["no-such-group"] for token in kept}, {token: [1, 2] for token in kept}):
        plans.write_bytes(plain_cache.dump(tag, forged))
        assert _said(run("-C", repo, "check")) == first
        assert plain_cache.load(plans, tag, 1 << 30) == kept


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # cut short
    lambda data: b"garbage",
    lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped: the seal no longer matches
    lambda data: plain_cache.dump(_GROUPS_TAG, {"k": [("p", 1, 1, "fatal", "x", "forged")]}),
    lambda data: plain_cache.dump(_GROUPS_TAG, [1, 2]),
])
def test_a_damaged_cache_is_ignored_and_rebuilt(repo: Path, run, damage) -> None:  # type: ignore[no-untyped-def]
    first = _said(run("-C", repo, "check"))
    cache = repo / CACHE
    cache.write_bytes(damage(cache.read_bytes()))
    assert _said(run("-C", repo, "check")) == first
    assert type(plain_cache.load(cache, _GROUPS_TAG, 1 << 30)) is dict  # written whole again
    assert _said(run("-C", repo, "check")) == first


def test_a_forged_group_of_the_wrong_shape_is_judged_afresh(repo: Path, run) -> None:  # type: ignore[no-untyped-def]
    first = _said(run("-C", repo, "check"))
    cache = repo / CACHE
    kept = plain_cache.load(cache, _GROUPS_TAG, 1 << 30)
    forged = {key: [("x", "1", 1, "error", "x", "forged")] for key in kept}
    cache.write_bytes(plain_cache.dump(_GROUPS_TAG, forged))
    assert _said(run("-C", repo, "check")) == first
    assert plain_cache.load(cache, _GROUPS_TAG, 1 << 30) == kept  # judged afresh and written again


def _said(result: Result) -> tuple[int, str, str]:
    return result.code, result.out, result.err
