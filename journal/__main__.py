import gc
import sys

# One command per process, which builds tens of thousands of objects that live until it
# exits and makes almost no cyclic garbage: with Python's default thresholds the cyclic
# collector ran ~300 times per hook run (a tenth of its time) to free a few hundred objects.
gc.set_threshold(100_000, 50, 50)

if sys.argv[1:] == ["hooks", "run", "pre-commit"]:
    # The hook's fast path: skip click and the CLI's imports (see journal/githooks/precommit.py).
    from journal.githooks.precommit import run

    raise SystemExit(run())

from journal.cli import main  # noqa: E402 - after the hook's fast path and the GC settings

raise SystemExit(main())
