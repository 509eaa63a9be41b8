"""A warm digest reads no thread's digest form and no reply: pages, digest.json and DIGEST.md
are keyed by the hash kept with each thread, the feed and the calendar by the record kept
with it (digest/threads.DIGEST_THREAD); the forms are read back (digest/thread_texts.py) only
when an output is made, and made again from the threads when their file is lost or damaged."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.digest import calendar, thread_texts
from journal.digest.articles import ARTICLE_TEXTS
from journal.digest.json_text import JSON_TEXTS
from journal.digest.privacy import PrivacyRules
from journal.digest.threads import DIGEST_THREAD, kept_owed
from journal.standing import compute_standing
from journal.store import plain_cache, thread_cache
from tests.support.journals import PROJECT, Result
from tests.support.replies import ci, replies_history, reply

NOW = "2026-11-24T12:00:00+00:00"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != ".digest-manifest.json"}


def _loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cache files read from now on, as `<folder>/<file>` (a part of the thread cache
    is a folder of files) or `<file>`."""
    names: list[str] = []
    real = plain_cache.load

    def load(path: Path, tag: str, limit: int) -> object:
        path = Path(path)
        names.append(path.name if path.parent.name == "journal" else f"{path.parent.name}/{path.name}")
        return real(path, tag, limit)
    monkeypatch.setattr(plain_cache, "load", load)
    return names


def _read(loaded: list[str], folder: str) -> bool:
    return any(name.startswith(f"{folder}/") for name in loaded)


def test_a_warm_rebuild_reads_no_thread_form_and_no_reply(commit: Callable[..., str], tmp_path: Path,
                                                          run: Callable[..., Result],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = replies_history(commit, tmp_path)
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    assert run("-C", repo, "digest", "--now", NOW).code == 0  # the threads read back, the forms kept
    built = _files(repo / "site")
    loaded = _loaded(monkeypatch)
    result = run("-C", repo, "digest", "--now", NOW)
    assert result.code == 0 and "(0 rendered" in result.out
    assert _files(repo / "site") == built
    assert _read(loaded, f"thread-{thread_texts.KEPT}")  # the records kept with the threads
    assert not _read(loaded, thread_texts.FOLDER) and not _read(loaded, thread_cache.POSTS_FILE)
    # A new reply: the pages showing it are made, the others' forms read back; of the forms
    # kept, only the file holding the new thread's is written again.
    forms = repo / ".git" / "journal" / thread_texts.FOLDER
    before = {f.name: f.read_bytes() for f in forms.iterdir()}
    commit(dict([reply("alice", "bob", "2026-W46", verdicts=())]), "2026-11-23T12:00:00+01:00", "alice")
    loaded.clear()
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    assert _read(loaded, thread_texts.FOLDER)
    after = {f.name: f.read_bytes() for f in forms.iterdir()}
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert len(before) > 2 and 1 <= len(rewritten) <= 2  # the new thread's file (and the old form's, if apart)
    assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / "fresh").code == 0
    assert _files(repo / "site") == _files(tmp_path / "fresh")


def test_a_build_after_a_new_reply_reads_the_forms_of_the_threads_it_shows_only(
        commit: Callable[..., str], tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    # Sixteen threads; a new reply to an old one. The pages, digest.json item and DIGEST.md
    # made again show that thread (made anew) and each member's latest (read back): the
    # other thirteen forms are not read.
    repo = replies_history(commit, tmp_path)
    for n in range(47, 53):
        sunday = dt.date.fromisocalendar(2026, n, 7)
        for member, partner, zone in (("alice", "bob", "+01:00"), ("bob", "alice", "-05:00")):
            commit(dict([ci(member, f"2026-W{n}")]), f"{sunday}T18:00:00{zone}", member)
            commit(dict([reply(partner, member, f"2026-W{n}")]), f"{sunday}T21:00:00{zone}", partner)
    later = "2026-12-31T12:00:00+00:00"
    for _ in range(2):
        assert run("-C", repo, "digest", "--now", later).code == 0
    commit(dict([reply("carol", "alice", "2026-W47")]), "2026-12-30T09:00:00+00:00", "carol")
    read: list[object] = []
    real = thread_texts.is_form
    monkeypatch.setattr(thread_texts, "is_form", lambda form: read.append(form) or real(form))
    result = run("-C", repo, "digest", "--now", later)
    assert result.code == 0 and "(0 rendered" not in result.out
    assert 1 <= len(read) <= 2  # alice's and bob's W52 threads, on DIGEST.md
    assert run("-C", repo, "digest", "--now", later, "--out", tmp_path / "fresh").code == 0
    assert _files(repo / "site") == _files(tmp_path / "fresh")
    # Without the caches of the outputs, every output is made: every form is read or made again.
    for name in (ARTICLE_TEXTS, thread_texts.FOLDER):
        shutil.rmtree(repo / ".git" / "journal" / name)
    (repo / ".git" / "journal" / JSON_TEXTS).unlink()
    assert run("-C", repo, "digest", "--now", later, "--out", tmp_path / "cold").code == 0
    assert _files(tmp_path / "cold") == _files(tmp_path / "fresh")
    assert "W52" in (tmp_path / "cold" / "members" / "alice.html").read_text()


def test_the_journals_own_templates_get_every_checkins_thread(commit: Callable[..., str], tmp_path: Path,
                                                            run: Callable[..., Result]) -> None:
    # A trusted override may read any check-in's thread, not only in the articles made again:
    # with one, every thread is on before any output is made.
    repo = replies_history(commit, tmp_path)
    member = PROJECT / "templates" / "digest" / "member.html.j2"
    override = repo / "templates" / "digest" / "member.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text(member.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}{% for c in checkins %}{% if c.get('thread') %}"
        "<p class=threaded>{{ c.period }}</p>{% endif %}{% endfor %}", 1), encoding="utf-8")
    assert run("-C", repo, "templates", "trust").code == 0
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    commit(dict([reply("carol", "alice", "2026-W46", verdicts=())]), "2026-11-23T12:00:00+00:00", "carol")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    page = (repo / "site" / "members" / "alice.html").read_text()
    assert page.count("<p class=threaded>") == 2, page  # W46, made again, and W45, whose article was not


