"""The package's layers: each imports only the layers below it, and nothing imports in a circle.

The order (ARCHITECTURE.md, README "How the code is organised"), top to bottom:
cli → commands, live → githooks → digest → standing → store → core. `errors` and
`exitcodes` may be imported from anywhere; `core` touches no git, file system or click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.journals import PROJECT

PACKAGE = PROJECT / "journal"
#: Rank of each layer: a module may import modules of its own rank or lower.
LAYERS = {"core": 0, "store": 1, "standing": 2, "digest": 3, "githooks": 4, "commands": 5, "live": 5, "cli": 6,
          "__main__": 7}
ANYWHERE = {"errors", "exitcodes", "__init__"}
#: What the pure core must never import: it works on values, not on repositories or terminals.
IMPURE = {"pygit2", "click", "watchdog", "jinja2", "os", "subprocess", "shutil", "tempfile", "socket"}
#: Packages whose __init__ runs on every commit (the pre-commit hook's path): keep them empty.
HOOK_PATH_PACKAGES = ("core", "store", "githooks", "digest")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found[".".join(("journal", *parts))] = path
    return found


def _imports(path: Path, name: str) -> set[str]:
    """Every journal module `path` imports, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = _modules()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("journal")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("journal"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _externals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_layer_or_lower(module: str) -> None:
    mine = _layer(module)
    if mine in ANYWHERE:
        allowed_rank = LAYERS["core"]  # errors and exitcodes sit below everything
    else:
        allowed_rank = LAYERS[mine]
    for target in _imports(MODULES[module], module):
        layer = _layer(target)
        if layer in ANYWHERE or target == module:
            continue
        assert LAYERS[layer] <= allowed_rank, f"{module} ({mine}) imports {target} ({layer}), a layer above it"


def test_the_core_is_pure() -> None:
    for module, path in MODULES.items():
        if _layer(module) == "core":
            assert not (_externals(path) & IMPURE), f"{module} imports {_externals(path) & IMPURE}"


def test_there_is_no_import_cycle() -> None:
    graph = {m: {t for t in _imports(p, m) if t in MODULES and t != m} for m, p in MODULES.items()}
    # Package __init__ modules are reached by importing any submodule; only edges count here.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_the_package_stays_small_at_the_top_and_in_each_module() -> None:
    top = [p for p in PACKAGE.glob("*.py")]
    assert len(top) <= 10, sorted(p.name for p in top)
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 500, f"{module} has {lines} lines; split it by responsibility"


@pytest.mark.parametrize("package", HOOK_PATH_PACKAGES)
def test_packages_on_the_hook_path_have_empty_inits(package: str) -> None:
    init = PACKAGE / package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in tree.body), init
