"""`journal watch`: re-check what you save and rebuild the digest, debounced.

Watchdog threads only classify events and queue paths; one loop (the caller's thread)
waits for a burst to go quiet and then handles it whole: re-read the files that
changed, re-check them against the journal held in memory, rebuild the digest. The core
reports through a callback and never prints.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEventHandler

from journal.core import layout
from journal.core import problems as P
from journal.core.build_model import checkin_key
from journal.core.entries import Entry, read_entry
from journal.core.problems import Problem
from journal.core.rules import check_entries
from journal.digest.committed import minute_clock
from journal.errors import JournalError
from journal.store.worktree import journal_paths, read_worktree

QUIET = 0.1  # seconds without events that end a burst: editors save in a few ms
MAX_WAIT = 2.0  # a burst that never goes quiet is still handled after this long
STOP_WAIT = 3.0  # seconds a Ctrl-C waits for the file watching to stop
TOPS = (*layout.FOLDERS, "templates")

ENTRY, TREE, TEMPLATE, HISTORY = "entry", "tree", "template", "history"


# --- what an event is about ----------------------------------------------------------------


def is_dropping(name: str) -> bool:
    """Files editors and tools leave beside the real one: never journal entries.

    Hidden files cover vim's `.x.swp`/`.x.swx`, Emacs' `.#x` locks and the temporary
    files of save-by-rename; `4913` is the file vim creates to probe a folder."""
    return (name.startswith(".") or name == "4913" or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".bak"))
            or (name.startswith("#") and name.endswith("#")) or "___jb_" in name or name == "__pycache__")


def classify(rel: str) -> str | None:
    """What a change at a journal-relative POSIX path means: an entry to re-check, a
    folder to rescan, a digest template, or nothing (output folder, .git, droppings)."""
    parts = rel.split("/")
    if not rel or any(is_dropping(part) for part in parts):
        return None
    if parts[0] == "templates":
        return TEMPLATE if rel == "templates" or parts[1] == "digest" else None
    if layout.entry_kind(rel) is not None:
        return ENTRY
    if parts[0] in TOPS[:3] and not rel.endswith(".md") and "." not in parts[-1]:
        return TREE  # a folder created, deleted or moved: which entries it held is unknown
    return None


def classify_git(rel: str) -> str | None:
    """A change inside the git folder matters when it moves HEAD or a branch: a commit
    or a pull changes the streaks the digest shows."""
    if rel.endswith(".lock"):
        return None
    return HISTORY if rel in ("HEAD", "packed-refs") or rel.startswith("refs/heads/") else None


# --- the debounce loop -------------------------------------------------------------------


class Debouncer:
    """Collects changed paths from any thread; `run` hands each burst, once quiet, to
    `rebuild` — one call per burst. A failing call goes to `on_error` and the loop goes on."""

    def __init__(self, rebuild: Callable[[set[Path]], None], on_error: Callable[[Exception], None], *,
                 quiet: float = QUIET, max_wait: float = MAX_WAIT) -> None:
        self.rebuild, self.on_error = rebuild, on_error
        self.quiet, self.max_wait = quiet, max_wait
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._stopped = False

    def add(self, *paths: Path) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.update(paths)
            self._last = now
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def run(self) -> None:
        """Until `stop()` (or KeyboardInterrupt, which propagates)."""
        while (burst := self._next_burst()) is not None:
            try:
                self.rebuild(burst)
            except Exception as exc:  # the watcher outlives any one failure
                self.on_error(exc)

    def _next_burst(self) -> set[Path] | None:
        with self._cond:
            while not self._stopped:
                if self._pending:
                    now = time.monotonic()
                    left = min(self._last + self.quiet, self._first + self.max_wait) - now
                    if left <= 0:
                        burst, self._pending = self._pending, set()
                        return burst
                    self._cond.wait(left)
                else:
                    # A bounded wait keeps the main thread responsive to Ctrl-C everywhere.
                    self._cond.wait(1.0)
            return None


# --- the journal in memory ------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """One round of checking: what to show, and where the whole journal stands."""
    problems: tuple[Problem, ...]  # of the entries touched, plus new ones elsewhere
    ok: tuple[str, ...]  # touched entries without problems
    removed: tuple[str, ...]
    errors: int
    warnings: int
    entries: int
    first: bool  # the first round: every entry was checked and its problems are shown
    changed: bool  # some entry's content differs from the round before
    current: tuple[Problem, ...] = ()  # every problem the journal has now, shown or not


class LiveJournal:
    """The journal's files and parsed entries, kept between rounds: a round reads and
    parses only what changed, then runs the rules against the whole journal."""

    def __init__(self, root: Path, cache: Path | None = None) -> None:
        self.root, self.cache = root, cache
        self.files: dict[str, bytes] = {}
        self.entries: dict[str, Entry] = {}
        self.unreadable: dict[str, Problem] = {}  # files that could not be read or parsed
        self.problems: dict[str, tuple[Problem, ...]] = {}
        self.rounds = 0

    def refresh(self, paths: Iterable[str] | None = None) -> Checked:
        """Re-read `paths` (journal-relative), or rescan every file when None."""
        known = set(self.files) | set(self.unreadable)
        if paths is None:
            # Without what editors leave beside an entry (an Emacs lock is a `.#x.md` symlink).
            listed = {p for p in journal_paths(self.root) if classify(p) == ENTRY}
            present, gone = listed, known - listed
        else:
            asked = set(paths)
            present = {p for p in asked if (self.root / p).is_file() or (self.root / p).is_symlink()}
            gone = (asked - present) & known
        files, read_problems = read_worktree(self.root, sorted(present))
        changed = {p for p in present if files.get(p) != self.files.get(p) or p not in known} | gone
        # The periods the check-ins about to be replaced or removed were of, by their front matter.
        was = {key for path in gone | (changed & present) if (key := checkin_key(self.entries.get(path)))}
        for path in gone | (changed & present):
            self.files.pop(path, None)
            self.entries.pop(path, None)
            self.unreadable.pop(path, None)
            self.problems.pop(path, None)
        for problem in read_problems:
            if problem.path in changed:
                self.unreadable[problem.path] = problem
        self._parse({p: files[p] for p in changed & files.keys()})
        first = self.rounds == 0
        self.rounds += 1
        touched = set(known | present if first else (present if paths is not None else changed & present))
        return self._check(touched, gone, first, bool(changed), was)

    def _parse(self, files: dict[str, bytes]) -> None:
        self.files.update(files)
        if self.rounds == 0 and self.cache is not None:
            from journal.store.git import load_files

            entries, problems = load_files(files, self.cache)  # reuse the parses cached on disk
            self.entries.update(entries)
            self.unreadable.update((p.path, p) for p in problems)
            return
        for path, data in files.items():
            kind = layout.entry_kind(path)
            result = read_entry(path, kind, data) if kind else None
            if isinstance(result, Problem):
                self.unreadable[path] = result
            elif result is not None:
                self.entries[path] = result

    def _check(self, touched: set[str], gone: set[str], first: bool, changed: bool,
               was: set[tuple[str, str]]) -> Checked:
        every = set(self.files) | set(self.unreadable)
        # A saved check-in is judged on its own (against the journal's indexes); a roster,
        # contract or goal can make or break references anywhere, so those check everything.
        narrow = not first and all(layout.entry_kind(p) == "checkin" for p in touched | gone)
        # With them the replies that answer them, which say whether the check-in is there.
        judged = (touched & every) | self._dependents(touched | gone, was) if narrow else every
        result = check_entries(self.entries, list(self.unreadable.values()), every, judged if narrow else None)
        found: dict[str, list[Problem]] = {}
        for problem in result.problems:
            found.setdefault(problem.path, []).append(problem)
        shown: list[Problem] = []
        for path in judged:
            now, before = tuple(found.get(path, ())), self.problems.get(path, ())
            shown.extend(now if path in touched else [p for p in now if p not in before])
            self.problems[path] = now
        for path in set(self.problems) - every:
            del self.problems[path]
        totals = [p for ps in self.problems.values() for p in ps]
        errors = sum(p.is_error for p in totals)
        ok = () if first else tuple(sorted(p for p in touched & every if not self.problems.get(p)))
        return Checked(tuple(P.sort_problems(shown)), ok, tuple(sorted(gone)), errors, len(totals) - errors,
                       len(every), first, changed, tuple(P.sort_problems(totals)))

    def _dependents(self, checkins: set[str], was: set[tuple[str, str]]) -> set[str]:
        """What the rules judge against the check-ins at `checkins`: the replies that answer
        them and each member's next check-in (its outcomes answer their commitments). A
        check-in is known by its file name and by its front matter: as saved, and as it `was`
        (member, period) before the save."""
        keys = set(was)
        for path in checkins:
            named = layout.parse_checkin_name(path)
            if named is not None:
                keys.add((named.member, named.period))
            if (key := checkin_key(self.entries.get(path))) is not None:
                keys.add(key)
        if not keys:
            return set()
        found: set[str] = set()
        following: dict[str, tuple[str, str]] = {}  # member -> (period, path) of the next check-in
        earliest = {}
        for member, period in keys:
            earliest[member] = min(period, earliest.get(member, period))
        for path, entry in self.entries.items():
            if entry.kind == "reply":
                if (entry.head.to, entry.head.period) in keys:
                    found.add(path)
            elif entry.kind == "checkin" and (key := checkin_key(entry)) is not None:
                member, period = key
                if member in earliest and period > earliest[member] and key not in keys \
                        and (member not in following or period < following[member][0]):
                    following[member] = (period, path)
        return found | {path for _, path in following.values()}


# --- watching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    out: Path
    seconds: float
    rendered: int
    pages: int
    warnings: tuple[str, ...]  # only those not reported by the build before


@dataclass(frozen=True)
class BuildFailed:
    message: str
    hint: str


Report = Callable[[Any], None]


def watch_journal(root: Path, report: Report, *, out: Path | None = None,
                  clock: Callable[[], dt.datetime] = minute_clock,
                  on_build: Callable[[Path], None] | None = None, quiet: float = QUIET) -> None:
    """Check and build once, then again after every burst of changes, until interrupted.

    `report` receives Checked, Built and BuildFailed values; `on_build` the output folder
    after each successful build. KeyboardInterrupt reaches the caller."""
    from journal.digest.build import build_digest
    from journal.store.git import cache_dir
    from journal.store.workspace import open_repository

    repo = open_repository(root)
    gitdir = Path(repo.path) if repo is not None and not repo.is_bare else None
    live = LiveJournal(root, cache_dir(repo) if repo is not None and gitdir is not None else None)
    said: tuple[str, ...] = ()
    stale = False  # the last build failed: the next save rebuilds even if nothing changed

    def build() -> None:
        nonlocal said, stale
        started = time.perf_counter()
        stale = True
        try:
            result = build_digest(root, now=clock(), out=out)
        except JournalError as exc:
            report(BuildFailed(f"digest not rebuilt: {exc}", exc.hint or "the last good site is kept"))
            return
        except Exception as exc:  # a broken entry or template must not end the watch
            report(BuildFailed(f"digest not rebuilt: {type(exc).__name__}: {exc}",
                               "the last good site is kept; fix the cause and save again"))
            return
        stale = False
        fresh = tuple(w for w in result.warnings if w not in said)
        said = tuple(result.warnings)
        report(Built(result.out, time.perf_counter() - started, result.rendered, result.pages, fresh))
        if on_build is not None:
            on_build(result.out)

    def rebuild(changes: set[Path] | None) -> None:
        kinds: dict[str, set[str]] = {ENTRY: set(), TREE: set(), TEMPLATE: set(), HISTORY: set()}
        for path in changes or ():
            kind, rel = observer.classify(path)
            if kind is not None:
                kinds[kind].add(rel)
        rescan = changes is None or bool(kinds[TREE])
        if rescan:
            observer.ensure()
        checked = live.refresh(None if rescan else kinds[ENTRY]) if rescan or kinds[ENTRY] else None
        if checked is not None and (checked.first or checked.problems or checked.ok or checked.removed):
            report(checked)
        if (changes is None or (checked is not None and (checked.changed or stale))
                or kinds[TEMPLATE] or kinds[HISTORY]):
            build()

    def failed(exc: Exception) -> None:
        report(BuildFailed(f"watch round failed: {type(exc).__name__}: {exc}", "the watcher goes on; save again"))

    debouncer = Debouncer(rebuild, failed, quiet=quiet)
    observer = JournalObserver(root, gitdir, debouncer.add)
    observer.start()
    try:
        rebuild(None)
        debouncer.run()
    finally:
        debouncer.stop()
        observer.stop()


class JournalObserver:
    """Watchdog watches on the journal's own folders only (not the output folder or the
    rest of .git, which churn during every build), re-made when a folder is replaced."""

    def __init__(self, root: Path, gitdir: Path | None, notify: Callable[[Path], None]) -> None:
        from watchdog.observers import Observer

        self.root, self.gitdir, self.notify = root.absolute(), gitdir, notify
        self._observer = Observer()
        self._watches: dict[Path, tuple[int, Any]] = {}
        self._handler = _Handler(self)

    def targets(self) -> list[tuple[Path, bool]]:
        found = [(self.root, False)] + [(self.root / top, True) for top in TOPS]
        if self.gitdir is not None:
            found += [(self.gitdir, False), (self.gitdir / "refs" / "heads", True)]
        return found

    def start(self) -> None:
        self.ensure()
        self._observer.daemon = True
        self._observer.start()

    def stop(self) -> None:
        """Stop watching, waiting at most STOP_WAIT seconds (a Ctrl-C must end the command).

        watchdog's own stop joins its reader threads without a timeout, so it runs on a
        thread of its own here: should one of them never wake, the command still ends, and
        watchdog's threads, all daemons, end with the process."""
        stopper = threading.Thread(target=self._observer.stop, name="watchdog stop", daemon=True)
        stopper.start()
        deadline = time.monotonic() + STOP_WAIT
        stopper.join(STOP_WAIT)
        self._observer.join(max(0.0, deadline - time.monotonic()))

    def ensure(self) -> None:
        """Watch every target folder that exists, again if it was deleted and re-made."""
        from watchdog import events as E

        kinds: list[type[E.FileSystemEvent]] = [
            E.FileCreatedEvent, E.FileModifiedEvent, E.FileDeletedEvent, E.FileMovedEvent, E.FileClosedEvent,
            E.DirCreatedEvent, E.DirDeletedEvent, E.DirMovedEvent]
        for path, recursive in self.targets():
            try:
                inode = path.stat().st_ino if path.is_dir() else None
            except OSError:
                inode = None
            old = self._watches.get(path)
            if old is not None and old[0] == inode:
                continue
            if old is not None:
                try:
                    self._observer.unschedule(old[1])
                except (KeyError, ValueError):
                    pass  # its emitter already stopped with the folder it watched
                del self._watches[path]
            if inode is not None:
                try:
                    if recursive and _nested_deeper(path, _MAX_WATCH_DEPTH):
                        # watchdog adds a recursive watch through os.walk, which recurses on
                        # Python 3.11: a partner's folders nested past the limit stop the
                        # watcher. Entries lie one folder down (checkins/<YYYY>/), so watch
                        # the folder and each of its folders instead.
                        watch = self._shallow(path, kinds)
                    else:
                        watch = self._observer.schedule(self._handler, str(path), recursive=recursive,
                                                        event_filter=kinds)
                except OSError:
                    continue  # gone again in the meantime; the next rescan tries once more
                self._watches[path] = (inode, watch)

    def _shallow(self, path: Path, kinds: list[Any]) -> Any:
        """Watch `path` and each folder in it, each on its own; the folder's watch."""
        watch = self._observer.schedule(self._handler, str(path), recursive=False, event_filter=kinds)
        try:
            folders = [Path(e.path) for e in os.scandir(path) if e.is_dir(follow_symlinks=False)]
        except OSError:
            return watch
        for folder in folders:
            if folder not in self._watches:
                try:
                    inner = self._observer.schedule(self._handler, str(folder), recursive=False, event_filter=kinds)
                    self._watches[folder] = (folder.stat().st_ino, inner)
                except OSError:
                    continue  # gone again in the meantime
        return watch

    def classify(self, path: Path) -> tuple[str | None, str]:
        if self.gitdir is not None and path.is_relative_to(self.gitdir):
            rel = path.relative_to(self.gitdir).as_posix()
            return classify_git(rel), rel
        if not path.is_relative_to(self.root):
            return None, ""
        rel = path.relative_to(self.root).as_posix()
        return (classify(rel) if rel != "." else None), rel


#: Deeper than this below a folder, a recursive watch is not asked of watchdog (see ensure).
_MAX_WATCH_DEPTH = 64


def _nested_deeper(path: Path, limit: int) -> bool:
    """Whether `path` holds folders (links not followed) more than `limit` levels down."""
    stack = [(path, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as items:
                inner = [Path(e.path) for e in items if e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        if inner and depth + 1 > limit:
            return True
        stack += [(f, depth + 1) for f in inner]
    return False


class _Handler(FileSystemEventHandler):
    """Watchdog calls `dispatch` on its own thread: classify cheaply, queue what matters."""

    def __init__(self, owner: JournalObserver) -> None:
        self.owner = owner

    def dispatch(self, event: Any) -> None:
        if event.event_type == "modified" and event.is_directory:
            return  # a folder's listing changed: the file event that caused it says which
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(os.fsdecode(raw))
                if self.owner.classify(path)[0] is not None:
                    self.owner.notify(path)
