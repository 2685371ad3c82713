"""The exact one-line answer of every corpus case that is safe to run inside the test process.

tests/fuzz/test_corpus.py checks each case's outcome in a forked worker (it must survive hangs and
huge reads); this module runs the cases that cannot hang or read without limit (no FIFO, no device
file, inputs under :data:`MAX_CASE_BYTES`) here, so the exact message each prints is pinned in
tests/fuzz/messages.json (the case's temp folder written as ``{tmp}``) and mutation testing can see
which engine function wrote it. Re-record after changing a message on purpose:

    python -m tests.fuzz.messages      # rewrites tests/fuzz/messages.json
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from tests.fuzz.runner import expand, load_cases, run_one

MESSAGES = Path(__file__).resolve().parent / "messages.json"
MAX_CASE_BYTES = 200_000
TMP_PATH = re.compile(r"(?:/[^/\s'\"]+)*/fuzz-case-[A-Za-z0-9_]+")


def _size(case: dict) -> int:
    parts = [*case["argv"], *(case.get("files") or {}).values()]
    return sum(len(expand(p, "")) if not (isinstance(p, dict) and "latin1" in p) else len(p["latin1"])
               for p in parts)


def safe(case: dict) -> bool:
    argv = json.dumps(case["argv"])
    return not case.get("fifos") and "/dev/" not in argv and _size(case) <= MAX_CASE_BYTES


def answer_here(case: dict) -> dict:
    """The case run in this process (folder, environment and temp folder restored afterwards):
    exit code and stderr with the case's temp folder written ``{tmp}``."""
    cwd, env, tempdir = os.getcwd(), dict(os.environ), tempfile.tempdir
    try:
        res = run_one(case)
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        tempfile.tempdir = tempdir
    err = TMP_PATH.sub("{tmp}", res["err"])     # /tmp/fuzz-case-abc123 -> {tmp}
    return {"rc": res["rc"], "err": err.strip()}


def safe_cases() -> list[dict]:
    return [c for c in load_cases() if safe(c)]


def write(path: Path = MESSAGES) -> int:
    recorded = {c["id"]: answer_here(c) for c in safe_cases()}
    path.write_text(json.dumps(recorded, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return len(recorded)


if __name__ == "__main__":
    print(f"{write()} cases recorded in {MESSAGES}")
