"""models/ is the demo lab's small models, pure Python: of the project it may import only the
one error type (scenarios.errors). Engine projections that the demo pages show are composed in
dashboard/cached/<concept>.py. A small AST walk over every module, imports inside functions
included."""

from __future__ import annotations

import ast
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"
ALLOWED_FROM_SCENARIOS = {"scenarios.errors"}


def _project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of scenarios or dashboard in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            names = names[:1] if node.module != "scenarios" else names[1:]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0] in ("scenarios", "dashboard")]
    return found


def test_models_import_only_the_error_type_from_the_project():
    bad = [f"{p.relative_to(MODELS.parent)}:{line} imports {name}"
           for p in sorted(MODELS.rglob("*.py")) for line, name in _project_imports(p)
           if name not in ALLOWED_FROM_SCENARIOS]
    assert not bad, "\n".join(bad)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    mod = tmp_path / "m.py"
    mod.write_text("def f():\n    from scenarios.engine.serving import estimate_vision\n"
                   "    import dashboard.ui\n    from scenarios import errors, units\n")
    assert _project_imports(mod) == [(2, "scenarios.engine.serving"), (3, "dashboard.ui"),
                                     (4, "scenarios.errors"), (4, "scenarios.units")]
