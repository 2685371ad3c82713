"""The engine stays pure: scenarios/ and models/ never import streamlit, and scenarios/
never imports torch (so `venture-lab` starts fast). Checked two ways: statically over
every source file, and dynamically by importing the CLI in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("scenarios", {"streamlit", "torch", "dashboard", "models"}),
     ("models", {"streamlit", "dashboard"})],
)
def test_engine_packages_do_not_import_ui_or_torch(package, forbidden):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
        if _imported_modules(path) & forbidden
    }
    assert offenders == {}, f"{package}/ must not import {sorted(forbidden)}: {offenders}"


def test_importing_the_whole_engine_loads_neither_torch_nor_streamlit():
    code = (
        "import importlib, pkgutil, sys, scenarios\n"
        "for m in pkgutil.walk_packages(scenarios.__path__, 'scenarios.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in ('torch', 'streamlit') if n in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_no_runtime_reads_of_the_shared_folder():
    """The product must not read ../shared at run time: its data was copied into data/."""
    offenders = []
    for package in ("scenarios", "models", "dashboard"):
        for path in (ROOT / package).rglob("*.py"):
            if "shared/" in path.read_text(encoding="utf-8"):
                offenders.append(str(path.relative_to(ROOT)))
    assert (ROOT / "streamlit_app.py").read_text().count("shared/") == 0
    assert offenders == []
