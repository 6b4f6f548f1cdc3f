"""The house's layering, read from the source (every import, those inside
functions too): ``extractors`` decides and imports neither ``storage`` nor
``flows``; ``storage`` stores and imports no ``flows``; neither imports Prefect;
and no module keeps state in module globals but the runtime's one slot."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("extractors", "storage", "flows")
# what each package may import of the others (and of Prefect)
ALLOWED = {
    "extractors": {"extractors"},
    "storage": {"extractors", "storage"},
    "flows": {"extractors", "storage", "flows", "prefect"},
}
STATE_SLOT = ROOT / "flows" / "runtime.py"  # the one slot: the process's runtime
MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "popitem",
        "clear",
        "update",
        "setdefault",
        "add",
        "discard",
        "remove",
    }
)


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield package, path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """The top-level packages a module imports, relative imports resolved."""
    tree = ast.parse(path.read_text("utf-8"))
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                found.add(base[0])
            elif node.module:
                found.add(node.module.split(".")[0])
    return found


def graph() -> dict[str, set[str]]:
    """Package → the packages (ours and Prefect) its modules import."""
    edges: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for package, path in _modules():
        edges[package] |= _imported(path) & {*PACKAGES, "prefect"}
    return edges


def test_packages_import_only_what_their_layer_allows() -> None:
    for package, path in _modules():
        imported = _imported(path) & {*PACKAGES, "prefect"}
        assert imported <= ALLOWED[package], f"{path.relative_to(ROOT)} imports {imported - ALLOWED[package]}"


def test_the_package_graph_has_no_cycle() -> None:
    edges = {p: {q for q in targets if q in PACKAGES and q != p} for p, targets in graph().items()}
    assert edges == {"extractors": set(), "storage": {"extractors"}, "flows": {"extractors", "storage"}}


def _mutated_globals(path: Path) -> list[str]:
    """Module-level names a function of the module mutates or rebinds."""
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Global | ast.Nonlocal):
                found.append(f"line {node.lineno}: {type(node).__name__.lower()} {', '.join(node.names)}")
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store | ast.Del)
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                found.append(f"line {node.lineno}: {node.value.id}[...] changed")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in names
            ):
                found.append(f"line {node.lineno}: {node.func.value.id}.{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", [p for _, p in _modules()], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_keeps_state_in_its_globals(path: Path) -> None:
    """State is built once and passed down (:class:`flows.runtime.Runtime`):
    no function changes a module-level container or rebinds a global, except
    in the runtime's one slot. (Memoised pure functions, ``functools.cache``,
    are not state.)"""
    found = _mutated_globals(path)
    if path == STATE_SLOT:
        assert found and all("_installed" in f for f in found), found
    else:
        assert found == [], found
