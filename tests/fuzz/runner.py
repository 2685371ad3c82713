"""Runs corpus cases in-process in one forked worker, with a per-case timeout that counts as a hang.

Each case runs ``scenarios.cli.main(argv)`` in a worker process (forked once, after the imports,
so a case costs what the CLI call costs), with stdout and stderr captured, the current folder,
``HOME``, ``TMPDIR`` and both store folders pointed into the case's own temp folder. The parent
waits :data:`CASE_TIMEOUT_S` for each answer; a worker that does not answer is killed, the case
is a hang, and a fresh worker takes the next case.

``python -m tests.fuzz.runner`` prints the tallies (what tests/fuzz/test_corpus.py asserts).
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
CASE_TIMEOUT_S = 5.0


def load_cases(corpus: Path = CORPUS) -> list[dict]:
    cases = []
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


def expand(value, tmp: str) -> str:
    """A case's text: a string, or parts where ``{"repeat": s, "times": n}`` is ``s * n``; a file's
    content may also be ``{"latin1": text}`` for bytes that are not UTF-8."""
    if isinstance(value, dict):
        return value["repeat"] * int(value["times"])
    if isinstance(value, list):
        return "".join(expand(v, tmp) for v in value)
    return value.replace("{tmp}", tmp)


# ------------------------------------------------------------------------------- in the worker
def _materialise(case: dict, tmp: str) -> None:
    for name, content in (case.get("files") or {}).items():
        path = Path(tmp) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict) and "latin1" in content:   # raw bytes (not UTF-8) as \xNN text
            path.write_bytes(content["latin1"].encode("latin-1"))
        else:
            path.write_bytes(expand(content, tmp).encode("utf-8"))
    for name in case.get("fifos") or []:
        os.mkfifo(Path(tmp) / name)


def run_one(case: dict) -> dict:
    """One case in this process: ``{"rc", "out", "err", "traceback"}``."""
    from scenarios import cli

    with tempfile.TemporaryDirectory(prefix="fuzz-case-") as tmp:
        _materialise(case, tmp)
        os.environ.update({"HOME": tmp, "TMPDIR": tmp, "VENTURE_LAB_SCENARIO_DIR": f"{tmp}/scenarios",
                           "VENTURE_LAB_DEVICE_DIR": f"{tmp}/devices"})
        tempfile.tempdir = tmp
        os.chdir(tmp)
        argv = [expand(a, tmp) for a in case["argv"]]
        out, err = io.StringIO(), io.StringIO()
        tb = None
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = cli.main(argv)
            except SystemExit as exc:       # argparse's --help and friends
                rc = exc.code if isinstance(exc.code, int) else 1
            except BaseException:           # noqa: BLE001 - the finding this suite exists to catch
                rc, tb = None, traceback.format_exc()
        tempfile.tempdir = None
        os.chdir("/")
    return {"rc": rc, "out": out.getvalue(), "err": err.getvalue(), "traceback": tb}


def _worker(conn) -> None:
    while True:
        case = conn.recv()
        if case is None:
            return
        conn.send(run_one(case))


# ------------------------------------------------------------------------------- judging
def _dotted(data, key: str):
    for part in key.split("."):
        data = data[part]
    return data


def judge(case: dict, res: dict) -> str | None:
    """Why the outcome is wrong ('traceback: ...', 'wrong: ...'), or None when it is as expected."""
    if res["traceback"] or "Traceback" in res["err"]:
        return "traceback: " + (res["traceback"] or res["err"]).strip().splitlines()[-1][:200]
    exp = case["expect"]
    if res["rc"] != exp["rc"]:
        return f"wrong: exit {res['rc']}, expected {exp['rc']} (stderr {res['err'][:160]!r})"
    if exp["rc"] == 2:
        lines = [ln for ln in res["err"].splitlines() if ln.strip()]
        if len(lines) != 1:
            return f"wrong: {len(lines)} stderr lines, expected one"
        missing = [w for w in exp.get("names", []) if w not in lines[0]]
        return f"wrong: the error does not name {missing}: {lines[0][:200]!r}" if missing else None
    return _judge_output(exp, res["out"])


def _judge_output(exp: dict, out: str) -> str | None:
    if "stdout_is" in exp and out.strip() != exp["stdout_is"]:
        return f"wrong: stdout is {out[:120]!r}, expected {exp['stdout_is']!r}"
    if "stdout_has" in exp and exp["stdout_has"] not in out:
        return f"wrong: stdout lacks {exp['stdout_has']!r}"
    if "json" in exp:
        data = json.loads(out)
        for key, want in exp["json"].items():
            if _dotted(data, key) != want:
                return f"wrong: {key} is {_dotted(data, key)!r}, expected {want!r}"
    if "rows" in exp:
        rows = {str(r["row"]): r for r in map(json.loads, out.splitlines())}
        for row, want in exp["rows"].items():
            got = rows.get(row, {})
            if want.get("ok") and "error" in got:
                return f"wrong: row {row} failed: {got['error'][:120]}"
            if "error_has" in want and want["error_has"] not in got.get("error", "\0"):
                return f"wrong: row {row} error {got.get('error')!r} does not name {want['error_has']!r}"
    return None


# ------------------------------------------------------------------------------- the run
@dataclass
class Report:
    cases: int = 0
    tracebacks: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    slowest_s: float = 0.0

    def summary(self) -> str:
        return (f"{self.cases} cases: {len(self.tracebacks)} tracebacks, {len(self.hangs)} hangs, "
                f"{len(self.wrong)} silent wrong answers or unnamed errors")


def run_all(cases: list[dict], timeout_s: float = CASE_TIMEOUT_S) -> Report:
    import time

    import scenarios.cli  # noqa: F401 - imported before the fork, so each case pays only its own work

    ctx = multiprocessing.get_context("fork")
    report = Report()
    proc = conn = None
    for case in cases:
        if proc is None:
            conn, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child,), daemon=True)
            proc.start()
        started = time.perf_counter()
        conn.send(case)
        report.cases += 1
        if not conn.poll(timeout_s):
            proc.kill()
            proc.join()
            proc = None
            report.hangs.append(f"{case['id']}: no answer in {timeout_s:g} s")
            continue
        try:
            res = conn.recv()
        except EOFError:                 # the worker died (a crash below Python)
            proc.join()
            proc = None
            report.tracebacks.append(f"{case['id']}: the worker died")
            continue
        report.slowest_s = max(report.slowest_s, time.perf_counter() - started)
        why = judge(case, res)
        if why:
            (report.tracebacks if why.startswith("traceback") else report.wrong).append(f"{case['id']}: {why}")
    if proc is not None:
        conn.send(None)
        proc.join(timeout=5)
    return report


if __name__ == "__main__":
    rep = run_all(load_cases(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS))
    print(rep.summary())
    for line in rep.tracebacks + rep.hangs + rep.wrong:
        print("  " + line)
