"""Time `journal check` on the 10-member × 5-year journal (≈ 2,700 entries) next to the floor.

Whole processes, interleaved with `python -c "import pygit2, ruamel.yaml"` in the same
rounds (see timing.py): the first round fills the parse cache, as any earlier command
would. Target (issue 17): ≤ 3 × the floor. A reference case in the same rounds imports what
`journal check` needs from the project's fixed choices (timing.FIXED_IMPORTS: the CLI, Git, YAML):
its fixed-choice floor, printed under it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import make_repository  # noqa: E402
from timing import Case, FixedFloor, compile_installed, importing, report, run_rounds  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    try:
        files = make_repository(root / "journal")
        compile_installed()
        needed = importing("check")
        cases = [Case("journal check (whole journal)", [sys.executable, "-m", "journal", "-C", str(root / "journal"),
                                                         "check"], target="target ≤ 3 ×",
                      fixed=FixedFloor("the command's imports", ((needed, 1),))),
                 needed]
        floor = run_rounds(cases, args.rounds)
        report(f"journal check, {len(files)} entries", cases, floor)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
