"""What trusting template overrides names: every file's name and bytes, each kept apart."""

from __future__ import annotations

import os
from pathlib import Path

from journal.store.template_trust import overrides_hash


def _overrides(root: Path, files: dict[bytes, bytes]) -> str | None:
    for name, data in files.items():
        path = os.path.join(os.fsencode(root), b"templates", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    return overrides_hash(root)


def test_trusted_bytes_cannot_be_regrouped_into_other_files(tmp_path: Path) -> None:
    # Two files, and one file holding the second's name and bytes after the first's: the
    # same bytes in a row, which a hash of name\0data\0 per file could not tell apart.
    two = _overrides(tmp_path / "a", {b"digest/a.j2": b"A", b"digest/b.j2": b"B"})
    one = _overrides(tmp_path / "b", {b"digest/a.j2": b"A\0templates/digest/b.j2\0B"})
    assert two is not None and one is not None and two != one


def test_a_name_that_is_not_utf8_is_trusted_by_its_bytes(tmp_path: Path) -> None:
    first = _overrides(tmp_path / "a", {b"digest/x\x9b.j2": b"A"})
    other = _overrides(tmp_path / "b", {b"digest/x\x9c.j2": b"A"})
    assert first is not None and other is not None and first != other
