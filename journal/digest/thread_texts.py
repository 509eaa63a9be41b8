"""The digest forms of threads, kept under the git folder by their hash, read only when a
file that shows one is made.

A thread's digest form (its replies' text with it) is most of what the digest's view holds
of a journal with replies, and a warm build shows none of it: every page, digest.json and
DIGEST.md is keyed by the hash kept with each thread (threads.DIGEST_THREAD) and reused. So
the view leaves the forms off its check-ins (`leave`) and puts a check-in's on (`fill`)
only when an output is about to show it: an article of a page rendered again, an item of
digest.json written again, a thread of DIGEST.md (digest/writers.py). After a new reply
that is a dozen of 2,600. They are read back from `<git dir>/journal/digest-forms/`
(hash -> form, in 256 files by the hash's first two digits: store/shards.py), or made again
from the thread itself: a new reply rewrites the one of the 256 that holds its thread's
form. A form is filed under the hash of its own content, computed when it was made: no entry can reach
another's form.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from journal.core.replies import Thread
from journal.digest.keys import content_key
from journal.digest.threads import KEPT, digest_form, kept_value
from journal.store.shards import Shards

FOLDER = "digest-forms"
_TAG = "journal-digest-forms 1"
# Where the forms were kept before: with the threads (store/thread_cache.py), in one file,
# then in sixteen (a folder).
_OLD = ("thread-digest.bin", "digest-threads.bin")
_OLD_FOLDER = "digest-threads"


class ThreadTexts:
    """Digest forms by hash under `folder` (None: nothing kept, every form made from its thread)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.forms = Shards(folder / FOLDER if folder is not None else None, _TAG, width=2)
        self.made: dict[str, dict[str, Any]] = {}  # hash -> form, made this run
        self.shown: set[str] = set()  # the hashes of the threads the view shows
        # id() of a check-in whose thread is left off -> (the check-in, held, so that no other
        # object takes its id meanwhile; its thread's hash; the thread; the members' zones; the
        # names under digest.private: what threads.digest_form makes the form of).
        self._pending: dict[int, tuple[dict[str, Any], str, Thread, Mapping[str, Any], Collection[str]]] = {}
        self._named: dict[int, str] = {}  # id() of such a check-in -> the hash: looked up per key
        # What compute_standing keeps with each thread for the digest: forms made meanwhile are
        # remembered here, so that a build does not make them twice.
        self.renders = {KEPT: self.render}

    def render(self, thread: Thread, zones: Mapping[str, Any], hidden: Collection[str] = ()) -> list[Any]:
        """threads.digest_thread, remembering the form it made."""
        form = digest_form(thread, zones, hidden)
        named = content_key("thread", form)
        self.made[named] = form
        return kept_value(thread, named)

    def leave(self, checkin: dict[str, Any], named: str, thread: Thread, zones: Mapping[str, Any],
              hidden: Collection[str] = ()) -> None:
        """Leave `checkin`'s thread (its form hashing to `named`: threads.digest_form of the
        thread, `zones` and `hidden`) for `fill` to put on."""
        self._pending[id(checkin)] = (checkin, named, thread, zones, hidden)
        self._named[id(checkin)] = named
        self.shown.add(named)

    def named(self, checkin: dict[str, Any]) -> str | None:
        """The hash of the thread left off `checkin`, or None when none is."""
        return self._named.get(id(checkin))

    def fill(self, ids: dict[int, str], checkins: Iterable[dict[str, Any]] | None = None) -> None:
        """Put the threads left off `checkins` (None: off every check-in) on (`c["thread"]`),
        each form named in `ids`; a check-in whose thread is on, or has none, is left as it is."""
        if not self._pending:
            return
        if checkins is None:
            chosen = list(self._pending.values())
        else:
            chosen = [found for c in checkins if (found := self._pending.get(id(c))) is not None and found[0] is c]
        for checkin, named, thread, zones, hidden in chosen:
            form = self.made.get(named)
            if form is None:
                form = self.forms.get(named)
                if not is_form(form):
                    # Not kept (or not as a form): made again from the thread, which reads its
                    # replies, and kept again in its place.
                    form = self.made[named] = digest_form(thread, zones, hidden)
            checkin["thread"] = form
            ids[id(form)] = named
            del self._pending[id(checkin)], self._named[id(checkin)]

    def save(self) -> None:
        """Keep the forms of the threads shown (only those): a file of forms is written only
        when a form in it was made this run, or it was read and holds others than those shown."""
        if self.folder is None:
            return
        for name in _OLD:
            try:
                (self.folder / name).unlink(missing_ok=True)
            except OSError:
                pass  # not ours to remove (a folder in its place, a read-only git folder)
        shutil.rmtree(self.folder / _OLD_FOLDER, ignore_errors=True)
        for named in self.shown:
            form = self.made.get(named)
            # A form read back stands as it is in its file (None: filled in if the file is written).
            self.forms.keep(named, form, form is not None)
        self.forms.save(fill=True)


_NAME, _SECONDS = frozenset((str, type(None))), frozenset((int, type(None)))
_DICTS = frozenset((dict,))
#: A form's fields, as threads.digest_form makes them.
_FIELDS = frozenset(("referee", "verdicts", "respond_within_seconds", "responses", "replies"))


def is_form(value: Any) -> bool:
    """Whether `value` has the shape of a thread's digest form (threads.digest_form): its
    fields, each of the type the form gives it, its responses and replies dicts. A file of
    forms is this machine's, sealed against damage, and its tag names the version that
    wrote it; this keeps a form of another shape (one written by hand) from reaching a
    template, where it would fail every build until the file went. It is checked for every
    form a build reads (2,600 with 13,000 replies: 5 ms), so it looks no deeper."""
    return (type(value) is dict and value.keys() == _FIELDS and type(value["referee"]) in _NAME
            and type(value["verdicts"]) is list and type(value["respond_within_seconds"]) in _SECONDS
            and type(value["responses"]) is list and type(value["replies"]) is list
            and set(map(type, value["responses"])) <= _DICTS and set(map(type, value["replies"])) <= _DICTS)
