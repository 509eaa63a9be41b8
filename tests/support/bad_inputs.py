"""Bad inputs with the problem code each must produce."""

from __future__ import annotations

from journal.core.entries import MAX_BYTES

# name: (file bytes, expected code, line, column)
BOMB = b"---\na: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((98 + i, 98 + i) + (97 + i,) * 9) for i in range(9)
) + b"---\n"


BAD = {
    "not utf-8": (b"---\nmember: caf\xe9\n---\n", "encoding", 2, 12),
    "utf-16": ("---\nmember: alice\n---\n".encode("utf-16"), "encoding", 1, 1),
    "empty file": (b"", "empty", 1, 1),
    "only whitespace": (b"  \n\n", "empty", 1, 1),
    "no front matter": (b"# Week 47\nI ran.\n", "front-matter", 1, 1),
    "front matter never closed": (b"---\nmember: alice\nweek: 2026-W47\n", "front-matter", 1, 1),
    "unclosed flow sequence": (b"---\nmember: alice\ncommitments: [a, b\nweek: 2026-W47\n---\n", "syntax", 4, 5),
    "tab indentation": (b"---\nmember: alice\noutcomes:\n\t- x\n---\n", "syntax", 4, 1),
    "bad indentation": (b"---\nmember: alice\n  week: 2026-W47\n---\n", "syntax", 3, 7),
    "duplicate key": (b"---\nmember: alice\nweek: 2026-W47\nmember: bob\n---\n", "duplicate-key", 4, 1),
    "python object tag": (b"---\nmember: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n", "yaml-tag", 2, 9),
    "local tag": (b"---\nmember: !alice x\n---\n", "yaml-tag", 2, 9),
    "alias bomb": (BOMB, "yaml-alias", 3, 8),
    "plain alias": (b"---\nmember: &m alice\nask: *m\n---\n", "yaml-alias", 3, 6),
    "list front matter": (b"---\n- member: alice\n---\n", "not-mapping", 2, 1),
    "scalar front matter": (b"---\njust some words\n---\n", "not-mapping", 2, 1),
    "empty front matter": (b"---\n---\nbody\n", "not-mapping", 1, 1),
    "too deep": (b"---\nask: " + b"[" * 40 + b"]" * 40 + b"\n---\n", "syntax", 2, 1),
    "too large": (b"---\nask: x\n---\n" + b"x" * MAX_BYTES, "size", 1, 1),
    "nul byte": (b"---\nask: x\x00\n---\n", "encoding", 2, 1),
    # Python words no integer past 4,300 digits: every command that printed or cached it stopped.
    "a number too long to print": (b"---\nmember: alice\nenergy: 0x" + b"f" * 5000 + b"\n---\n", "syntax", 3, 9),
    # YAML's standard tags for bytes, sets and ordered pairs, and keys that are lists or
    # mappings: values no cache or output could take, which stopped every command.
    "binary tag": (b"---\nmember: alice\nask: !!binary aGVsbG8=\n---\n", "yaml-tag", 3, 6),
    "set tag": (b"---\nmember: alice\nask: !!set {a, b}\n---\n", "yaml-tag", 3, 6),
    "omap tag": (b"---\nmember: alice\nask: !!omap [a: 1]\n---\n", "yaml-tag", 3, 6),
    "pairs tag": (b"---\nmember: alice\nask: !!pairs [a: 1]\n---\n", "yaml-tag", 3, 6),
    "list as a key": (b"---\nmember: alice\n? [a, b]\n: x\n---\n", "syntax", 3, 3),
    "mapping as a nested key": (b"---\nmember: alice\nask:\n  ? {a: 1}\n  : x\n---\n", "syntax", 4, 5),
    "list key through a merge": (b"---\nmember: alice\n<<: {? [a, b]: 1}\n---\n", "syntax", 3, 8),
    # A standard tag on a value it cannot read raised KeyError or IndexError from the loader.
    "bool tag on a word": (b"---\nmember: alice\nenergy: !!bool maybe\n---\n", "syntax", 2, 1),
    "int tag on nothing": (b"---\nmember: alice\nenergy: !!int ''\n---\n", "syntax", 2, 1),
}
