import sys

if sys.argv[1:] == ["hooks", "run", "pre-commit"]:
    # The hook's fast path: skip click and the CLI's imports (see journal/githooks/precommit.py).
    from journal.githooks.precommit import run

    raise SystemExit(run())

from journal.cli import main

raise SystemExit(main())
