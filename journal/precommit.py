"""The pre-commit hook's runner, kept free of click and the CLI's imports.

git runs this on every commit that stages a journal file, so its start-up is the
user-visible cost; `journal/__main__.py` routes `hooks run pre-commit` here directly.
It prints like the CLI does, and is the one other place that chooses an exit code.
"""

from __future__ import annotations

import os
import sys


def run(directory: str = ".") -> int:
    import pygit2

    from journal import problems as P
    from journal.errors import JournalError
    from journal.staged import check_staged

    try:
        path = pygit2.discover_repository(directory)
        if path is None:
            raise JournalError(f"{os.path.abspath(directory)} is not inside a Git repository")
        result = check_staged(pygit2.Repository(path))
    except JournalError as exc:
        sys.stderr.write(f"Error: {P.clean(str(exc))}\n" + (f"hint: {P.clean(exc.hint)}\n" if exc.hint else ""))
        return 1
    except Exception as exc:  # noqa: BLE001 - a hook must explain itself, not dump a traceback
        sys.stderr.write(f"Error: unexpected {type(exc).__name__}: {P.clean(str(exc))}\n"
                         "hint: rerun with `journal --debug hooks run pre-commit`, or bypass with "
                         "`git commit --no-verify`\n")
        return 3
    sys.stdout.write(P.format_text(result.problems))
    if any(p.is_error for p in result.problems):
        sys.stderr.write(f"journal: {P.summary(result.problems, result.entries)}: commit blocked. Fix the entries "
                         "and `git add` them, or bypass the check with `git commit --no-verify`.\n")
        return 1
    return 0
