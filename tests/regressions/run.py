"""Apply each planted bug to a scratch copy of the project and check the tests catch it.

    python -m tests.regressions.run            # every tests/regressions/*.patch (make regressions)
    python -m tests.regressions.run games_ignores_seed.patch

For each patch: copy the working tree (without .git and caches) to a temp folder, apply the
patch there with ``git apply``, run the patch's test selection from catchers.json in that copy,
and expect at least one failure. Prints ``patch -> catching test(s)``; exits 1 when a patch is not
caught, does not apply, or has no selection. The working tree itself is never modified.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SKIP = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", "screenshots",
                              "user_scenarios", "user_devices", "artifacts", "mutants", ".mutmut-cache")
FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def scratch_copy(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=SKIP, symlinks=True)
    return dest


def apply(patch: Path, tree: Path) -> str | None:
    """None if the patch applied, else git's reason."""
    done = subprocess.run(["git", "apply", str(patch)], cwd=tree, capture_output=True, text=True)
    return None if done.returncode == 0 else (done.stderr.strip() or "git apply failed")


def run_selection(tree: Path, args: list[str], timeout_s: int) -> tuple[int, list[str], str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", "--timeout", "600", *args]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout_s)
    return done.returncode, sorted(set(FAILED.findall(done.stdout))), done.stdout[-3000:]


def check(patch: Path, selection: dict, timeout_s: int) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="regression-") as tmp:
        tree = scratch_copy(Path(tmp) / "tree")
        reason = apply(patch, tree)
        if reason:
            return False, f"does not apply: {reason}"
        rc, failed, tail = run_selection(tree, selection["now"], timeout_s)
    if rc == 5:
        return False, "the selection collected no test"
    if rc in (0,) or not failed:
        return False, f"NOT CAUGHT (pytest exit {rc})\n{tail}"
    return True, ", ".join(failed)


def main(argv: list[str]) -> int:
    catchers = json.loads((HERE / "catchers.json").read_text())
    patches = [HERE / a for a in argv] if argv else sorted(HERE.glob("*.patch"))
    timeout_s = int(os.environ.get("REGRESSION_TIMEOUT_S", "1800"))
    missed = 0
    for patch in patches:
        selection = catchers.get(patch.name)
        if selection is None:
            print(f"{patch.name} -> no selection in catchers.json")
            missed += 1
            continue
        caught, detail = check(patch, selection, timeout_s)
        missed += not caught
        print(f"{patch.name} -> {detail}")
        for also in selection.get("also", []):
            print(f"    also caught by (slower, run by hand): {also}")
        sys.stdout.flush()
    print(f"{len(patches) - missed}/{len(patches)} planted bugs caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
