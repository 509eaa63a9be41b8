"""The one entry point of the `journal` command, installed or run as `python -m journal`.

Both go through entry(), so the installed command gets the same collector settings and
the same pre-commit fast path as `python -m journal` (which the hook shims run)."""

import gc
import sys


def entry() -> int:
    """Run `journal` with sys.argv; the exit code (see journal.exitcodes)."""
    # One command per process, which builds tens of thousands of objects that live until it
    # exits and makes almost no cyclic garbage: with Python's default thresholds the cyclic
    # collector ran ~300 times per hook run (a tenth of its time) to free a few hundred objects.
    gc.set_threshold(100_000, 50, 50)
    if sys.argv[1:] == ["hooks", "run", "pre-commit"]:
        # The hook's fast path: skip click and the CLI's imports (see journal/githooks/precommit.py).
        from journal.githooks.precommit import run

        return run()
    from journal.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(entry())
