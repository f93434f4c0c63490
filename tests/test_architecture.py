"""The shape of the package (README, "Architecture"): few modules at the top, no huge module,
no import cycle, and the wings' boundaries (the library never imports the command line; the
scoring path never imports training)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "reviewbait"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


def _top_level_imports(path: Path) -> set[str]:
    """reviewbait modules imported when ``path`` is imported (not inside functions, not for typing)."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reviewbait"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("reviewbait"))
            elif isinstance(node, ast.Try | ast.If):
                visit(node.body)
                visit(node.orelse)
                if isinstance(node, ast.Try):
                    for handler in node.handlers:
                        visit(handler.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {m for m in _top_level_imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_at_most_twelve_modules_at_the_top() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_600_lines(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{name}: {lines} lines"


def test_no_import_cycle() -> None:
    """Module-level imports between reviewbait modules form no cycle."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(GRAPH[name]):
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep) :], dep]
                raise AssertionError(" -> ".join(cycle))
            if dep not in state:
                visit(dep, [*path, dep])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])


def _all_imports(path: Path) -> set[str]:
    """Every reviewbait module ``path`` names in an import, wherever the import is, except in a
    module ``__getattr__`` (a shim that only old pickles and old callers reach)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shims = {
        id(inner)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__"
        for inner in ast.walk(node)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in shims:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reviewbait"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("reviewbait"))
    return names


def test_the_library_never_imports_the_command_line() -> None:
    outside = [n for n in MODULES if not n.startswith("reviewbait.cli") and n != "reviewbait.__main__"]
    offenders = {
        n: i for n in outside if (i := {m for m in _all_imports(MODULES[n]) if m.startswith("reviewbait.cli")})
    }
    assert offenders == {}


def test_scoring_never_imports_training() -> None:
    """The detector, the spine and the file wing work without the training wing."""
    wings = ("reviewbait.cli", "reviewbait.training", "reviewbait.api")
    scoring = [n for n in MODULES if not n.startswith(wings)]
    offenders = {
        n: i for n in scoring if (i := {m for m in _all_imports(MODULES[n]) if m.startswith("reviewbait.training")})
    }
    assert offenders == {}
