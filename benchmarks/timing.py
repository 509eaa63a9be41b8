"""Interleaved, whole-process timing shared by the benchmarks.

The machine these run on is shared and noisy, so a case is never timed on its own: every
round runs each case once, the floor among them, and the report gives the median of each
case and the median of its per-round ratio to the floor (noise that slows a whole round
slows the floor with it). Best-of-N would hide what a user pays, so it is not used.

Some targets cannot be met whatever journal does, because of what the project has fixed
(pygit2, ruamel.yaml, Jinja2, …) and what `git` itself takes. Reference cases time those
parts in the same rounds (`importing(command)`, a `git commit` without hooks, a parse
with stock ruamel.yaml), and a case's `fixed` names the sum of them it can never go
below: its fixed-choice floor, reported under it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FLOOR = [sys.executable, "-c", "import pygit2, ruamel.yaml"]
FLOOR_LABEL = 'python -c "import pygit2, ruamel.yaml"'
MIN_ROUNDS = 5


def compile_installed() -> None:
    """Compile journal/ to bytecode as pip does for an installed package.

    An editable checkout (or PYTHONDONTWRITEBYTECODE) would otherwise leave each timed
    process compiling the package again, which no installed user pays."""
    import journal

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(journal.__file__).parent)], check=True)


@dataclass
class Case:
    """One timed thing: `prepare` runs untimed before each timed `command` in a round."""

    name: str
    command: Sequence[str]
    cwd: Path | None = None
    prepare: Callable[[int], object] | None = None
    after: Callable[[int], object] | None = None
    env: dict[str, str] | None = None
    ok: tuple[int, ...] = (0,)
    target: str = ""
    times: list[float] = field(default_factory=list)
    fixed: FixedFloor | None = None


@dataclass(frozen=True)
class FixedFloor:
    """What a case costs at least with the project's fixed choices: per round, the sum of
    reference cases' times, each with a weight (-1 takes out what two references both pay,
    such as the interpreter's start and the floor's imports)."""

    label: str
    terms: tuple[tuple[Case, int], ...]

    @property
    def times(self) -> list[float]:
        """The weighted sum of the terms' times, round by round."""
        rounds = zip(*(case.times for case, _ in self.terms), strict=True)
        return [sum(weight * t for (_, weight), t in zip(self.terms, row, strict=True)) for row in rounds]


#: What each command imports from the project's fixed choices to do its work and write its
#: outputs ("hook": the pre-commit hook with the committed digest on). A floor made of them
#: must not hold what the command does not import: tests run each command to check.
FIXED_IMPORTS = {
    "check": ("click", "pygit2", "ruamel.yaml"),
    "streaks": ("click", "pygit2", "ruamel.yaml"),
    "digest": ("click", "pygit2", "ruamel.yaml", "jinja2", "markdown_it", "icalendar"),
    "hook": ("pygit2", "ruamel.yaml", "jinja2"),
}


def importing(command: str) -> Case:
    """A reference case: a process that imports what `command` needs from the fixed choices, and stops."""
    code = "import " + ", ".join(FIXED_IMPORTS[command])
    return Case(f'reference: python -c "{code}"', [sys.executable, "-c", code])


def run_rounds(cases: list[Case], rounds: int = MIN_ROUNDS, floor: Case | None = None, *,
               pairs: bool = False) -> Case:
    """Run every case once per round, the floor first in each; returns the floor case.

    With `pairs`, the cases are compared two by two (a case and the one after it): each pair
    runs in the other order in every other round, so that neither of the two always runs
    first (after the floor, or after the other pair's writes) and an order effect weighs on
    both alike."""
    floor = floor or Case("floor", FLOOR)
    if pairs and len(cases) % 2:
        raise ValueError("pairs: an even number of cases")
    for r in range(max(rounds, MIN_ROUNDS)):
        ordered = cases
        if pairs and r % 2:
            ordered = [case for first, second in zip(cases[::2], cases[1::2], strict=True) for case in (second, first)]
        for case in [floor, *ordered]:
            if case.prepare is not None:
                case.prepare(r)
            env = {**os.environ, **(case.env or {})}
            started = time.perf_counter()
            result = subprocess.run(list(case.command), cwd=case.cwd, env=env, capture_output=True)
            case.times.append(time.perf_counter() - started)
            if result.returncode not in case.ok:
                sys.exit(f"{case.name}: {' '.join(case.command)} exited {result.returncode}\n"
                         f"{result.stdout.decode(errors='replace')[-1500:]}{result.stderr.decode(errors='replace')[-1500:]}")
            if case.after is not None:
                case.after(r)
    return floor


def ratio(case: Case | FixedFloor, floor: Case) -> float:
    """The median of the per-round ratios case / floor."""
    return statistics.median(t / f for t, f in zip(case.times, floor.times, strict=True))


def report(title: str, cases: list[Case], floor: Case, floor_label: str = FLOOR_LABEL) -> None:
    """Print medians and ratios, one line per case, and under a case with a fixed-choice
    floor that floor's median and ratio, so its target reads against what it cannot beat."""
    n = len(floor.times)
    labels = {id(case): f"  └ fixed-choice floor: {case.fixed.label}" for case in cases if case.fixed is not None}
    # The names' column is as wide as the longest name, so the times stay in one column.
    names = ["floor: " + floor_label, *(case.name for case in cases), *labels.values()]
    width = max(58, *(len(name) + 1 for name in names))
    print(f"{title} — medians of {n} interleaved rounds, {os.cpu_count()} cores")
    print(f"  {'floor: ' + floor_label:<{width}}{statistics.median(floor.times) * 1000:8.0f} ms")
    for case in cases:
        print(f"  {case.name:<{width}}{statistics.median(case.times) * 1000:8.0f} ms   "
              f"{ratio(case, floor):5.2f} × floor   {case.target}".rstrip())
        if case.fixed is not None:
            print(f"  {labels[id(case)]:<{width}}"
                  f"{statistics.median(case.fixed.times) * 1000:8.0f} ms   {ratio(case.fixed, floor):5.2f} × floor")
