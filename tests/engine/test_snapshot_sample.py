"""A fast slice of the CLI snapshot, re-run in this process: the three catalog listings and single
`estimate inference`, `estimate training` and `scenario run` commands over the representative
models, every snapshot device and both option sets, each compared field by field (1e-9 relative,
texts exactly) with what tests/snapshots/cli.jsonl.gz recorded. The whole snapshot
(tests/test_snapshots.py) takes half a minute; this slice takes two seconds, so it also runs
against every mutant in `make mutation`."""

from __future__ import annotations

import json

import pytest

from tools import cli_snapshot

SLICE_MODELS = set(cli_snapshot.REP_MODELS) | {"llama-3.2-1b", "qwen3-0.6b", "phi-4", "whisper-small"}
PRESETS = {"nlp", "autonomous-driving", "recommendation"}


def _slice() -> list[dict]:
    picked = []
    for rec in cli_snapshot.read():
        cmd = rec["cmd"]
        if cmd[:2] == ["estimate", "inference"] and cmd[3] in SLICE_MODELS:
            picked.append(rec)
        elif cmd[:2] == ["estimate", "training"] and cmd[3] in SLICE_MODELS:
            picked.append(rec)
        elif cmd[:2] == ["scenario", "run"] and cmd[2] in PRESETS:
            picked.append(rec)
        elif cmd[0] == "catalog":               # the three listings: every catalog row and field
            picked.append(rec)
    return picked


SLICE = _slice()


def test_the_slice_reaches_every_kind_of_command_and_device():
    kinds = {tuple(r["cmd"][:2]) for r in SLICE}
    assert kinds == {("estimate", "inference"), ("estimate", "training"), ("scenario", "run"),
                     ("catalog", "hardware"), ("catalog", "models"), ("catalog", "formats")}
    devices = {r["cmd"][5] for r in SLICE if r["cmd"][1] == "inference"}
    recorded = {r["cmd"][5] for r in cli_snapshot.read() if r["cmd"][:2] == ["estimate", "inference"]}
    assert devices == recorded
    assert len(SLICE) >= 200


@pytest.mark.parametrize("rec", SLICE, ids=lambda r: " ".join(r["cmd"][2:6] + r["cmd"][7:9]))
def test_the_cli_answers_as_recorded(rec):
    cmd = rec["cmd"]
    argv = cmd
    if cmd[:2] == ["scenario", "run"]:        # recorded by preset name, run from its file
        argv = ["scenario", "run", str(next(cli_snapshot.ROOT.glob(f"scenarios/**/presets/{cmd[2]}.yaml"))),
                *cmd[3:]]
    rc, out, err = cli_snapshot._run(argv)
    now = {"cmd": cmd, "rc": rc, "out": json.loads(out) if rc == 0 else err.strip()}
    assert cli_snapshot.differences(rec, now, " ".join(cmd[:6])) == []
