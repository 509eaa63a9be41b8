"""Time `journal digest` on 10 members × 5 years of weekly check-ins (≈ 2,600 of them).

Whole processes, interleaved with the floor `python -c "import pygit2, ruamel.yaml"` in
the same rounds (see timing.py): the full build (no previous site), and the rebuild after
a *new* check-in is staged (a different one every round, as the week goes on). Target
(issue 17): the rebuild ≤ 3 × the floor. Then it checks that the incremental site equals
a full build of the same state, byte for byte. With `--screenshot PATH` it also saves a
picture of the digest's front page (needs Debian's chromium and the playwright package).

A reference case in the same rounds imports what the command needs from the project's
fixed choices for its outputs (timing.FIXED_IMPORTS: the CLI, Git, YAML, the templates, Markdown,
the calendar): the rebuild's fixed-choice floor, printed under it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import make_repository, new_checkin  # noqa: E402
from timing import Case, FixedFloor, compile_installed, importing, report, run_rounds  # noqa: E402

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday of the week after the last check-in


def same_tree(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two folders (missing on either side included)."""
    found = []
    compared = filecmp.dircmp(a, b)
    found += [str(Path(compared.left).relative_to(a) / n) for n in compared.left_only + compared.right_only]
    found += [str(Path(compared.left).relative_to(a) / n) for n in compared.diff_files]
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    found += mismatch + errors
    for sub in compared.common_dirs:
        found += [f"{sub}/{x}" for x in same_tree(a / sub, b / sub)]
    return sorted(set(found))


def screenshot(site: Path, path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto((site / "index.html").as_uri())
        page.screenshot(path=str(path))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--screenshot", type=Path, help="also save a screenshot of index.html here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="journal-digest-bench-"))
    differ = ["not built"]
    try:
        root = work / "journal"
        make_repository(root)
        compile_installed()
        site, fresh = root / "site", work / "fresh"
        digest = [sys.executable, "-m", "journal", "-C", str(root), "digest", "--now", NOW.isoformat()]
        subprocess.run(digest, check=True, capture_output=True)  # fills the caches, as any earlier command would
        needed = importing("digest")
        imported = FixedFloor("the command's imports", ((needed, 1),))
        cases = [
            Case("journal digest, full build (no site)", [*digest, "--out", str(fresh)], target="",
                 prepare=lambda _: shutil.rmtree(fresh, ignore_errors=True), fixed=imported),
            Case("journal digest, after a new check-in staged", digest, target="target ≤ 3 ×",
                 prepare=lambda n: subprocess.run(["git", "-C", str(root), "add", new_checkin(root, "member-00", n)],
                                                  check=True),
                 fixed=imported),
            needed,
        ]
        floor = run_rounds(cases, args.rounds)
        report("journal digest, 10 members × 5 years", cases, floor)
        shutil.rmtree(fresh, ignore_errors=True)
        subprocess.run([*digest, "--out", str(fresh)], check=True, capture_output=True)
        differ = same_tree(site, fresh)
        print(f"  incremental site equals a full build: {'yes' if not differ else 'NO: ' + ', '.join(differ[:10])}")
        if args.screenshot:
            screenshot(site, args.screenshot)
            print(f"screenshot: {args.screenshot}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not differ else 1


if __name__ == "__main__":
    raise SystemExit(main())
