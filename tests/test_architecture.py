"""The layers of docs/architecture.md hold: every product module imports only the packages its
layer may use, presets are read through scenarios.business, the engine stays pure (scenarios/
and models/ never import streamlit, scenarios/ never imports torch, so `venture-lab` starts
fast), and nothing reads ../shared at run time.

Imports are read with ``ast`` from every module of the product (scenarios/, models/, dashboard/,
streamlit_app.py), imports inside functions and under ``TYPE_CHECKING`` included, so a lazy import
cannot hide a dependency. tests/, tools/ and bench/ are harnesses that drive and measure every
layer, the dashboard included, so the layer rules do not apply to them."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("scenarios", "models", "dashboard")

# Layer of a module -> the layers it may import (its own always allowed). Project modules only;
# third-party imports are the purity tests' business below.
ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "units": frozenset({"errors"}),
    "safe_load": frozenset({"errors"}),
    "engine": frozenset({"errors", "units", "safe_load"}),
    "calibration": frozenset({"engine", "errors", "units"}),
    "atlas": frozenset({"engine", "errors", "units", "safe_load"}),
    "business": frozenset({"engine", "atlas", "errors", "units", "safe_load"}),
    "cli": frozenset({"engine", "calibration", "atlas", "business", "errors", "units", "scenarios", "safe_load"}),
    "scenarios": frozenset({"errors", "units"}),
    "models": frozenset({"errors"}),
    "dashboard": frozenset({"engine", "calibration", "atlas", "business", "cli", "errors", "units",
                            "scenarios", "models", "safe_load"}),
    "app": frozenset({"dashboard", "engine", "calibration", "atlas", "business", "errors", "units",
                      "scenarios", "models"}),
}
RULES = {
    "errors": "scenarios.errors imports nothing of the project",
    "units": "scenarios.units imports only scenarios.errors",
    "safe_load": "scenarios.safe_load (bounded reads, guarded YAML/JSON) imports only scenarios.errors",
    "engine": "scenarios.engine imports only scenarios.errors, scenarios.units and scenarios.safe_load",
    "calibration": "scenarios.calibration imports only the engine (and errors, units)",
    "atlas": "scenarios.atlas imports only the engine (and errors, units, safe_load)",
    "business": "scenarios.business imports only the engine and the atlas (and errors, units, safe_load)",
    "cli": "scenarios.cli (and scenarios.render, which writes its reports) may import every scenarios package, never models or dashboard",
    "scenarios": "the scenarios package itself imports only errors and units",
    "models": "models import only scenarios.errors (engine projections are composed in dashboard/cached)",
    "dashboard": "dashboard may import everything",
    "app": "streamlit_app.py may import everything",
}


@dataclass(frozen=True)
class Import:
    module: str     # importing module, dotted
    target: str     # imported project module, dotted
    line: int


def layer_of(module: str) -> str | None:
    """The layer of a project module, or None for a third-party one."""
    parts = module.split(".")
    if parts[0] == "streamlit_app":
        return "app"
    if parts[0] in ("models", "dashboard"):
        return parts[0]
    if parts[0] != "scenarios":
        return None
    if len(parts) == 1:
        return "scenarios"
    return {"cli": "cli", "render": "cli", "__main__": "cli"}.get(parts[1], parts[1])


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def product_files() -> list[Path]:
    files = [ROOT / "streamlit_app.py"]
    for package in PRODUCT:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path) -> list[Import]:
    """Every project import of one file, as the most specific module it names."""
    return imports_in(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> list[Import]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node)
            targets = [f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base
                       for alias in node.names]
        else:
            continue
        out += [Import(module, t, node.lineno) for t in dict.fromkeys(targets) if layer_of(t) is not None]
    return out


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations() -> dict[tuple[str, str], list[str]]:
    """(module, imported layer) -> one message per offending import, naming module, import, rule."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in product_files():
        for imp in imports_of(path):
            own, other = layer_of(imp.module), layer_of(imp.target)
            if other == own or other in ALLOWED[own]:
                continue
            where = f"{path.relative_to(ROOT)}:{imp.line}"
            found.setdefault((imp.module, other), []).append(
                f"{where}: {imp.module} imports {imp.target} (layer {other}); rule: {RULES[own]}")
    return found


def test_every_product_module_imports_only_what_its_layer_allows():
    found = violations()
    assert not found, "forbidden import direction(s):\n" + "\n".join(m for ms in found.values() for m in ms)


def test_the_rule_walker_sees_lazy_relative_and_from_imports():
    # An import inside a function, a relative import and `from pkg import mod` all resolve to the
    # module they name, and each is judged by the importing module's layer.
    source = ("def f():\n    from ..engine import catalog\n    from scenarios import atlas\n"
              "    import dashboard.ui\n    import numpy\n")
    found = imports_in(source, "scenarios.business.probe")
    assert [i.target for i in found] == ["scenarios.engine.catalog", "scenarios.atlas", "dashboard.ui"]
    assert [layer_of(i.target) in ALLOWED["business"] for i in found] == [True, True, False]


def _reads_presets_folder(path: Path) -> list[int]:
    """Lines that build a path into a presets folder: a string with ``presets/`` in it, or
    ``something / "presets"``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "presets/" in node.value:
            lines.append(node.lineno)
        elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
              and any(isinstance(side, ast.Constant) and side.value == "presets"
                      for side in (node.left, node.right))):
            lines.append(node.lineno)
    return lines


def test_presets_are_data_files_read_only_through_business():
    business = ROOT / "scenarios" / "business"
    offenders = {str(p.relative_to(ROOT)): lines for p in product_files()
                 if business not in p.parents and (lines := _reads_presets_folder(p))}
    assert offenders == {}, ("only scenarios.business opens scenarios/business/presets/ "
                             "(use scenario.preset_ids / load_preset): " + str(offenders))
    assert _reads_presets_folder(business / "scenario.py"), "the presets check finds the real reader"


# ---------------------------------------------------------------- purity of the engine
def _third_party_roots(path: Path) -> set[str]:
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
        str(path.relative_to(ROOT)): sorted(_third_party_roots(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
        if _third_party_roots(path) & forbidden
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
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "shared/" in path.read_text(encoding="utf-8"):
                offenders.append(str(path.relative_to(ROOT)))
    assert (ROOT / "streamlit_app.py").read_text().count("shared/") == 0
    assert offenders == []
