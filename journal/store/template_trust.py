"""Whether this machine trusts the journal's own template overrides (`templates/`).

Overrides come from partners' commits, and a template is code: it decides what every
page and every new entry contains. They are used only after the local user ran
`journal templates trust`, which records a hash of their exact contents in the git dir
(never in the work tree, where a partner could commit it). A change to any override
needs trusting again; until then the built-in templates are used and a one-line notice
says why. A folder that is not a Git repository has no partners: its overrides are used.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from journal.store import local_state, paths
from journal.store.atomic import write_replace

FOLDER = "templates"
NOTICE = ("journal: templates/ holds overrides this machine has not trusted; using the built-in "
          "templates (review them, then run `journal templates trust`)")
_noticed: set[Path] = set()


def overrides_hash(root: Path) -> str | None:
    """A sha256 over the path and bytes of every override, or None when there are none."""
    files = paths.walk_files(root, FOLDER)
    if not files:
        return None
    digest = hashlib.sha256(b"journal-templates 2\0")
    for rel in files:
        # The name as the file system holds it (a partner's file name need not be UTF-8), and
        # each field with its length: trusted bytes cannot be regrouped into other files.
        name, data = os.fsencode(rel), paths.read_bytes(root, rel)
        digest.update(b"%d:%s%d:%s" % (len(name), name, len(data), data))
    return digest.hexdigest()


def _record(root: Path) -> Path | None:
    folder = local_state.state_dir(root)
    return None if folder is None else folder / "trusted-templates"


def state(root: Path) -> str:
    """'none' (no overrides), 'trusted', 'untrusted' or 'no-repository' (used as trusted)."""
    current = overrides_hash(root)
    if current is None:
        return "none"
    record = _record(root)
    if record is None:
        return "no-repository"
    try:
        trusted = record.read_text(encoding="ascii").split()
    except (FileNotFoundError, UnicodeDecodeError):
        trusted = []
    return "trusted" if current in trusted else "untrusted"


def use_overrides(root: Path) -> bool:
    """Whether to load `root`'s overrides; prints the notice (once per journal) when they are not trusted."""
    found = state(root)
    if found == "untrusted" and root not in _noticed:
        _noticed.add(root)
        sys.stderr.write(NOTICE + "\n")
        sys.stderr.flush()
    return found in ("trusted", "no-repository")


def trust(root: Path) -> str | None:
    """Trust the overrides as they are now; returns their hash (None: there are none)."""
    current = overrides_hash(root)
    record = _record(root)
    if current is None or record is None:
        return current
    record.parent.mkdir(parents=True, exist_ok=True)
    write_replace(record, current + "\n")  # only the latest set: an older one is no longer trusted
    return current
