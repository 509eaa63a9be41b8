"""Replies in the Markdown digests (DIGEST.md, the committed digest/README.md) and in
calendar.ics, over a real scripted history, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from journal.exitcodes import EXIT_OK
from tests.support.replies import CONFIG3, PACT, ci, replies_history, reply

NOW = "2026-11-23T12:00:00+00:00"
HOSTILE_BODY = ("# Big heading\n<script>alert(1)</script> [click](javascript:alert(2))\n"
                "Keep the **long run** easy.\n")


@pytest.fixture
def history(commit, tmp_path: Path) -> Path:
    """The replies history, plus carol's answer (kudos, verdicts, a hostile body) to alice's W46."""
    repo = replies_history(commit, tmp_path)
    commit(dict([reply("carol", "alice", "2026-W46", verdicts=("confirmed", "disputed"),
                       extra="kudos: 1\n", body=HOSTILE_BODY)]), "2026-11-16T09:00:00+00:00", "carol")
    return repo


def _markdown(run, repo: Path, tmp_path: Path) -> tuple[str, str]:
    """(DIGEST.md of the site, the committed digest/README.md) as of NOW."""
    site = tmp_path / "site"
    result = run("-C", repo, "digest", "--out", site, "--now", NOW)
    assert result.code == EXIT_OK, result
    assert run("-C", repo, "digest", "--markdown-only", "--now", NOW).code == EXIT_OK
    return (site / "DIGEST.md").read_text(), (repo / "digest" / "README.md").read_text()


def test_markdown_digests_show_each_latest_checkins_thread(run, history: Path, tmp_path: Path) -> None:
    for text in _markdown(run, history, tmp_path):
        replies = text[text.index("## Replies"):text.index("## Unanswered asks")]
        alice = replies[replies.index("### Alice Moreno, 2026-W46"):replies.index("### Bob Okafor, 2026-W46")]
        assert "Ask: Check my Sunday plan" in alice
        assert "\nBob Okafor: unanswered\n" in alice  # carol referees: she is asked for verdicts only
        assert "- **Carol** (referee), Mon 16 Nov 2026 09:00 UTC\n" in alice  # in carol's own zone (London, winter)
        assert "  **Answer:** Yes, Tuesday." in alice
        assert "  **Kudos:** Three runs" in alice  # kudos 1 names the first outcome
        assert "  **Verdicts:** 1. confirmed (seen); 2. disputed (seen)" in alice
        assert "Referee Carol: outcome 1 confirmed · outcome 2 disputed" in alice
        # The body is quoted inside the list item, made inert as DIGEST.md makes every body
        # (a link to an unsafe target turns the whole body into escaped text).
        assert ("\n  > \\# Big heading\n  > &lt;script&gt;alert(1)&lt;/script&gt; \\[click\\](javascript:alert(2))\n"
                "  > Keep the \\*\\*long run\\*\\* easy.\n") in alice
        assert "<script" not in text
        bob = replies[replies.index("### Bob Okafor, 2026-W46"):]
        assert "\nAlice Moreno: waiting for a reply\n" in bob
        # Threads of earlier check-ins are on the site, not in the Markdown digest.
        assert "2026-W45" not in replies


def test_markdown_digests_list_unanswered_asks_and_partner_figures(run, history: Path, tmp_path: Path) -> None:
    for text in _markdown(run, history, tmp_path):
        asks = text[text.index("## Unanswered asks"):text.index("## As partners")]
        assert asks.splitlines()[2:4] == [
            "- **Bob Okafor**, 2026-W46: Push me on sleep — waiting for Alice Moreno",
            "- **Alice Moreno**, 2026-W46: Check my Sunday plan — unanswered by Bob Okafor"]
        table = text[text.index("## As partners"):].split("\n\n")[1].splitlines()
        assert table[0] == "| Member | Answered in time | Median response | In time | Late | Unanswered | Waiting |"
        bob = next(row for row in table if row.startswith("| Bob Okafor |"))
        assert bob.split(" | ")[3:] == ["1", "0", "1", "0 |"]
        assert ("Pact streak of *Half marathon training pact*: 0 in a row with everyone checked in; "
                "0 in a row with every reply in time.\n") in text


def test_a_private_checkin_and_private_replies_leave_no_trace(run, commit, history: Path, tmp_path: Path) -> None:
    # Alice's W47 check-in is private, with bob's reply to it; bob's private reply to
    # alice's W46; and answers are listed under digest.private.
    commit(dict([ci("alice", "2026-W47", "SECRET-ASK", extra="private: true\n")]), "2026-11-22T18:00:00+01:00", "alice")
    commit(dict([reply("bob", "alice", "2026-W47", body="SECRET-BODY-47\n"),
                 reply("bob", "alice", "2026-W46", extra="private: true\n", body="SECRET-BODY-46\n")]),
           "2026-11-22T20:00:00+01:00", "bob")
    commit({"journal.yaml": CONFIG3.replace("private: [energy]", "private: [energy, answer]")},
           "2026-11-22T21:00:00+01:00", "alice")
    site = tmp_path / "site"
    for text in _markdown(run, history, tmp_path):
        assert "SECRET" not in text and "2026-W47" not in text
        assert "**Answer:**" not in text and "Yes, Tuesday." not in text
        alice = text[text.index("### Alice Moreno, 2026-W46"):text.index("### Bob Okafor, 2026-W46")]
        assert "**Bob Okafor**" not in alice  # bob's private reply is not in the thread
    calendar = (site / "calendar.ics").read_bytes()
    assert b"SECRET" not in calendar and b"2026-W47" not in calendar


def test_a_section_named_in_digest_private_is_hidden_in_replies_too(run, commit, history: Path,
                                                                     tmp_path: Path) -> None:
    # `reflection` in digest.private hides a check-in's Reflection section: a reply's too,
    # in every output, whatever its heading's case or level; the rest of the reply shows.
    body = ("Well run.\n\n## Reflection\nSECRET-REFLECTION\n\n# ReFlection\nSECRET-AGAIN\n\n"
            "## Next\nPUBLIC-NEXT\n")
    commit(dict([reply("bob", "alice", "2026-W46", body=body)]), "2026-11-17T09:00:00-05:00", "bob")
    # A body too long to read into sections (shown as a notice on the pages) and one whose
    # heading follows an HTML line (text, on the pages): neither may show its hidden section.
    long = "Hi.\n\n## Reflection\nSECRET-LONG\n\n## Public\n" + "filler text. " * 4000
    commit(dict([reply("carol", "bob", "2026-W45", verdicts=(), body=long),
                 reply("alice", "bob", "2026-W45", body="<div>\n## Reflection\nSECRET-HTML\n")]),
           "2026-11-17T10:00:00+00:00", "carol")
    _markdown(run, history, tmp_path)  # shown while nothing hides it; and the caches kept
    assert "SECRET-REFLECTION" in (tmp_path / "site" / "feed.xml").read_text()
    commit({"journal.yaml": CONFIG3.replace("private: [energy]", "private: [energy, reflection]")},
           "2026-11-22T21:00:00+01:00", "alice")
    _markdown(run, history, tmp_path)
    shown = {p: p.read_text(errors="replace") for p in [*(tmp_path / "site").rglob("*"), history / "digest" / "README.md"]
             if p.is_file() and p.suffix in (".html", ".md", ".json", ".xml", ".ics")}
    assert not [p for p, text in shown.items() if "SECRET" in text]
    assert [p.name for p, text in shown.items() if "PUBLIC-NEXT" in text and "Well run." in text]
    assert "PUBLIC-NEXT" in (tmp_path / "site" / "feed.xml").read_text()


def test_a_private_referee_reply_leaves_no_verdict_line(run, commit, history: Path, tmp_path: Path) -> None:
    """The referee's verdicts are read from their reply: a private one shows none of them."""
    assert all("Referee Carol: outcome 1 confirmed" in text for text in _markdown(run, history, tmp_path))
    commit(dict([reply("carol", "alice", "2026-W46", verdicts=("confirmed", "disputed"),
                       extra="kudos: 1\nprivate: true\n", body=HOSTILE_BODY)]), "2026-11-16T10:00:00+00:00", "carol")
    for text in _markdown(run, history, tmp_path):
        alice = text[text.index("### Alice Moreno, 2026-W46"):text.index("### Bob Okafor, 2026-W46")]
        assert "Referee Carol" not in alice and "**Carol** (referee)" not in alice


