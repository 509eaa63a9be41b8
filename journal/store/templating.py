"""The one Jinja environment factory: entry templates (scaffold) and digest pages (digest writers).

A journal's own `templates/` come from partners' commits, and a template is code: they are
looked up before the packaged ones only once this machine trusts them (store.template_trust),
read only through store.paths (no symlinks), and every template renders in a sandbox with
limits on loops, values, output and time (store.template_sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from journal.store import resources, template_trust
from journal.store.template_loader import JournalTemplateLoader
from journal.store.template_sandbox import LimitedSandbox


def sandboxed_environment(root: Path | None, *, autoescape: bool | Callable[[str | None], bool],
                          **options: Any) -> SandboxedEnvironment:
    """A sandboxed environment over `root/templates` (if a journal is given) then the packaged
    templates; undefined names are errors, blocks trim their newlines. `options` are passed on
    to Jinja (e.g. keep_trailing_newline)."""
    trusted = root is not None and template_trust.use_overrides(root)
    loaders: list[BaseLoader] = [JournalTemplateLoader(root)] if root is not None and trusted else []
    loaders.append(FileSystemLoader(str(resources.templates())))
    return LimitedSandbox(loader=ChoiceLoader(loaders), autoescape=autoescape, trim_blocks=True,
                          lstrip_blocks=True, undefined=StrictUndefined, **options)
