"""The package's dependencies point one way, and no module imports itself back through others.

presentation → api → analyses → engines → store → readers / generate → schema, errors, config.
Imports inside functions count: a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "liens"

# Lower number, lower floor. A module may import its own floor or lower floors only.
FLOORS = {
    "liens.schema": 0, "liens.errors": 0, "liens.config": 0, "liens.conversion": 0,
    "liens.readers": 1, "liens.generate": 1,
    "liens.store": 2, "liens.sync": 2,  # sync fetches pages, hands them to the readers, loads through the store
    "liens.engines": 3, "liens.engine": 3,
    "liens.analyses": 4, "liens.alerts.rules": 4, "liens.alerts.inputs": 4, "liens.alerts.hours": 4,
    "liens.alerts": 4.5,  # alert state, delivery, the digest and the unattended run: above the analyses, below the api
    "liens.api": 5, "liens": 5,  # the package's __init__ re-exports the api
    "liens.presentation": 6,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The liens modules `name` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("liens"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("liens"):
                continue
            for alias in node.names:  # `from . import x` may name a submodule
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def _floor(module: str) -> int:
    for prefix in sorted(FLOORS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return FLOORS[prefix]
    raise AssertionError(f"{module} is on no floor: add it to FLOORS")


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets if _floor(b) > _floor(a))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
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
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_on_a_floor() -> None:
    for name in _modules():
        _floor(name)


def test_no_module_imports_a_higher_floor() -> None:
    assert upward_imports(_graph()) == []


def test_no_import_cycles() -> None:
    # A package importing its own submodules and a submodule importing a sibling through the package
    # is how Python packages work; a cycle between modules that are not each other's package is not.
    graph = _graph()
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    assert cycles(graph) == []


def test_presentation_imports_only_the_api() -> None:
    """The CLI, the report and the dashboard reach the rest of Liens through `liens.api` alone."""
    graph = _graph()
    for name, targets in graph.items():
        if name.startswith("liens.presentation"):
            outside = sorted(t for t in targets if t != "liens.api" and not t.startswith("liens.presentation"))
            assert outside == [], f"{name} imports {outside}"
