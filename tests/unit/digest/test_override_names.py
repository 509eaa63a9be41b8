"""A journal's digest templates are known as such whatever the case of their folder's name:
on a file system that ignores case, `templates/Digest/member.html.j2` is what Jinja opens for
`digest/member.html.j2`, so it must count as an override (every thread put on before the
outputs, writers.render_outputs) and be in the pages' key (writers.templates_key)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import ChoiceLoader
from jinja2.sandbox import SandboxedEnvironment

from journal.digest import writers
from journal.store.template_loader import JournalTemplateLoader


@pytest.mark.parametrize("folder, counts", [("digest", True), ("Digest", True), ("DIGEST", True),
                                            ("entries", False), ("digests", False)])
def test_a_digest_template_is_one_in_any_case(tmp_path: Path, folder: str, counts: bool) -> None:
    (tmp_path / "templates" / folder).mkdir(parents=True)
    (tmp_path / "templates" / folder / "member.html.j2").write_text("{{ 1 }}")
    env = SandboxedEnvironment(loader=ChoiceLoader([JournalTemplateLoader(tmp_path)]))
    assert writers._overridden(env) is counts
    assert bool(env.list_templates(filter_func=writers._digest_template)) is counts
