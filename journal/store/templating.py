"""The one Jinja environment factory: entry templates (scaffold) and digest pages (digest/build).

A journal's own `templates/` come from partners' commits, so every template renders in a
sandbox, and the journal's templates are looked up before the packaged ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from journal.store import resources


def sandboxed_environment(root: Path | None, *, autoescape: bool | Callable[[str | None], bool],
                          **options: Any) -> SandboxedEnvironment:
    """A sandboxed environment over `root/templates` (if a journal is given) then the packaged
    templates; undefined names are errors, blocks trim their newlines. `options` are passed on
    to Jinja (e.g. keep_trailing_newline)."""
    loaders = [FileSystemLoader(str(root / "templates"))] if root is not None else []
    loaders.append(FileSystemLoader(str(resources.templates())))
    return SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=autoescape, trim_blocks=True,
                                lstrip_blocks=True, undefined=StrictUndefined, **options)
