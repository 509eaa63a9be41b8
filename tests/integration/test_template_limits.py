"""The sandbox templates render in: bounded loops, values, output and time."""

from __future__ import annotations

import pytest

from journal.store import template_sandbox
from journal.store.template_sandbox import LimitedSandbox, TemplateLimit


@pytest.mark.parametrize("source", ["{% for i in range(100000) %}{% endfor %}",
                                    "{{ 'x' * 1000000000 }}", "{{ [1] * 1000000000 }}", "{{ 10 ** 100000 }}",
                                    "{% for i in range(5000) %}{{ 'y' * 5000 }}{% endfor %}"])
def test_templates_cannot_allocate_gigabytes(source: str) -> None:
    with pytest.raises(TemplateLimit):
        LimitedSandbox().from_string(source).render()


def test_templates_cannot_run_for_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_sandbox, "MAX_SECONDS", 0.5)
    loops = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateLimit, match="longer than 0.5 s"):
        LimitedSandbox().from_string(loops).render()


def test_ordinary_templates_render() -> None:
    assert LimitedSandbox().from_string("{% for i in range(3) %}{{ i * 2 }}{% endfor %}{{ 'ab' * 2 }}").render() \
        == "024abab"
