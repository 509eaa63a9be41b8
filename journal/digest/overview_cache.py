"""The overview's costly per-member and per-goal pieces, kept under the git folder by their inputs.

Building the overview turns every check-in of the journal into the digest's data and draws
every goal's life period by period; a new check-in changes one member's check-ins and the
goals they name. Each piece is stored in its own file, `<git dir>/journal/overview/<hash of
its name>.json`, with the hash of exactly what it is made from (the member's check-in
entries, how each of their periods was judged, their zone and local date, what the digest
keeps private, which goals are shown, this code) and read back while that hash is the same.
The file holds a header line (format, key, and the hash of the value's bytes) and the value;
anything else, a value cut short or changed included, is computed again and replaced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from journal.core import build_model, humanize, model, periods, recalibration, states
from journal.digest import markdown, progress
from journal.store.atomic import write_replace
from journal.store.local_state import MAX_STATE_BYTES, code_stamp

FOLDER = "overview"
_FORMAT = "journal-overview-piece"
_VERSION = 1
# What turns the inputs into a piece: a change to any of it (an upgrade) computes them again.
_CODE = (build_model, humanize, model, periods, recalibration, states, markdown, progress)

T = TypeVar("T")


class OverviewCache:
    """Pieces of the overview by name, reused while the hash of their inputs is the same.

    `folder` None (no repository) computes every piece and keeps nothing. `shared` are
    inputs every piece depends on (what is private, which goals are shown)."""

    def __init__(self, folder: Path | None, shared: Any, code: Path) -> None:
        self.folder = folder / FOLDER if folder is not None else None
        digest = hashlib.sha256(f"{_FORMAT} {_VERSION}\0".encode())
        digest.update(code_stamp((*(Path(str(m.__file__)) for m in _CODE), code, Path(__file__))))
        digest.update(repr(shared).encode())
        self.shared = digest.digest()
        self.computed: list[str] = []  # names of the pieces computed, not read back

    def key(self, inputs: Any) -> str:
        """The hash of `inputs` (their repr) with everything shared."""
        return hashlib.sha256(self.shared + repr(inputs).encode()).hexdigest()

    def texts_key(self, head: Any, texts: Iterable[str]) -> str:
        """The hash of `head` (its repr) and `texts` with everything shared; each text is
        hashed with its length, so no two different sequences hash alike."""
        digest = hashlib.sha256(self.shared + repr(head).encode())
        for text in texts:
            data = text.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(data))
            digest.update(data)
        return digest.hexdigest()

    def piece(self, name: str, key: str, make: Callable[[], T]) -> T:
        """The piece `name` made from inputs hashing to `key`: read back, or made and kept.
        Only JSON's own types survive the round trip, so `make` must return nothing else."""
        file = self.folder / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.json" if self.folder else None
        if file is not None:
            found = _load(file, key)
            if found is not None:
                return found[0]  # type: ignore[no-any-return]
        value = make()
        self.computed.append(name)
        if file is not None:
            body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
            header = json.dumps({"format": _FORMAT, "version": _VERSION, "key": key,
                                 "sha256": hashlib.sha256(body).hexdigest()}).encode()
            try:
                write_replace(file, header + b"\n" + body)
            except OSError:
                pass  # a read-only git folder: made again next time
        return value


def _load(file: Path, key: str) -> tuple[Any] | None:
    """(value,) when `file` is exactly what `piece` writes for `key`, else None."""
    try:
        if file.stat().st_size > MAX_STATE_BYTES:
            return None
        header, _, body = file.read_bytes().partition(b"\n")
        raw = json.loads(header)
        if (not isinstance(raw, dict) or raw.get("format") != _FORMAT or raw.get("version") != _VERSION
                or raw.get("key") != key or raw.get("sha256") != hashlib.sha256(body).hexdigest()):
            return None
        return (json.loads(body),)
    except (OSError, ValueError, RecursionError):
        return None
