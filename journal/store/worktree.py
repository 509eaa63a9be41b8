"""Finding a journal and gathering its files from the working tree."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from journal.core import layout
from journal.core import problems as P
from journal.core.problems import Problem
from journal.errors import JournalError, NotAJournal
from journal.store import paths as guarded


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding journal.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / layout.CONFIG).is_file():
            return folder
    raise NotAJournal(f"no {layout.CONFIG} in {start} or any folder above it")


#: What `list_journal` remembers of one folder: its lstat signature (mtime and ctime in ns,
#: inode, device), then its subfolders, the journal files in it, its symlinks and its strays
#: (Markdown files that are no entry, see core/layout.is_stray), each as full paths.
Listing = list[Any]


def journal_paths(root: Path) -> list[str]:
    """Repository-relative POSIX paths of every journal file, sorted.

    A symlinked entry folder (at any level) is listed as itself and never walked: a
    partner can commit `checkins` as a link to `/`, and walking it would list the whole
    disk. read_worktree reports it as one problem."""
    return list_journal(root, None, 0)[0]


def list_journal(root: Path, known: dict[str, Listing] | None, stable_before: int,
                 strays: list[str] | None = None) -> tuple[list[str], dict[str, Listing]]:
    """`journal_paths`, reusing the listings in `known` of folders unchanged since: the sorted
    paths, and the listings to remember (None for `known`: nothing reused or remembered).
    The strays found on the way (core/layout.is_stray) are added to `strays`, when given.

    As git's untracked cache does: adding, removing, renaming or replacing anything in a folder
    changes the folder's modification and change times, so a folder whose lstat signature is
    the one remembered holds the names it held, each still the file, folder or link it was.
    Only folders whose times lie before `stable_before` are remembered (a folder changed twice
    within one clock tick is listed again), and its lstat is taken before it is read, so a
    change while it is read shows as a new signature next time. A link's target may change
    without its folder: whether it leads to a folder is asked anew on every run (links are
    still never walked)."""
    found = [layout.CONFIG] if (root / layout.CONFIG).exists() else []
    remember: dict[str, Listing] = {}
    for top in layout.FOLDERS:
        what = guarded.kind(root, top)
        if what == "link":
            found.append(top)
        if what != "folder":
            continue
        # A stack, not os.walk: Python 3.11's os.walk recurses, and a partner can commit
        # folders nested thousands deep, past the recursion limit.
        stack = [top]
        while stack:
            rel = stack.pop()
            listing = _listing(root, rel, known, stable_before, remember)
            if listing is None:
                continue  # gone meanwhile, or a path longer than the system takes: nothing to read there
            folders, files, links, strayed = listing[4:]
            stack.extend(folders)
            found.extend(files)
            if strays is not None:
                strays.extend(strayed)
            for path in links:
                if (root / path).is_dir():
                    found.append(path)  # never walked: read_worktree reports it as one problem
                elif path.endswith(".md") and layout.entry_kind(path) is not None:
                    found.append(path)  # a link to a file: read_worktree refuses it
    found.sort()
    return found, remember


def _listing(root: Path, rel: str, known: dict[str, Listing] | None, stable_before: int,
             remember: dict[str, Listing]) -> Listing | None:
    """The folder `rel`'s listing, from `known` while its signature holds (see list_journal)."""
    signature = [0, 0, 0, 0]
    if known is not None:
        try:
            st = os.lstat(root / rel)
        except OSError:
            return None
        signature = [st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        hit = known.get(rel)
        if hit is not None and hit[:4] == signature:
            remember[rel] = hit
            return hit
    try:
        with os.scandir(root / rel) as items:
            listed = [(item.name, item.is_symlink(), item.is_dir(follow_symlinks=False)) for item in items]
    except OSError:
        return None
    folders, files, links, strays = [], [], [], []
    for name, link, folder in listed:
        if name.startswith("."):
            continue  # editor droppings: vim swap files, Emacs .# locks, save-by-rename temps
        path = f"{rel}/{name}"
        if folder:
            folders.append(path)
        elif link:
            links.append(path)
        elif name.endswith(".md") and layout.entry_kind(path) is not None:
            files.append(path)
        elif layout.is_stray(path):
            strays.append(path)
    # Sorted, so that the journal's paths, a run of sorted names per folder, sort in one merge.
    listing = [*signature, sorted(folders), sorted(files), sorted(links), sorted(strays)]
    if known is not None and signature[0] < stable_before and signature[1] < stable_before:
        remember[rel] = listing
    return listing


def read_worktree(root: Path, paths: list[str] | None = None) -> tuple[dict[str, bytes], list[Problem]]:
    """Bytes of the journal files, read through store.paths: a symlink is refused, not read."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    wanted = journal_paths(root) if paths is None else paths
    read = guarded.read_many(root, wanted)
    for path in wanted:
        try:
            result = read[path]
            if not isinstance(result, bytes):
                raise result
            files[path] = result
        except guarded.UnsafePath:
            folder = path != layout.CONFIG and not path.endswith(".md")  # listed by journal_paths as a link
            problems.append(Problem(path, 1, 1, P.ERROR, P.SYMLINK,
                                    "a symlinked folder is refused, never followed; commit the folder itself"
                                    if folder else "symlinked entries are refused; commit the file itself"))
        except OSError as exc:
            problems.append(Problem(path, 1, 1, P.ERROR, P.ENCODING, f"cannot read file: {exc.strerror}"))
    return files, problems


def relative_to_root(root: Path, given: Path, base: Path) -> str:
    """`given` (relative to `base`, the folder the command runs in) as a journal-relative path."""
    full = Path(os.path.normpath(given if given.is_absolute() else base.resolve() / given))
    for candidate in (full, full.resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    raise JournalError(f"{given} is outside the journal at {root}")
