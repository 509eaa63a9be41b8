"""The one entry point of the `journal` command, installed or run as `python -m journal`.

Both go through entry(), so the installed command gets the same collector settings and
the same pre-commit fast path as `python -m journal` (which the hook shims run)."""

import gc
import sys

#: The commands that run until stopped: the cyclic collector stays on for them.
LONG_RUNNING = frozenset(("watch", "serve"))


def entry() -> int:
    """Run `journal` with sys.argv; the exit code (see journal.exitcodes)."""
    if LONG_RUNNING.isdisjoint(sys.argv[1:]):
        # One command per process, which builds hundreds of thousands of objects that live
        # until it exits and makes almost no cyclic garbage: the collector only walks them.
        # With Python's default thresholds it ran ~300 times per hook run (a tenth of its
        # time); with fewer runs, still a quarter of `streaks --json` with 13,000 replies.
        # A full digest of that journal peaks at the same memory with it off (329 MB).
        gc.disable()
    else:
        gc.set_threshold(100_000, 50, 50)
    if sys.argv[1:] == ["hooks", "run", "pre-commit"]:
        # The hook's fast path: skip click and the CLI's imports (see journal/githooks/precommit.py).
        from journal.githooks.precommit import run

        return run()
    from journal.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(entry())
