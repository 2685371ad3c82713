"""Run the CLI in this process (``scenarios.cli.main``): the same parser, commands and one-line
errors as ``venture-lab``, without a new interpreter per call."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess

from scenarios.cli import main


def cli(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``venture-lab ARGS``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(list(args))
        except SystemExit as exc:       # argparse's own usage errors exit
            rc = int(exc.code or 0)
    return rc, out.getvalue(), err.getvalue()


def run(*args: str) -> subprocess.CompletedProcess:
    """``venture-lab ARGS`` in this process, answered like ``subprocess.run(..., text=True)``: tests
    written against a child process keep their assertions, and mutation testing can see which
    engine functions they reach (it cannot follow a child process)."""
    rc, out, err = cli(*args)
    return subprocess.CompletedProcess(["venture-lab", *args], rc, out, err)


def estimate(*args: str) -> dict:
    """``estimate inference ARGS --json`` as a dict (asserts it ran)."""
    rc, out, err = cli("estimate", "inference", *args, "--json")
    assert rc == 0, err
    return json.loads(out)


def assert_one_line_error(args, *words) -> None:
    rc, out, err = cli(*args)
    lines = err.strip().splitlines()
    assert rc == 2 and out == "" and len(lines) == 1 and "Traceback" not in err, (rc, err)
    for w in words:
        assert w in lines[0], lines[0]
