"""The process exit codes of `journal` and its hooks; each value means one thing only."""

from __future__ import annotations

EXIT_OK = 0
#: Problems found in entries, or an error the command explains (`Error: …` and `hint: …`).
EXIT_PROBLEMS = 1
#: The command line was wrong (unknown option, bad value).
EXIT_USAGE = 2
#: A bug: something failed that `journal` did not expect (one line; `--debug` shows the traceback).
EXIT_UNEXPECTED = 3
#: `journal status`: you (git's user.email) are overdue; for cron jobs and shell prompts.
EXIT_OVERDUE = 4
#: Interrupted with Ctrl-C.
EXIT_INTERRUPTED = 130
#: The reader of the output went away (`journal status | head -1`): 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 141
