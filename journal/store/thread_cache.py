"""Threads kept by their inputs, with the window of `now` in which they stay what they are.

A check-in's thread (core/replies.judge_thread) is a function of the check-in's text and the
time the history first brought it, the replies to it (their text, when the history brought
each, by which commit), the journal's contracts and roster, the first reply of the whole
journal, the rules' code, and of `now` only through comparisons with the check-in's time, its
due time and the replies' times (core/replies.thread_window). So a thread is kept in
`<gitdir>/journal/threads/` (sealed marshal, store/plain_cache.py) under a hash of exactly
those inputs, with that window: a later run whose inputs hash the same and whose `now` lies in
the window reads the thread back instead of reading the replies and judging them again. A new
reply changes its own thread's key only.

Texts enter the key as hashes of what was written (core/entries.Head.digest), so no file can
reach another thread's result. A record of the wrong shape is judged again, never trusted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from journal.core import build_model, pauses, periods, replies
from journal.core.model import Reply, Verdict, VerdictItem
from journal.core.replies import Posted, Response, Thread
from journal.errors import JournalError
from journal.store import plain_cache
from journal.store.local_state import code_stamp
from journal.store.shards import Shards

CACHE_FILE = "threads"  # a folder of 16 files (see store/shards.py)
POSTS_FILE = "thread-replies"
_LEGACY = ("threads.bin", "thread-replies.bin", "thread-json.bin", "thread-digest.bin")  # one file each, before
_TAG = "journal-threads 10"  # 10: windows in whole microseconds (kept_stamp)
_CODE = (replies, pauses, build_model)
_MISSING = object()  # no usable record: judge the thread
# A kept thread's summary: its (partner, state, microseconds taken) answers, whether its referee is
# silent, its (author, timestamp) reply times as kept, packed (unpacked and checked when read: _times).
Summary = tuple[list[tuple[str, str, int | None]], bool, bytes]


class ThreadCache:
    """Threads by input hash under `folder` (None: nothing kept, every thread judged).

    `shared` is what every thread reads besides its own check-in and replies (the roster and
    zones, the contracts, the first reply's time), as text: it is hashed into every key.
    `renders` name ways of writing a thread out (its `streaks --json` text, the digest's
    thread): each is kept with the thread, as plain data, and read back with it.

    Each part is a folder of its own (see store/shards.py), read only when used: the threads'
    summaries (`threads/`: what the figures read), their replies (`thread-replies/`, read
    when a thread's replies are), and one per rendering (`thread-<name>/`)."""

    def __init__(self, folder: Path | None, shared: str,
                 renders: Mapping[str, Callable[[Thread], Any]] | None = None) -> None:
        self.renders = dict(renders or {})
        stamp = code_stamp((*(Path(str(m.__file__)) for m in _CODE), Path(__file__))).hex()
        self.shared = f"{_TAG}\0{stamp}\0{shared}"
        self.main = Shards(folder / CACHE_FILE if folder is not None else None, _TAG)
        self.posts = Shards(folder / POSTS_FILE if folder is not None else None, _TAG)
        self.folder = folder
        # A rendering is kept by the code that makes it too (the render's package is not among
        # the rules' code above): an upgrade that changes how a thread is written out reads no
        # old rendering back, while the threads themselves stay shared by every command.
        self.parts = {name: Shards(folder / f"thread-{name}" if folder is not None else None,
                                  f"{_TAG} {code_stamp(_sources(render)).hex()}")
                      for name, render in self.renders.items()}
        self.whole: bool | None = None  # whether the replies' folder is there: known on first use
        # The window of `now` in which every thread got or put so far stays as it is (kept_stamp;
        # None: unbounded): what is made of all of them together holds in it.
        self.window: list[int | None] = [None, None]

    def key(self, member: str, period: str, checkin: str, filed: dt.datetime, posted: list[str]) -> str:
        """The key of a thread: `checkin` is the check-in's text hash, `posted` the replies to
        it, each as `posted_text` gives it, sorted."""
        text = "\0".join((self.shared, member, period, checkin, filed.isoformat(), *posted))
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    @staticmethod
    def posted_text(author: str, digest: str, commit: str) -> str:
        """A reply as a thread's key reads it: its author, text hash and the commit the history
        brought it by. The commit names the time too (its author time, store/history_events.py):
        a commit's id covers its author line, so one id is one time, in one offset."""
        return "\0".join((author, digest, commit))  # store/reply_columns.py makes them a column at a time

    def get(self, key: str, now: dt.datetime, again: Callable[[], Thread | None]) -> Thread | None | object:
        """The thread kept under `key` for a `now` in its window (None: the check-in has none),
        or `_MISSING`; with every rendering asked for (those not kept yet are made and kept).
        `again` judges the thread anew: for its replies, should their file have lost them."""
        if self.whole is None:  # summaries without the file of their replies are of no use
            self.whole = self.posts.folder is not None and self.posts.folder.is_dir()
        record = self.main.get(key) if self.whole else None
        if type(record) is not list or len(record) != 3:
            return _MISSING
        thread, start, end = record
        if not window_holds(start, end, kept_stamp(now)):
            return _MISSING
        try:
            found = None if thread is None else _thread(thread, lambda: self._posts(key, [start, end], again))
        except (TypeError, ValueError, IndexError, KeyError):
            return _MISSING
        self.main.keep(key, record, False)
        self._narrow(start, end)
        if found is None:
            return None
        self.posts.keep(key, None, False)  # the replies as they are: filled in by save() if it writes them
        for name, render in self.renders.items():
            # A rendering counts only if made from this very judgment (the same window): a
            # thread judged again for another window by a command that did not ask for this
            # rendering left the old one behind.
            part = self.parts[name]
            kept = part.get(key)
            if type(kept) is list and len(kept) == 3 and kept[0] == start and kept[1] == end:
                value = kept[2]
                part.keep(key, kept, False)
            else:
                value = render(found)
                part.keep(key, [start, end, value], True)
            found.kept[name] = value
        return found

    def kept_answers(self, key: str, now: dt.datetime) -> list[tuple[str, str, int | None]] | None:
        """The answers (Thread.answers) of the thread kept under `key`, as of `now`, without using
        it: [] for a check-in with no thread, None when no record of it holds at `now`."""
        try:
            thread, start, end = self.main.get(key)
            if not window_holds(start, end, kept_stamp(now)):
                return None
            return [] if thread is None else _summary(thread[6], thread[7], thread[8])[0]
        except (TypeError, ValueError, IndexError, KeyError):
            return None  # no record, or one of another shape

    def _posts(self, key: str, stamps: list[Any], again: Callable[[], Thread | None]) -> Any:
        kept = self.posts.get(key)
        if type(kept) is list and len(kept) == 3 and kept[:2] == stamps:
            return kept[2]
        # Lost, damaged, or of another judgment (two runs at other times writing at once): the
        # thread is judged anew, and the summaries go, so that the next run keeps every
        # thread whole again.
        self.main.drop(key)
        thread = again()
        record = _record(thread)[1] if thread is not None else None
        if record is not None:
            self.posts.keep(key, [*stamps, record], True)
        return record

    def put(self, key: str, thread: Thread | None,
            window: tuple[dt.datetime | None, dt.datetime | None]) -> Thread | None:
        """Keep `thread` (judged for a `now` in `window`) under `key`; the thread, with its renderings."""
        if thread is not None and self.renders:
            thread = replace(thread, kept={name: render(thread) for name, render in self.renders.items()})
        start, end = window
        stamps = [None if start is None else kept_stamp(start), None if end is None else kept_stamp(end)]
        self._narrow(*stamps)  # kept or not, the thread holds only in its window
        try:
            record = None if thread is None else _record(thread)
        except ValueError:
            return thread  # a reply that does not refer back to its thread: judged again next time
        self.main.keep(key, [None if record is None else record[0], *stamps], True)
        if thread is not None and record is not None:
            self.posts.keep(key, [*stamps, record[1]], True)
            for name, part in self.parts.items():
                part.keep(key, [*stamps, thread.kept[name]], True)
        return thread

    def _narrow(self, start: int | None, end: int | None) -> None:
        low, high = self.window
        if start is not None and (low is None or start > low):
            self.window[0] = start
        if end is not None and (high is None or end < high):
            self.window[1] = end

    def save(self) -> None:
        """Keep the threads used by this run (and only those: the files never grow past the
        journal); the replies and renderings before the summaries that refer to them."""
        self.posts.save(fill=True)
        for part in self.parts.values():
            part.save()
        self.main.save()
        if self.folder is not None and (self.main.changed or self.posts.changed):
            for name in _LEGACY:  # what an earlier version kept, in one file per part
                try:
                    (self.folder / name).unlink(missing_ok=True)
                except OSError:
                    pass


def _sources(render: Callable[[Thread], Any]) -> tuple[Path, ...]:
    """The source files of the package whose module a rendering (a function, or a partial of
    one) comes from: its module and the helpers beside it it calls on (the digest's thread
    form leaves out sections by its Markdown code)."""
    func = getattr(render, "func", render)
    module = sys.modules.get(getattr(func, "__module__", None) or "")
    source = Path(str(getattr(module, "__file__", None) or "-"))
    return tuple(sorted(source.parent.glob("*.py"))) if source.is_file() else (source,)


def missing(found: object) -> bool:
    """Whether `ThreadCache.get` found no record."""
    return found is _MISSING


def _record(t: Thread) -> tuple[list[Any], list[Any]]:
    """The thread as plain data: its summary (what the figures read) and its replies."""
    index = {id(p): i for i, p in enumerate(t.replies)}
    answers = []
    for r in t.responses:
        at = -1 if r.posted is None else index.get(id(r.posted))
        if at is None:
            raise ValueError("a response's reply is not in its thread")
        answers.append([r.partner, r.state, r.asked.isoformat(), r.due.isoformat(), at])
    posts = [[p.reply.path, p.reply.author, p.reply.to, p.reply.period, p.reply.answer, p.reply.kudos,
              [[None if v.verdict is None else v.verdict.value, v.note] for v in p.reply.verdicts],
              p.reply.private, p.reply.body, p.at.isoformat(), p.commit] for p in t.replies]
    # The answers and reply times nested as marshal bytes: a warm run whose figures are kept
    # (store/thread_plan.py) loads each as one object and never unpacks it.
    columns = [list(column) for column in zip(*t.answers())] or [[], [], []]  # partners, states, microseconds
    packed = marshal.dumps([answers, *columns])
    return [t.member, t.period, t.ask, t.filed.isoformat(), t.referee, list(t.verdicts), packed,
            t.referee_silent(), marshal.dumps([list(pair) for pair in t.reply_times()])], posts


def _thread(record: list[Any], posts: Callable[[], Any]) -> Thread:
    """The thread a summary holds: its summary (what the figures read) and its responses and
    replies (from `posts()`) made on first use."""
    member, period, ask, filed, referee, verdicts, packed, silent, times = record
    if not all(type(v) is str for v in verdicts) or type(packed) is not bytes or type(times) is not bytes:
        raise TypeError("a record of another shape")
    return LazyThread(member, period, ask, kept_moment(filed), referee=referee, verdicts=tuple(verdicts), kept={},
                      summary=lambda: _summary(packed, silent, times), decode=lambda: _decode(packed, posts()))


def _unpacked(packed: bytes) -> list[Any]:
    """A record's answers: [answers, partners, states, microseconds taken], each column as long
    as the first. Raises ValueError for anything else (a record of another shape)."""
    found = plain_cache.loads(packed)
    if type(found) is not list or len(found) != 4 or not all(type(column) is list for column in found) \
            or len({len(column) for column in found}) != 1:
        raise ValueError("a record of another shape")
    return found


def _summary(packed: bytes, silent: Any, times: bytes) -> Summary:
    # Made for every kept thread a figure reads: a column at a time.
    _, partners, states, took = _unpacked(packed)
    if not set(map(type, partners)) <= _TEXT or not set(map(type, states)) <= _TEXT or not set(states) <= _STATES \
            or not set(map(type, took)) <= _TOOK:
        raise TypeError("a record of another shape")
    return list(zip(partners, states, took)), silent is True, times  # the reply times packed: only a feed reads them


def _times(packed: Any) -> list[tuple[str | None, float]]:
    times = plain_cache.loads(packed) if type(packed) is bytes else None
    if type(times) is not list or not all(type(pair) is list and len(pair) == 2 and type(pair[0]) in (str, type(None))
                                          for pair in times):
        raise TypeError("a record of another shape")
    return [(author, float(at)) for author, at in times]


_TEXT = frozenset((str,))
_TOOK = frozenset((int, type(None)))


_STATES = frozenset(replies.RESPONSE_STATES)


def _decode(packed: bytes, posts: list[Any]) -> tuple[tuple[Response, ...], tuple[Posted, ...]]:
    answers = _unpacked(packed)[0]
    made = tuple(Posted(Reply(path, author, to, period, answer, kudos,
                              tuple(VerdictItem(None if v is None else Verdict(v), note) for v, note in items),
                              private, body), kept_moment(at), commit)
                 for path, author, to, period, answer, kudos, items, private, body, at, commit in posts)
    responses = tuple(Response(partner, state, kept_moment(asked), kept_moment(due), None if i == -1 else made[_index(i, made)])
                      for partner, state, asked, due, i in answers)
    return responses, made


class LazyThread(Thread):
    """A kept thread whose responses and replies are made on first use: `streaks --json` writes
    the kept text and reads only the figures' summary (`answers`). Equal to, and hashing as,
    the Thread it stands for."""

    def __init__(self, member: str, period: str, ask: str | None, filed: dt.datetime,
                 responses: tuple[Response, ...] = (), replies: tuple[Posted, ...] = (), referee: str | None = None,
                 verdicts: tuple[str, ...] = (), kept: Mapping[str, Any] | None = None, *,
                 summary: Callable[[], Summary] | None = None,
                 decode: Callable[[], tuple[tuple[Response, ...], tuple[Posted, ...]]] | None = None) -> None:
        # Thread is frozen: fields go straight into the instance dict, as its own __init__ does.
        # Without `decode` (dataclasses.replace's way in) every field is given.
        self.__dict__.update(member=member, period=period, ask=ask, filed=filed, referee=referee,
                             verdicts=verdicts, kept=kept if kept is not None else {})
        if decode is None:
            self.__dict__.update(responses=responses, replies=replies)
        else:
            self.__dict__.update(_summary=summary, _decode=decode)

    def __getattr__(self, name: str) -> Any:
        decode = self.__dict__.pop("_decode", None) if name in ("responses", "replies") else None
        if decode is None:
            raise AttributeError(name)
        try:
            self.__dict__["responses"], self.__dict__["replies"] = decode()
        except (TypeError, ValueError, IndexError, KeyError):
            raise JournalError("a kept thread is damaged", hint="run the command again") from None
        finally:
            self.__dict__.pop("_summary", None)
        return self.__dict__[name]

    def _kept_summary(self) -> Summary | None:
        """The summary, made from its record on first use (None once the thread is whole)."""
        summary = self.__dict__.get("_summary")
        if callable(summary):
            try:
                summary = self.__dict__["_summary"] = summary()
            except (TypeError, ValueError):
                raise JournalError("a kept thread is damaged", hint="run the command again") from None
        return summary

    def answers(self) -> list[tuple[str, str, int | None]]:
        summary = self._kept_summary()
        return list(summary[0]) if summary is not None else super().answers()

    def referee_silent(self) -> bool:
        summary = self._kept_summary()
        return summary[1] if summary is not None else super().referee_silent()

    def reply_times(self) -> list[tuple[str | None, float]]:
        summary = self._kept_summary()
        if summary is None:
            return super().reply_times()
        try:
            return _times(summary[2])
        except (TypeError, ValueError):
            raise JournalError("a kept thread is damaged", hint="run the command again") from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Thread):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _COMPARED)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in _COMPARED))  # as Thread's: of the compared fields, in order


