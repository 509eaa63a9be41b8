"""Time `journal check` on a synthetic journal of ~2,700 entries (target: <= 2 s)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import journal_files, write  # noqa: E402


def timed(args: list[str], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"command failed ({result.returncode}): {' '.join(args)}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return best


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    try:
        files = journal_files(members=10, years=5)
        write(root, files)
        n = len(files)
        floor = timed([sys.executable, "-c", "import ruamel.yaml, click"])
        total = timed([sys.executable, "-m", "journal", "-C", str(root), "check"])
        print(f"entries                         {n}")
        print(f"floor: python + imports         {floor:6.3f} s")
        print(f"journal check (whole journal)   {total:6.3f} s   target <= 2.0 s   "
              f"{'OK' if total <= 2.0 else 'OVER'}")
        print(f"throughput                      {n / (total - floor):6.0f} entries/s (after start-up)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
