"""Parse every entry's front matter with ruamel.yaml alone: the floor of a first commit after a clone.

A fresh clone has no caches, so its first commit must read every entry with the fixed YAML
reader before journal can judge any of them. This process does only that, with no journal
code: it reads the journal's files from the repository's index through pygit2 (the fixed Git
library), cuts out each front matter as journal does (from a first line `---` to the next
`---` or `...` line; journal.yaml is YAML throughout) and loads each text with one stock
`YAML(typ="safe")`, ruamel.yaml's C loader. `hook.py` times it as a whole process in the
same rounds as the hook; run on its own it prints how many texts it loaded:

    python benchmarks/parse_entries.py PATH-TO-JOURNAL
"""

from __future__ import annotations

import re
import sys

import pygit2
from ruamel.yaml import YAML

CONFIG = "journal.yaml"
#: Folders whose Markdown files are entries, and whether files in subfolders count (journal's layout).
FOLDERS = {"contracts": False, "goals": False, "checkins": True, "replies": True}
_OPEN = re.compile(r"---[ \t]*\Z")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*\Z")


def is_entry(path: str) -> bool:
    """Whether journal reads the file at this repository-relative POSIX path as an entry."""
    if path == CONFIG:
        return True
    top, sep, rest = path.partition("/")
    return path.endswith(".md") and bool(sep and rest) and top in FOLDERS and (FOLDERS[top] or "/" not in rest)


def yaml_text(path: str, data: bytes) -> str | None:
    """The YAML journal hands its loader for this file, or None if the file has no front matter."""
    text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if path == CONFIG:
        return text
    lines = text.split("\n")
    if not _OPEN.match(lines[0]):
        return None
    for i in range(1, len(lines)):
        if _CLOSE.match(lines[i]):
            return "\n".join(lines[1:i]) + "\n"
    return None


def parse_all(repo: pygit2.Repository) -> int:
    """Load the front matter of every entry in the repository's index; how many were loaded."""
    yaml = YAML(typ="safe")
    loaded = 0
    for item in repo.index:
        if not is_entry(item.path):
            continue
        text = yaml_text(item.path, repo[item.id].data)
        if text is not None:
            yaml.load(text)
            loaded += 1
    return loaded


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if YAML(typ="safe").Parser.__name__ != "CParser":
        sys.exit("Error: ruamel.yaml's C loader is not installed (ruamel.yaml.clib); this floor needs it")
    print(parse_all(pygit2.Repository(args[0] if args else ".")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
