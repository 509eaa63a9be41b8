"""The overview's costly per-member and per-goal pieces, kept under the git folder by their inputs.

Building the overview turns every check-in of the journal into the digest's data and draws
every goal's life period by period; a new check-in changes one member's check-ins and the
goals they name. Each piece is stored in its own file, `<git dir>/journal/overview/<hash of
its name>.bin`, with the hash of exactly what it is made from (the member's check-in
entries, how each of their periods was judged, their zone and local date, what the digest
keeps private, which goals are shown, this code) and read back while that hash is the same.
The file is sealed plain data (store/plain_cache.py, as every cache of computed results):
the key and the value. Anything else, a file cut short, changed or of another version
included, is computed again and replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from journal.core import build_model, humanize, model, periods, recalibration, states
from journal.digest import markdown, progress
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES, code_stamp

FOLDER = "overview"
_FORMAT = "journal-overview-piece"
_VERSION = 2  # 2: sealed marshal instead of JSON
_TAG = f"{_FORMAT} {_VERSION}"
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
        `make` must return plain data only (dicts, lists, text, numbers, None): what marshal
        carries back unchanged, so a piece read back is the very value that was made."""
        file = self.folder / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.bin" if self.folder else None
        if file is not None:
            found = plain_cache.load(file, _TAG, MAX_STATE_BYTES)
            if type(found) is tuple and len(found) == 2 and found[0] == key:
                return found[1]  # type: ignore[no-any-return]
        value = make()
        self.computed.append(name)
        if file is not None:
            try:  # replacing what version 1 wrote
                plain_cache.save(file, _TAG, (key, value), replaces=file.with_suffix(".json"))
            except ValueError:
                pass  # not plain data: made again next time
        return value
