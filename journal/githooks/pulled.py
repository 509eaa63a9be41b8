"""After a pull (post-merge, post-rewrite): what the partners did since ORIG_HEAD."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pygit2

from journal.core import build_model, layout, periods
from journal.core.entries import load_front_matter
from journal.core.model import OutcomeStatus, Reply, Verdict, stem
from journal.core.states import STATE_LABEL, State, member_state
from journal.core.streaks import EARLY
from journal.errors import NotARepository
from journal.standing import Standing
from journal.store.workspace import Workspace


def _tree(repo: pygit2.Repository, rev: str) -> pygit2.Tree | None:
    try:
        return repo.revparse_single(rev).peel(pygit2.Commit).tree
    except (KeyError, ValueError, pygit2.GitError):
        return None


def journal_changes(repo: pygit2.Repository, old_rev: str = "ORIG_HEAD") -> list[tuple[str, str, Any, Any]]:
    """(status, path, old blob id, new blob id) of journal files changed from old_rev to HEAD."""
    new = _tree(repo, "HEAD")
    if new is None:
        return []
    old = _tree(repo, old_rev)
    if old is not None and old.id == new.id:
        return []
    diff = old.diff_to_tree(new) if old is not None else new.diff_to_tree(swap=True)
    # A symlink is no entry (the journal refuses it): it is not announced either.
    return [(d.status_char(), d.new_file.path, d.old_file.id, d.new_file.id) for d in diff.deltas
            if layout.entry_kind(d.new_file.path) is not None and d.new_file.mode != pygit2.enums.FileMode.LINK]


def _data(repo: pygit2.Repository, oid: Any) -> dict[str, Any]:
    try:
        raw = repo[oid].read_raw()
    except (KeyError, ValueError):
        return {}
    return load_front_matter(raw.decode("utf-8", "replace")) or {}


def summarize(repo: pygit2.Repository, standing: Standing, changes: list[tuple[str, str, Any, Any]]) -> list[str]:
    """Lines like "bob checked in for 2026-W47: 3 of 3 commitments done, streak 9"."""
    lines = []
    streak = {r.member: r.current for r in standing.reports}
    for status, path, old_id, new_id in changes:
        kind = layout.entry_kind(path)
        if kind == "checkin" and status == "A" and (name := layout.parse_checkin_name(path)):
            outcomes = build_model.checkin(None, data=_data(repo, new_id)).outcomes
            done = sum(o.status is OutcomeStatus.DONE for o in outcomes)
            report = f"{done} of {len(outcomes)} commitments done" if outcomes else "no commitments to report on"
            if _too_early(standing, name.member, name.period):
                lines.append(f"{name.member} checked in too early for {name.period} (it does not count): {report}")
                continue
            lines.append(f"{name.member} checked in for {name.period}: {report}, streak {streak.get(name.member, 0)}")
        elif kind == "reply" and status == "A" and (said := layout.parse_reply_name(path)):
            lines.append(_reply_line(standing, said, build_model.reply(None, data=_data(repo, new_id))))
        elif kind == "goal":
            old, new = (build_model.goal(stem(path), None, data=_data(repo, oid)) for oid in (old_id, new_id))
            before = {m.title for m in old.milestones if m.done}
            who = " & ".join(new.owners)
            for m in new.milestones:
                if m.done and m.title not in before:
                    lines.append(f"{who} reached milestone '{m.title}'")
    for r in standing.reports:
        p, state = member_state(r, standing.now)
        if state is State.OVERDUE:
            lines.append(f"{r.member} is {STATE_LABEL[state]} for {p.period if p else 'this period'}")
    return lines


def _too_early(standing: Standing, member: str, period: str) -> bool:
    """Whether `member`'s check-in for `period` was committed before the period began: judged
    `early` in their report, or for a period that has not begun yet (not in the report)."""
    report = next((r for r in standing.reports if r.member == member), None)
    status = next((p.status for p in report.periods if p.period == period), None) if report is not None else None
    if status is not None:
        return status == EARLY
    who = standing.members.get(member)
    return who is not None and periods.not_begun(period, standing.now, who.tz)


def _reply_line(standing: Standing, said: layout.ReplyName, reply: Reply) -> str:
    """"bob answered your 2026-W48 ask; confirmed 3 of 3" (the file name says who and when)."""
    whose = "your" if said.to == standing.me else f"{said.to}'s"
    thing = "ask" if reply.answer else "check-in"
    line = f"{said.author} answered {whose} {said.period} {thing}"
    if reply.verdicts:
        confirmed = sum(v.verdict is Verdict.CONFIRMED for v in reply.verdicts)
        disputed = sum(v.verdict is Verdict.DISPUTED for v in reply.verdicts)
        line += f"; confirmed {confirmed} of {len(reply.verdicts)}" + (f", disputed {disputed}" if disputed else "")
    if reply.kudos:
        line += "; kudos!"
    return line


def after_pull(workspace: Workspace, now: dt.datetime, old_rev: str = "ORIG_HEAD") -> tuple[list[str], bool]:
    """(summary lines, whether journal files changed) for the hooks that run after a pull."""
    from journal.standing import compute_standing

    repo = workspace.repo
    if repo is None:
        raise NotARepository(f"{workspace.root} is not in a Git repository")
    changes = journal_changes(repo, old_rev)
    if not changes:
        return [], False
    standing = compute_standing(workspace, now)
    return summarize(repo, standing, changes), True


def head_time(workspace: Workspace) -> dt.datetime | None:
    """The committer time of HEAD, with its offset."""
    repo = workspace.repo
    if repo is None or repo.head_is_unborn:
        return None
    c = repo.head.peel(pygit2.Commit)
    return dt.datetime.fromtimestamp(c.commit_time, dt.timezone(dt.timedelta(minutes=c.commit_time_offset)))


_AS_OF = b"Progress digest as of "


def stale_digest(workspace: Workspace) -> str | None:
    """A note when the committed digest in HEAD is not what HEAD's entries give, else None.

    Only a note: the hooks after a pull never write the digest (a modified digest/ would
    stop the next pull). HEAD's digest was regenerated when HEAD was committed, so it is
    compared with one regenerated for HEAD at HEAD's commit time; its "as of" line, which
    only says when and in which zone the committer's hook ran, is left out of the comparison.
    The check reads blobs, never the working tree, so a partner's symlink leads nowhere."""
    from journal.digest import committed
    from journal.standing import compute_standing

    repo, when = workspace.repo, head_time(workspace)
    if repo is None or when is None:
        return None
    # The entries as the working tree holds them, which the summary has loaded already:
    # right after a pull they are HEAD's, unless some were edited and not committed (then
    # the comparison would not be about HEAD, so there is nothing to say).
    if any(layout.entry_kind(path) is not None for path in repo.status()):
        return None
    where = committed.folder(workspace.snapshot().journal)
    if where is None:
        return None
    tree = repo.head.peel(pygit2.Commit).tree
    # The pre-commit hook dates the digest by GIT_COMMITTER_DATE, else by the clock in UTC:
    # dates shown in UTC can fall on another day than in the committer's offset.
    for moment in [when.astimezone(dt.UTC)] + ([when] if when.utcoffset() else []):
        wanted = committed.render(compute_standing(workspace, moment), where)
        held = {}
        for rel in wanted:
            try:
                held[rel] = repo[tree[rel].id].read_raw()
            except KeyError:
                continue
        if {rel: _without_as_of(data) for rel, data in held.items()} == \
                {rel: _without_as_of(data) for rel, data in wanted.items()}:
            return None
    return (f"{where}/ in HEAD is not up to date with HEAD's entries (committed without journal's hooks, or "
            f"rebased); your next journal commit updates it, or run `journal digest --markdown-only` and commit "
            f"{where}/")


def _without_as_of(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if not line.startswith(_AS_OF))