_COMPARED = ("member", "period", "ask", "filed", "responses", "replies", "referee", "verdicts")


def _index(i: Any, made: tuple[Posted, ...]) -> int:
    if type(i) is not int or not 0 <= i < len(made):
        raise IndexError("a response naming no reply of its thread")
    return i


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def kept_stamp(moment: dt.datetime) -> int:
    """An aware time as the threads' windows keep it: whole microseconds since the epoch, exact.
    (A float of seconds is not: from the year 2514 on it cannot tell a due time from the
    microsecond after it, where a response turns unanswered.)"""
    return (moment - _EPOCH) // periods.INSTANT


def window_holds(start: Any, end: Any, stamp: int) -> bool:
    """Whether [start, end) (kept stamps; None: unbounded) holds `stamp`; False for a record
    of another shape."""
    return ((start is None or type(start) is int and start <= stamp)
            and (end is None or type(end) is int and stamp < end))


def kept_moment(text: Any) -> dt.datetime:
    """A time as a cache keeps it (ISO 8601 text with its offset). Raises TypeError for
    anything but text, ValueError for text that is no such time: a record of another shape."""
    moment = dt.datetime.fromisoformat(text)  # TypeError for anything but text
    if moment.tzinfo is None:
        raise ValueError("a time without its offset")
    return moment
