"""`journal digest`: the journal's standing -> a static site, written whole or not at all.

What the site holds comes from the writers in journal.digest.writers, over one view
of the journal (journal.digest.view). The site is built in a sibling folder and swapped into place, under a lock file kept
under the git dir, so a reader or a second build never sees half a site. Each page's inputs are hashed
into a manifest kept with the site; a rebuild renders only the pages whose inputs
changed and hard-links the rest from the previous site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import socket
import stat
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Self

from journal.core import build_model, layout
from journal.digest.thread_texts import ThreadTexts
from journal.digest.view import build_view
from journal.digest.writers import SITE, render_outputs
from journal.errors import JournalError
from journal.standing import Standing, compute_standing
from journal.store import local_state, paths
from journal.store.atomic import write_replace
from journal.store.local_state import read_json
from journal.store.workspace import Workspace, workspace_of

MANIFEST = ".digest-manifest.json"
DEFAULT_OUT = "site"
STALE_LOCK_SECONDS = 600.0
_PROTECTED = layout.RESERVED_TOPS


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: int  # every file of the site
    pages: int  # HTML pages
    rendered: int  # HTML pages rendered by this build; the rest were unchanged
    warnings: tuple[str, ...]


def build_digest(start: Workspace | Path, now: dt.datetime, out: Path | None = None, *,
                 lock_timeout: float = 120.0) -> BuildResult:
    """Build the digest of the workspace (or of the journal at or above `start`) as of `now`
    into `out` (default: `digest.out` of journal.yaml, relative to the journal's root)."""
    workspace = workspace_of(start)
    # The site shows threads only with replies; each kept with the digest's record of it
    # (threads.DIGEST_THREAD), the forms made meanwhile remembered by `texts`.
    texts = ThreadTexts(workspace.cache_dir)
    standing = compute_standing(workspace, now, threads=False, renders=texts.renders)
    target = _target(standing, out)
    with BuildLock(target, timeout=lock_timeout) as lock:
        if lock.waited:
            # Another build ran meanwhile, maybe from an older state: start from what is there now.
            standing = compute_standing(workspace.reopen(), now, threads=False, renders=texts.renders)
        return write_site(target, standing, texts)


def configured_out(standing: Standing) -> Path:
    """`digest.out` from journal.yaml (default `site`), which must stay inside the journal."""
    text = build_model.journal_config(standing.journal).digest.out
    text = DEFAULT_OUT if text is None else text.strip().rstrip("/")
    problem = layout.folder_problem(text)
    if problem is not None:
        raise JournalError(f"digest.out in journal.yaml is '{text}', {problem}",
                           hint="use a folder inside the journal (e.g. site), or give --out on the command line")
    return standing.root / text


def _target(standing: Standing, out: Path | None) -> Path:
    target = Path(os.path.abspath(out if out is not None else configured_out(standing)))
    root = standing.root.resolve()
    if out is None:
        # A partner can commit the configured folder as a symlink: never build through one.
        paths.require_no_link(standing.root, PurePosixPath(target.relative_to(Path(os.path.abspath(standing.root)))).as_posix())
    real = target.resolve()
    if out is None and not real.is_relative_to(root):
        raise JournalError(f"digest.out in journal.yaml leads to {real}, outside the repository",
                           hint="use a folder inside the journal, or give --out on the command line")
    if real == root or real in root.parents:
        raise JournalError(f"refusing to build the digest into {target}: it holds the journal itself",
                           hint="choose a folder of its own, e.g. site")
    if real.is_relative_to(root) and real.relative_to(root).parts[0] in _PROTECTED:
        raise JournalError(f"refusing to build the digest into {target}: that folder belongs to the journal",
                           hint="choose a folder of its own, e.g. site")
    if real.exists() and (not real.is_dir() or (any(real.iterdir()) and not (real / MANIFEST).is_file())):
        raise JournalError(f"refusing to replace {target}: it exists and was not built by `journal digest`",
                           hint="choose a new or empty folder, or remove it first")
    return target


# --- the lock ----------------------------------------------------------------------------


class BuildLock:
    """A lock file holding the builder's PID, host and start time, under the git dir
    (beside the output folder only outside a repository; see local_state.site_lock_file).

    A second build waits for the first; a lock left by a build that was killed (its
    process is gone, or the lock is older than `stale_after`) is taken over."""

    def __init__(self, target: Path, *, timeout: float = 120.0, stale_after: float = STALE_LOCK_SECONDS,
                 poll: float = 0.05) -> None:
        self.path = local_state.site_lock_file(target)
        self.timeout, self.stale_after, self.poll = timeout, stale_after, poll
        self.waited = False
        self._token = ""

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        self._token = secrets.token_hex(8)
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(),
                             "token": self._token}).encode()
        while True:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._read()
                if holder is not None and self._is_stale(holder):
                    self._take_over(holder)
                    continue
                if time.monotonic() >= deadline:
                    who = f"pid {holder.get('pid')} on {holder.get('host')}" if holder else "another build"
                    raise JournalError(f"another digest build ({who}) holds {self.path}",
                                       hint="wait for it to finish; a lock left by a killed build is taken "
                                            f"over after {self.stale_after:.0f} s") from None
                self.waited = True
                time.sleep(self.poll)
                continue
            with os.fdopen(fd, "wb") as fh:
                fh.write(record)
            return

    def release(self) -> None:
        holder = self._read()
        if holder is not None and holder.get("token") == self._token:
            self.path.unlink(missing_ok=True)

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(local_state.read_small(self.path) or b"{}")
            age = time.time() - self.path.lstat().st_mtime
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            data, age = {}, self._age()
        if not isinstance(data, dict):
            data = {}
        data["age"] = age
        return data

    def _age(self) -> float:
        try:
            return time.time() - self.path.lstat().st_mtime
        except OSError:
            return 0.0

    def _is_stale(self, holder: dict[str, Any]) -> bool:
        if holder["age"] > self.stale_after:
            return True
        pid = holder.get("pid")
        if not isinstance(pid, int) or holder.get("host") != socket.gethostname():
            # A lock being written right now has no content yet: give it a moment.
            return not isinstance(pid, int) and holder["age"] > 5.0
        return not _alive(pid)

    def _take_over(self, holder: dict[str, Any]) -> None:
        # Move the stale lock aside and check that it is still the one judged stale: a
        # competing build may have replaced it in between, and its lock must survive.
        aside = self.path.with_name(f"{self.path.name}.stale-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        try:
            moved = json.loads(local_state.read_small(aside) or b"{}")
        except (OSError, ValueError):
            moved = {}
        if isinstance(moved, dict) and moved.get("token") != holder.get("token"):
            try:
                os.link(aside, self.path)
            except OSError:
                pass
        aside.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there; rely on age
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- writing the site --------------------------------------------------------------------


def write_site(target: Path, standing: Standing, texts: ThreadTexts | None = None) -> BuildResult:
    """Write the whole site into a fresh folder beside `target`, then swap it in; `texts`
    holds the threads' digest forms made while `standing` was computed. The caller holds the lock."""
    outputs = render_outputs(build_view(standing, texts=texts), SITE)
    _recover(target)
    record = local_state.site_manifest_file(standing.root, target)
    previous = _read_manifest(record)
    scratch = target.parent / f".{target.name}.new-{os.getpid()}-{secrets.token_hex(4)}"
    rendered = 0
    try:
        scratch.mkdir(parents=True)
        manifest: dict[str, str] = {}
        # Output path -> [key, sha256 of its bytes, what stat says of it] for this machine's
        # record: the hash of a reused file was checked just before it was linked, a written
        # one's is of its bytes.
        trusted: dict[str, list[Any]] = {}
        made_dirs: set[Path] = set()
        for item in outputs:
            dest = scratch / item.path
            if dest.parent not in made_dirs:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(dest.parent)
            if item.key is not None:
                manifest[item.path] = item.key
                known = previous.get(item.path)
                # Reused only if its bytes are still the ones recorded: a page swapped in by
                # anyone is rendered again.
                if (known is not None and known[0] == item.key
                        and _unchanged(target / item.path, known) and _reuse(target / item.path, dest)):
                    trusted[item.path] = [item.key, known[1], _signature(dest)]
                    continue
            data = item.make()
            dest.write_bytes(data)
            if item.key is not None:
                trusted[item.path] = [item.key, hashlib.sha256(data).hexdigest(), None]  # just written: racy
            rendered += item.page
        outputs.finish()
        (scratch / MANIFEST).write_text(json.dumps({"format": 1, "outputs": manifest}, sort_keys=True, indent=0))
        _swap(scratch, target)
        if record is not None:
            record.parent.mkdir(parents=True, exist_ok=True)
            write_replace(record, json.dumps({"format": 3, "outputs": trusted}, sort_keys=True))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    pages = sum(item.page for item in outputs)
    return BuildResult(target, len(outputs), pages, rendered, standing.warnings)


def _reuse(old: Path, new: Path) -> bool:
    try:
        os.link(old, new)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copyfile(old, new)
        except OSError:
            return False
    return True


#: A file changed less than this before its size, time and inode were recorded could change
#: again within the same tick of the file system's clock: it is hashed, not trusted by stat.
_RACY_NS = 2_000_000_000


def _signature(path: Path) -> list[int] | None:
    """[size, mtime_ns, inode] of the regular file at `path`, or None when it is missing or
    was modified too recently for its stat to tell a later change (as git's racy entries)."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode) or time.time_ns() - found.st_mtime_ns < _RACY_NS:
        return None
    return [found.st_size, found.st_mtime_ns, found.st_ino]


def _unchanged(path: Path, known: tuple[str, str, list[int] | None]) -> bool:
    """Whether the file at `path` still holds the bytes recorded: its size, modification
    time and inode as recorded (any write or replacement changes them), else its hash."""
    if known[2] is not None:
        try:
            found = os.lstat(path)
        except OSError:
            return False
        if stat.S_ISREG(found.st_mode) and [found.st_size, found.st_mtime_ns, found.st_ino] == known[2]:
            return True
    return local_state.file_hash(path) == known[1]


def _read_manifest(record: Path | None) -> dict[str, tuple[str, str, list[int] | None]]:
    """Output path -> (input key, sha256 of its bytes, its stat signature or None) of the
    files the previous build wrote.

    Only this machine's record (under the git dir) counts, never the manifest inside the
    site folder, which a partner can force-add."""
    data = read_json(record) if record is not None else None
    outputs = data.get("outputs") if isinstance(data, dict) and data.get("format") == 3 else None
    if not isinstance(outputs, dict):
        return {}
    return {path: (entry[0], entry[1], entry[2]) for path, entry in outputs.items()
            if isinstance(path, str) and isinstance(entry, list) and len(entry) == 3
            and isinstance(entry[0], str) and isinstance(entry[1], str)
            and (entry[2] is None or (isinstance(entry[2], list) and len(entry[2]) == 3
                                      and all(type(n) is int for n in entry[2])))}


def _swap(scratch: Path, target: Path) -> None:
    if not target.exists():
        os.rename(scratch, target)
        return
    # Two renames: a reader sees the old site or the new one (for an instant, none);
    # a build killed between them leaves the old site aside, and the next build puts it back.
    old = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, old)
    os.rename(scratch, target)
    shutil.rmtree(old, ignore_errors=True)


def _recover(target: Path) -> None:
    """Under the lock: put back a site a killed build left aside, drop its leftovers."""
    leftovers = sorted(target.parent.glob(f".{target.name}.new-*")) + sorted(target.parent.glob(f".{target.name}.old-*"))
    olds = [p for p in leftovers if ".old-" in p.name and (p / MANIFEST).is_file()]
    if not target.exists() and olds:
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.rename(newest, target)
        leftovers.remove(newest)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
