"""The one Jinja environment factory: entry templates (scaffold) and digest pages (digest writers).

A journal's own `templates/` come from partners' commits, and a template is code: they are
looked up before the packaged ones only once this machine trusts them (store.template_trust),
read only through store.paths (no symlinks), and every template renders in a sandbox with
limits on loops, values, output and time (store.template_sandbox)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
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


def use_bytecode_cache(env: SandboxedEnvironment, root: Path | None, purpose: str) -> None:
    """Keep `env`'s compiled templates under this machine's git folder, so a process that
    renders one page does not compile its templates again. Call it once the environment's
    options are final. Jinja checks each entry against the template's source and its own and
    Python's versions, and compiles again what it cannot load; outside a repository nothing
    is kept."""
    from journal.store.local_state import state_dir

    folder = state_dir(root) if root is not None else None
    if folder is None:
        return
    # Compiled code depends on options Jinja's keys do not name (the sandbox's intercepted
    # operators, autoescape, finalize, whitespace handling): they name the folder instead, so
    # a change of any of them (an upgrade of journal included) never reuses older code.
    options = repr((purpose, type(env).__module__, type(env).__qualname__, sorted(env.intercepted_binops),
                    sorted(env.intercepted_unops), getattr(env.autoescape, "__qualname__", env.autoescape),
                    getattr(env.finalize, "__qualname__", env.finalize), env.trim_blocks, env.lstrip_blocks,
                    env.keep_trailing_newline, env.newline_sequence, _version()))
    target = folder / "jinja" / hashlib.sha256(options.encode()).hexdigest()[:24]
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = FileSystemBytecodeCache(str(target))


def _version() -> str:
    from journal import __version__

    return __version__
