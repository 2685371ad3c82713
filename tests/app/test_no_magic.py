""".streamlit/config.toml turns Streamlit's "magic" off (it only re-parsed every page's syntax tree
at each compile). Magic would have written a bare expression on its own line; with it off such a
line would show nothing. So no page may hold one: every visible thing is an explicit st.* call."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [ROOT / "streamlit_app.py", *sorted((ROOT / "dashboard" / "pages").glob("*.py"))]


def _bare_expressions(path: Path) -> list[str]:
    found = []
    for parent in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        body = getattr(parent, "body", None)
        if not isinstance(body, list):
            continue
        for i, node in enumerate(body):
            if not isinstance(node, ast.Expr) or isinstance(node.value, (ast.Call, ast.Await)):
                continue
            docstring = (i == 0 and isinstance(parent, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef))
                         and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
            if not docstring:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_magic_is_off_and_no_page_relies_on_it():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    assert [hit for path in SCRIPTS for hit in _bare_expressions(path)] == []


def test_the_check_sees_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Doc."""\nimport streamlit as st\nx = 3\nx\n"a note"\nst.write(x)\n')
    assert _bare_expressions(page) == ["page.py:4", "page.py:5"]
