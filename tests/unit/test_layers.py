"""The layers, checked over the imports (docs/ARCHITECTURE.md): who may import whom, and no import cycle.

Every import statement counts, at the top of a module or inside a function, except those under
``if TYPE_CHECKING:`` (they name a type and never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "harness"


def _module(path: Path) -> str:
    """The import name of a source file: ``harness/site.py`` is ``oedr.harness.site`` (oedr/harness links it)."""
    parts = ["oedr", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(HARNESS.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except what an ``if TYPE_CHECKING:`` block holds."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(path: Path, module: str) -> set[str]:
    """The modules ``path`` imports (``from harness.x import y`` names harness.x.y when y is a module)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return found


GRAPH = {name: {i for i in imports_of(path, name) if i in MODULES and i != name} for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _package_edges_removed(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Without a package's edges to its own modules: ``oedr.harness.backends`` re-exporting ``base`` is no loop."""
    return {name: {i for i in deps if not i.startswith(name + ".")} for name, deps in graph.items()}


def test_the_harness_imports_have_no_cycle() -> None:
    assert sum(len(deps) for deps in GRAPH.values()) > 100, "the import graph is empty: module names are wrong"
    assert _cycles(_package_edges_removed(GRAPH)) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if not n.startswith(("oedr.harness.openedge", "oedr.harness.dba")))
)
def test_outside_the_adapter_the_harness_imports_nothing_of_the_emulator(name: str) -> None:
    """Only harness/dba/ may know the emulator: the rest talks to OpenEdge through commands and files."""
    emulator = sorted(
        i
        for i in imports_of(MODULES[name], name)
        if i == "oedr.harness.openedge" or i.startswith("oedr.harness.openedge.")
    )
    assert emulator == [], f"{name} imports the emulator's {emulator}; go through oedr.harness.dba"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("oedr.harness.openedge")))
def test_the_emulator_imports_nothing_of_the_harness(name: str) -> None:
    """The emulator stands in for OpenEdge, which knows nothing of the harness that tests it."""
    harness = sorted(
        i
        for i in imports_of(MODULES[name], name)
        if i.startswith("oedr.harness.") and not i.startswith("oedr.harness.openedge")
    )
    assert harness == [], f"{name} imports {harness}"


def test_the_steps_reach_no_backend_module_nor_the_emulator() -> None:
    """Steps speak to the Site (and the workload, the container faults' protocol), never to a backend's guts."""
    # the site model and its helpers: the workload, the archive directory's reading, the mark of checking steps,
    # the disaster (production lost) and what it cost
    allowed = {
        "oedr.harness.site",
        "oedr.harness.workload",
        "oedr.harness.backends.base",
        "oedr.harness.archive_dir",
        "oedr.harness.checked",
        "oedr.harness.disaster",
    }
    reached: set[str] = set()
    for path in sorted((ROOT / "steps").glob("*.py")):
        used = {i for i in imports_of(path, f"oedr.steps.{path.stem}") if i.startswith("oedr.harness")}
        assert used <= allowed, f"{path.name} imports {sorted(used - allowed)}"
        reached |= used
    assert reached, "no step imports the site: the import names are wrong"
