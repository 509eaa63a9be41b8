"""Loading a journal's own template overrides (`templates/` in the journal) through store.paths.

Jinja's FileSystemLoader follows symlinks, so a partner could commit
`templates/digest/style.css` as a link to a private file and have it published. This
loader reads every override with `paths.read_text`: a symlink is refused, not followed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, TemplateNotFound

from journal.store import paths

FOLDER = "templates"


class JournalTemplateLoader(BaseLoader):
    """Templates under the journal's `templates/` folder, read without following symlinks."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get_source(self, environment: Any, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        rel = f"{FOLDER}/{template}"
        try:
            text = paths.read_text(self.root, rel)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise TemplateNotFound(template) from None
        except paths.UnsafePath as exc:
            raise TemplateNotFound(template) from exc  # fall through to the built-in template
        return text, rel, lambda: paths.is_file(self.root, rel) and paths.read_text(self.root, rel) == text

    def list_templates(self) -> list[str]:
        """The overrides' names; not a file whose name is not UTF-8 (its bytes held as
        surrogate escapes), which no template can name and no text can hold."""
        prefix = len(FOLDER) + 1
        return [p[prefix:] for p in paths.walk_files(self.root, FOLDER) if p.isascii() or _is_text(p)]


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
