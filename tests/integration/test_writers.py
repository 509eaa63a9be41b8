"""The digest pipeline: one view, writers registered in one list, Markdown from templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from journal.digest.build import MANIFEST
from journal.digest.view import build_view
from journal.digest.writers import COMMITTED, SITE, WRITERS, render_outputs
from journal.standing import compute_standing
from tests.support.digest_journals import NOW, build, history, site_files  # noqa: F401 - history is a fixture


def test_every_file_of_the_site_comes_from_a_registered_writer(run, history: Path) -> None:
    files = set(site_files(build(run, history))) - {MANIFEST}
    view = build_view(compute_standing(history, dt.datetime.fromisoformat(NOW)))
    assert files == {o.path for o in render_outputs(view, SITE)}
    assert len({w.name for w in WRITERS}) == len(WRITERS)
    assert {o.path for o in render_outputs(view, COMMITTED, folder="digest")} == {
        p for p in files if p.startswith("charts/") and p != "charts/legend.svg"} | {"README.md"}


def test_digest_md_and_the_committed_readme_render_from_one_overridable_template(run, history: Path) -> None:
    override = history / "templates/digest/DIGEST.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("# {{ title|mdtext }}\n\nOURS{% block note %}{% endblock %}, "
                        "{{ members|length }} members\n\n\n")
    assert run("-C", history, "templates", "trust").code == 0  # overrides are code: trusted first
    site = build(run, history)
    assert (site / "DIGEST.md").read_text() == "# Alice & Bob — spring half marathon\n\nOURS, 2 members\n"
    assert run("-C", history, "digest", "--markdown-only", "--now", NOW).code == 0
    readme = (history / "digest/README.md").read_text()
    assert readme.startswith("# Alice & Bob — spring half marathon\n\nOURS (if Git reports a conflict")
    assert readme.endswith(", 2 members\n")
