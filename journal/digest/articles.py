"""The check-ins as the member and period pages show them, kept under the git folder: a file
per page, so a page rendered again reads and writes the articles it shows, not all of them."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from journal.digest.view import DigestView
from journal.store.text_cache import TextCache

#: The folder of the pages' files, under the git folder's journal/.
ARTICLE_TEXTS = "digest-articles"
_ONE_FILE = "digest-articles.bin"  # where every page's articles were kept before, in one file


def checkin_renderer(view: DigestView, base: str, version: int, pages: Callable[[], Iterable[str]],
                     after: list[Callable[[], None]],
                     render: Callable[[Any, Any, Any], str]) -> Callable[[str], Callable[..., Markup]]:
    """For page `path`, checkin_html(c, heading, base): check-in `c` rendered by `render`
    (the _checkin.html.j2 macro), read back from the page's file under the git folder while
    what it is made of hashes the same: `base` (the templates and code, what every page
    shows: names, goal titles and units, the clock), the check-in's inputs (with the keys
    it has and its thread), the heading and the page's base. A member's page shows every
    check-in of theirs and is rendered again on each new one (or reply); only that one is
    rendered then, and only that page's articles are read. `pages()` names the site's
    pages once they are all known: the files of pages that are gone are removed by the step
    added to `after`."""
    workspace = view.standing.workspace
    git = workspace.cache_dir if workspace is not None else None  # None: not in a repository
    folder = git / ARTICLE_TEXTS if git is not None else None
    tag = f"journal-article-texts {version}"
    caches: dict[str, TextCache] = {}  # page path -> its articles, for the pages rendered
    base_digest = hashlib.sha256(f"{base}\0".encode())

    def keep() -> None:
        for cache in caches.values():
            cache.save()  # the page's articles as rendered now: its whole list
        if caches and folder is not None:
            _forget_pages(folder, {page_file(path) for path in pages()})
            (folder.parent / _ONE_FILE).unlink(missing_ok=True)

    after.append(keep)

    def for_page(path: str) -> Callable[..., Markup]:
        def checkin_html(c: Any, heading: Any, base: Any) -> Markup:
            found = view.ids.get(id(c)) if isinstance(c, dict) else None
            if found is None:
                return Markup(render(c, heading, base))
            digest = base_digest.copy()
            # The thread by its hash: what it shows is hashed once, not on every page that shows it.
            # Its keys as they are once its thread is on (view.names): the same whether another
            # output put it on already or not.
            digest.update(json.dumps([found, view.names(c), view.thread_id(c), heading, base], sort_keys=True,
                                     ensure_ascii=False).encode())
            cache = caches.get(path)
            if cache is None:
                cache = caches[path] = TextCache(folder / page_file(path) if folder is not None else None, tag)
            # Our own rendering of sanitised text, kept by this machine: markup as it was made.
            return Markup(cache.text(digest.hexdigest(), lambda: render(c, heading, base)))

        return checkin_html

    return for_page


def page_file(path: str) -> str:
    """The name of the file page `path` keeps its articles in."""
    return f"{hashlib.sha256(path.encode()).hexdigest()[:32]}.bin"


def _forget_pages(folder: Path, names: set[str]) -> None:
    """Remove the kept articles of pages the site no longer has (a member or period gone)."""
    try:
        found = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return
    for name in found:
        if name.endswith(".bin") and name not in names:
            (folder / name).unlink(missing_ok=True)
