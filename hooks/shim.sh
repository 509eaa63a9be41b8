#!/bin/sh
# journal-hook: written by `journal hooks install`; `journal hooks uninstall` removes it.
# It runs a hook that was here before (kept as @HOOK@.legacy) first, then journal.
hook=@HOOK@
python=@PYTHON@
package=@PACKAGE@
# The folder of this script, without starting `dirname`: every commit pays each process.
case $0 in
    */*) here=${0%/*} ;;
    *) here=. ;;
esac

if [ -x "$here/$hook.legacy" ]; then
    "$here/$hook.legacy" "$@" || exit $?
fi

if [ "$hook" = pre-commit ]; then
    # Fast path: nothing of the journal is staged, so there is nothing to check.
    git diff --cached --quiet --no-ext-diff -- @PATHS@ 2>/dev/null && exit 0
fi
if [ "$hook" = post-commit ]; then
    # Fast path: only two kinds of commit need Python here. A commit of a temporary index
    # (`git commit -- <path>`) into which the pre-commit hook staged the digest leaves the
    # index and working tree behind, and that hook then leaves this mark. A merge committed
    # by hand needs a digest that knows both sides' entries. Anything else has nothing to do.
    if [ ! -f "$(git rev-parse --git-dir 2>/dev/null)/journal/@MARK@" ] &&
        ! git rev-parse -q --verify HEAD^2 >/dev/null 2>&1; then
        exit 0
    fi
fi

# Whether the interpreter still has journal is asked of the file system, not of a second
# Python start: that would double what every commit pays.
# -P: git runs hooks in the top folder of the working tree, which partners' commits fill;
# Python must not look for `journal` (or anything it imports) there first.
if [ -x "$python" ] && [ -f "$package/__main__.py" ]; then
    exec "$python" -P -m journal hooks run "$hook" "$@"
elif command -v journal >/dev/null 2>&1; then
    exec journal hooks run "$hook" "$@"
fi
echo "journal: $hook hook skipped: $python is gone and no 'journal' on PATH; reinstall with 'journal hooks install'" >&2
[ "$hook" = pre-commit ] && exit 1
exit 0
