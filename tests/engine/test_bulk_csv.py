"""``--from-csv`` reads, estimates and writes in chunks (ARCHITECTURE 4.3): the output does not
depend on the chunk size, rows are numbered across chunks, and ``--format csv`` holds the same
figures as the JSON lines."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from scenarios import cli

ROWS = ["model,hardware,batch,prompt_tokens,output_tokens",
        "llama-3-8b,nvidia-h100-sxm,4,512,128", "llama-3-8b,nvidia-l4,xx,512,128",
        "mistral-7b,nvidia-rtx-4090,1,2k,256", "llama-3.1-70b,nvidia-h100-sxm,16,1000,100",
        "qwen2.5-7b,apple-m2-max-38c,1,512,64", "phi-3.5-mini,nvidia-l4,8,128,32", "no-such,nvidia-l4,1,1,1"]


def _run(capsys, tmp_path, *flags) -> str:
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(ROWS) + "\n")
    assert cli.main(["estimate", "inference", "--from-csv", str(path), *flags]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("flags", [["--json"], ["--format", "csv"], []])
def test_the_output_does_not_depend_on_the_chunk_size(capsys, tmp_path, monkeypatch, flags):
    whole = _run(capsys, tmp_path, *flags)
    monkeypatch.setattr(cli, "CSV_CHUNK_ROWS", 3)
    assert _run(capsys, tmp_path, *flags) == whole


def test_format_csv_holds_the_json_lines_figures(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "CSV_CHUNK_ROWS", 2)
    lines = [json.loads(x) for x in _run(capsys, tmp_path, "--format", "jsonl").splitlines()]
    table = list(csv.DictReader(io.StringIO(_run(capsys, tmp_path, "--format", "csv"))))
    assert [int(r["row"]) for r in table] == [x["row"] for x in lines] == list(range(1, len(ROWS)))
    for rec, row in zip(lines, table):
        if "error" in rec:
            assert row["error"] == rec["error"]
            continue
        assert row["error"] == "" and row["hardware"] == rec["inputs"]["hardware"]
        assert int(row["batch"]) == rec["inputs"]["batch"]
        for key in ("weights_gb", "ttft_ms", "decode_tokens_per_s", "throughput_tokens_per_s", "devices_needed"):
            want, got = rec[key], row[key]
            assert (want is None and got == "") or math.isclose(float(got), want, rel_tol=1e-12), (key, got, want)


def test_format_without_from_csv_is_a_usage_error(capsys):
    rc = cli.main(["estimate", "inference", "--model", "llama-3-8b", "--hardware", "nvidia-l4", "--format", "csv"])
    assert rc == 2 and "--from-csv" in capsys.readouterr().err


def test_the_command_writes_many_chunks_in_order_to_a_file(capsys, tmp_path, monkeypatch):
    """The real command (its own process, stdout a file): chunks are formatted on a second thread
    while the next is estimated; what lands in the file is what one in-process chunk gives."""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "rows.csv"
    path.write_text(ROWS[0] + "\n" + "\n".join(ROWS[1:] * 6_000) + "\n")        # 42,000 rows: 3 chunks
    out = tmp_path / "out.csv"
    with out.open("wb") as fh:
        subprocess.run([sys.executable, "-m", "scenarios.cli", "estimate", "inference", "--from-csv", str(path),
                        "--format", "csv"], stdout=fh, check=True, cwd=Path(cli.__file__).resolve().parents[1])
    monkeypatch.setattr(cli, "CSV_CHUNK_ROWS", 100_000)
    assert cli.main(["estimate", "inference", "--from-csv", str(path), "--format", "csv"]) == 0
    assert out.read_text(encoding="utf-8") == capsys.readouterr().out
