"""Sizes a newcomer can read: no module in scenarios/ over 450 lines, no function in scenarios/,
models/ or dashboard/ over 60 lines, and no ``getattr(obj, "field", None)`` hedge in dashboard/
(results are typed, so a page reads a field or the code is wrong).

Each allow-list below names its exceptions with the reason beside each. The lists are exact:
a new offender fails, and so does an entry that is no longer needed, so the list only shrinks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60

# scenarios/ module -> reason it may be longer than MAX_MODULE_LINES.
LONG_MODULES: dict[str, str] = {}
# "path::qualified.name" -> reason it may be longer than MAX_FUNCTION_LINES.
LONG_FUNCTIONS: dict[str, str] = {}
# dashboard/ file -> (number of getattr(..., None) calls it may hold, reason).
GETATTR_HEDGES: dict[str, tuple[int, str]] = {}


def _python_files(*packages: str) -> list[Path]:
    return [p for package in packages for p in sorted((ROOT / package).rglob("*.py"))]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef]]:
    """Every function and method with its qualified name (``Class.method``, ``outer.inner``)."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from functions(child, name + ".")
        else:
            yield from functions(child, prefix)


def function_lines(node: ast.FunctionDef) -> int:
    """Lines from ``def`` to the last line of the body (decorators not counted)."""
    return node.end_lineno - node.lineno + 1


def long_modules() -> dict[str, int]:
    return {_rel(p): n for p in _python_files("scenarios")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}


def long_functions() -> dict[str, int]:
    found = {}
    for path in _python_files("scenarios", "models", "dashboard"):
        for name, node in functions(ast.parse(path.read_text(encoding="utf-8"))):
            if function_lines(node) > MAX_FUNCTION_LINES:
                found[f"{_rel(path)}::{name}"] = function_lines(node)
    return found


def is_none_default_getattr(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) == 3 and isinstance(node.args[2], ast.Constant) and node.args[2].value is None)


def getattr_hedges() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in [ROOT / "streamlit_app.py", *_python_files("dashboard")]:
        lines = [n.lineno for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if is_none_default_getattr(n)]
        if lines:
            found[_rel(path)] = sorted(lines)
    return found


def _exact(found: dict, allowed: dict, what: str, limit: str) -> list[str]:
    problems = [f"{key}: {found[key]} {what}, over {limit}; split it (or allow-list it here with the reason)"
                for key in sorted(set(found) - set(allowed))]
    problems += [f"{key} is within {limit} now: delete it from the allow-list"
                 for key in sorted(set(allowed) - set(found))]
    return problems


def test_no_module_in_scenarios_is_over_450_lines():
    problems = _exact(long_modules(), LONG_MODULES, "lines", f"{MAX_MODULE_LINES} lines")
    assert not problems, "\n".join(problems)


def test_no_function_is_over_60_lines():
    problems = _exact(long_functions(), LONG_FUNCTIONS, "lines", f"{MAX_FUNCTION_LINES} lines")
    assert not problems, "\n".join(problems)


def test_no_getattr_none_hedges_in_the_dashboard():
    found = getattr_hedges()
    problems = [f"{path}:{lines}: getattr(..., None) on a typed result; read the field"
                for path, lines in sorted(found.items())
                if len(lines) > GETATTR_HEDGES.get(path, (0, ""))[0]]
    problems += [f"{path} holds {len(found.get(path, []))} hedges, not {count}: lower its allow-list entry"
                 for path, (count, _) in sorted(GETATTR_HEDGES.items()) if len(found.get(path, [])) < count]
    assert not problems, "\n".join(problems)


def test_the_counters_measure_what_they_name():
    tree = ast.parse("class A:\n    def m(self):\n        def inner():\n            pass\n"
                     "        return getattr(self, 'x', None), getattr(self, 'y', 0)\n")
    found = dict(functions(tree))
    assert list(found) == ["A.m", "A.m.inner"]
    assert function_lines(found["A.m"]) == 4 and function_lines(found["A.m.inner"]) == 2
    assert sum(is_none_default_getattr(n) for n in ast.walk(tree)) == 1