def test_a_journal_without_replies_has_no_reply_sections(run, commit, tmp_path: Path) -> None:
    commit({"journal.yaml": CONFIG3, "contracts/pact.md": PACT}, "2026-10-20T10:00:00+02:00")
    commit(dict([ci("alice", "2026-W46")]), "2026-11-15T18:00:00+01:00", "alice")
    text, readme = _markdown(run, tmp_path / "repo", tmp_path)
    for heading in ("## Replies", "## Unanswered asks", "## As partners", "every reply in time"):
        assert heading not in text and heading not in readme
    assert b"reply due" not in (tmp_path / "site" / "calendar.ics").read_bytes()


def test_calendar_has_a_reply_due_event_per_partner_owing_a_reply(run, history: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run("-C", history, "digest", "--out", site, "--now", NOW).code == EXIT_OK
    events = {str(e["summary"]): e for e in Calendar.from_ical((site / "calendar.ics").read_bytes()).walk("VEVENT")}
    due = sorted(s for s in events if "reply due" in s)
    assert due == ["Alice Moreno: reply due to Bob Okafor (2026-W46)", "Bob Okafor: reply due to Alice Moreno (2026-W46)"]
    bob = events["Bob Okafor: reply due to Alice Moreno (2026-W46)"]
    # Two days after alice's check-in was committed (Sunday 18:00 in Berlin), in bob's zone.
    start = bob.decoded("dtstart")
    assert start.isoformat() == "2026-11-17T12:00:00-05:00" and str(start.tzinfo) == "America/New_York"
    assert "They ask: Check my Sunday plan" in str(bob["description"])
    assert str(bob["transp"]) == "TRANSPARENT"
    # Only the partners owe replies; W45's asks are past, not in the calendar.
    assert not any("W45" in s for s in events)


def test_a_rebuild_drops_the_reply_due_event_once_the_reply_is_committed(run, commit, history: Path,
                                                                          tmp_path: Path) -> None:
    """The calendar is reused between builds only while its inputs stand: a reply committed
    since (same --now) takes its "reply due" event away, as a build from scratch does."""
    def summaries(site: Path) -> list[str]:
        ics = Calendar.from_ical((site / "calendar.ics").read_bytes())
        return sorted(str(e["summary"]) for e in ics.walk("VEVENT") if "reply due" in str(e["summary"]))

    site = tmp_path / "site"
    assert run("-C", history, "digest", "--out", site, "--now", NOW).code == EXIT_OK
    assert "Bob Okafor: reply due to Alice Moreno (2026-W46)" in summaries(site)
    commit(dict([reply("bob", "alice", "2026-W46")]), "2026-11-16T20:00:00-05:00", "bob")
    assert run("-C", history, "digest", "--out", site, "--now", NOW).code == EXIT_OK
    fresh = tmp_path / "fresh"
    assert run("-C", history, "digest", "--out", fresh, "--now", NOW).code == EXIT_OK
    assert "Bob Okafor: reply due to Alice Moreno (2026-W46)" not in summaries(site)
    assert (site / "calendar.ics").read_bytes() == (fresh / "calendar.ics").read_bytes()


def test_each_thread_is_rendered_once_for_both_pages_that_show_it(run, history: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from journal.digest import writers

    rendered: list[str] = []
    real = writers._renderer
    monkeypatch.setattr(writers, "_renderer",
                        lambda env, template, context: rendered.append(template) or real(env, template, context))
    site = tmp_path / "site"
    assert run("-C", history, "digest", "--out", site, "--now", NOW).code == EXIT_OK
    threads = rendered.count("_thread.html.j2")
    assert threads == 4  # alice's and bob's W45 and W46, each once, though each is on two pages
    member, period = (site / "members" / "alice.html").read_text(), (site / "periods" / "2026-W46.html").read_text()

    def thread(page: str) -> str:
        start = page.index('<section class="thread" aria-label="Replies to Alice Moreno, 2026-W46">')
        return page[start:page.index("</section>", start) + len("</section>")]

    assert thread(member) == thread(period)
    # The fragment went in as markup, once escaped: the hostile body is text, never doubly escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in thread(member) and "<script" not in thread(member)
    assert "&amp;lt;" not in thread(member) and "<strong>Kudos:</strong> Three runs" in thread(member)
    # A rebuild with nothing changed reuses every page and renders no thread.
    rendered.clear()
    assert run("-C", history, "digest", "--out", site, "--now", NOW).code == EXIT_OK
    assert "_thread.html.j2" not in rendered


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "ascii", "utf-16"])
def test_json_outputs_are_whole_and_the_same_data_on_a_narrow_stdout(commit, tmp_path: Path, encoding: str) -> None:
    """A reply with characters the locale cannot write: `streaks`, `status` and `check`
    --json write them as JSON escapes, so the output is valid JSON of the same data as on a
    UTF-8 stdout (before, `streaks --json` stopped halfway with an encoding error)."""
    repo = replies_history(commit, tmp_path)
    commit(dict([reply("carol", "alice", "2026-W46", body="Très bien 🙂\n" * 30_000)]), "2026-11-16T09:00:00+00:00",
           "carol")
    for args in (["streaks", "--json", "--now", NOW], ["status", "--json", "--now", NOW], ["check", "--json"]):
        outputs = {}
        for name in ("utf-8", encoding):
            done = subprocess.run([sys.executable, "-m", "journal", "-C", str(repo), *args], capture_output=True,
                                  env={**os.environ, "PYTHONIOENCODING": name})
            assert done.returncode in (0, 4), done.stderr  # 4: status finds someone overdue
            outputs[name] = json.loads(done.stdout.decode(name))
        assert outputs["utf-8"] == outputs[encoding], args
        if args[0] == "streaks":
            assert "Très bien 🙂" in json.dumps(outputs[encoding], ensure_ascii=False)
