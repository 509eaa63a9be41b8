"""The sandbox template overrides render in: no attribute tricks (Jinja's sandbox), and no
hours of CPU or gigabytes of memory either.

Jinja's SandboxedEnvironment stops code execution but not exhaustion: a nested
`range(100000)` loop in a partner's override made the victim's `git pull` hang. Here
`range` is capped, `*` and `**` may not build huge values, output is capped, and a
render that runs longer than a few seconds is stopped (in the main thread, where the
CLI and the hooks render).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_RANGE = 10_000
MAX_OUTPUT_CHARS = 16 * 1024 * 1024
MAX_SECONDS = 20.0


class TemplateLimit(SecurityError):
    """A template went past one of the sandbox's limits."""


def limited_range(*args: int) -> range:
    """`range` for templates, refusing more than MAX_RANGE items."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(rng):,} items; templates may loop over at most {MAX_RANGE:,}")
    return rng


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise TemplateLimit in the main thread when `seconds` pass; elsewhere, no deadline."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TemplateLimit(f"rendering took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class LimitedTemplate(Template):
    """A template whose render is bounded in time and output size."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        out: list[str] = []
        size = 0
        with deadline(MAX_SECONDS):
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateLimit(f"output larger than {MAX_OUTPUT_CHARS:,} characters")
                out.append(chunk)
        return "".join(out)


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus the limits above."""

    template_class = LimitedTemplate
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = limited_range

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise TemplateLimit("** with an exponent above 64")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple | bytes) and isinstance(times, int) \
                        and len(seq) * times > MAX_OUTPUT_CHARS:
                    raise TemplateLimit(f"* would build a value of {len(seq) * times:,} items")
        return super().call_binop(context, operator, left, right)