@pytest.mark.parametrize("damage", ["lost", "garbage", "other shape", "empty forms", "forms of another shape"])
def test_thread_forms_lost_or_damaged_are_made_again_from_the_threads(commit: Callable[..., str], tmp_path: Path,
                                                                      run: Callable[..., Result], damage: str) -> None:
    repo = replies_history(commit, tmp_path)
    assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / "first").code == 0
    files = sorted((repo / ".git" / "journal" / thread_texts.FOLDER).iterdir())
    kept = {f: plain_cache.load(f, thread_texts._TAG, 1 << 30) for f in files}
    # Every form a build keeps passes is_form: were digest_form's fields to change without it,
    # every form read back would be refused and made again on every build.
    assert kept and all(isinstance(forms, dict) and forms and all(map(thread_texts.is_form, forms.values()))
                        for forms in kept.values())
    for file, forms in kept.items():
        if damage == "lost":
            file.unlink()
        elif damage == "garbage":
            file.write_bytes(b"\x00not marshal" * 20)
        else:  # sealed as this machine seals, but no form in it
            other = {"other shape": ["not", "a form"], "empty forms": {}, "forms of another shape": {"replies": 1}}
            plain_cache.save(file, thread_texts._TAG, {named: other[damage] for named in forms})
    assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / "again").code == 0
    assert _files(tmp_path / "again") == _files(tmp_path / "first")
    # No output showed a thread (each page's articles and digest.json's items were read
    # back): no form was needed. Once they must be written again, every form is.
    shutil.rmtree(repo / ".git" / "journal" / ARTICLE_TEXTS)
    (repo / ".git" / "journal" / JSON_TEXTS).unlink()
    assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / "third").code == 0
    assert _files(tmp_path / "third") == _files(tmp_path / "first")
    assert {f: plain_cache.load(f, thread_texts._TAG, 1 << 30) for f in files} == kept  # made again and kept


def test_the_old_files_of_thread_forms_are_removed(commit: Callable[..., str], tmp_path: Path,
                                                 run: Callable[..., Result]) -> None:
    # Where the forms were kept before (with the threads, then in one file): no longer read, so not left behind.
    repo = replies_history(commit, tmp_path)
    olds = [repo / ".git" / "journal" / name for name in ("thread-digest.bin", "digest-threads.bin")]
    olds[0].parent.mkdir(parents=True, exist_ok=True)
    for old in olds:
        old.write_bytes(b"left by an older version")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    assert not any(old.exists() for old in olds)


def test_the_replies_owed_kept_with_a_thread_are_its_responses_owed(commit: Callable[..., str],
                                                                   tmp_path: Path) -> None:
    # The calendar's reply events from the records kept with the threads are those its
    # responses give; W46's threads owe replies (one overdue, one still waiting).
    repo = replies_history(commit, tmp_path)
    now = dt.datetime.fromisoformat(NOW)
    plain = compute_standing(repo, now, threads=False)
    private = PrivacyRules.from_journal(plain.journal)
    events = calendar._reply_events(plain, private, calendar.journal_namespace(plain))
    assert len(events) == 2
    for _ in range(2):  # judged and kept, then read back
        kept = compute_standing(repo, now, threads=False, renders=DIGEST_THREAD)
        assert all(kept_owed(t) is not None for t in kept.responses.threads)
        assert calendar._reply_events(kept, private, calendar.journal_namespace(kept)) == events


def test_a_kept_thread_form_is_made_again_when_any_digest_module_changes() -> None:
    # A form is made by threads.py with markdown.py's help (the sections digest.private
    # hides): the records kept with the threads are sealed by the code of the whole package.
    from journal.digest import markdown, threads

    for render in (*DIGEST_THREAD.values(), thread_texts.ThreadTexts(None).render):
        assert {Path(markdown.__file__), Path(threads.__file__)} <= set(thread_cache._sources(render))
