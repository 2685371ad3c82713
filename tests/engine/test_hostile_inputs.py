"""Input hardening at the causes (issue 13), through the CLI: number parsing is linear-time, a
file read stops at the size limit before reading the rest, and a device file's duplicate key is
refused (the corpus in tests/fuzz holds the many variants; these pin the budgets)."""

from __future__ import annotations

import os
import time
import tracemalloc

from scenarios import cli

INF = ["estimate", "inference", "--model", "llama-3-8b", "--json"]


def _one_line(capsys) -> str:
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _refusal_s(capsys, value: str) -> float:
    """Best of three: seconds for the CLI to refuse ``--batch value`` (one line naming --batch)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        rc = cli.main([*INF, "--hardware", "nvidia-h100-sxm", "--batch", value])
        best = min(best, time.perf_counter() - started)
        assert rc == 2 and "--batch" in _one_line(capsys)
    return best


def test_a_number_with_64k_spaces_inside_is_refused_in_milliseconds(capsys):
    # against the same refusal of a short value, so the machine's load cancels out
    extra_s = _refusal_s(capsys, "1" + " " * 65536 + "x") - _refusal_s(capsys, "1 x")
    assert extra_s < 0.05, f"64k spaces added {extra_s:.3f} s (budget 0.05 s; parsing was quadratic in them)"


def test_an_oversized_device_file_is_refused_without_reading_it_whole(tmp_path, capsys):
    big = tmp_path / "board.yaml"
    with big.open("wb") as fh:           # 200 MB, sparse: costs no disk
        fh.truncate(200_000_000)
    tracemalloc.start()
    try:
        rc = cli.main([*INF, "--hardware", str(big)])
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    line = _one_line(capsys)
    assert rc == 2 and "--hardware" in line and "larger than 1 MB" in line
    assert peak_bytes < 20_000_000, f"the refusal allocated {peak_bytes / 1e6:.0f} MB (budget 20 MB)"


def test_a_duplicate_key_in_a_device_file_is_refused_by_name(tmp_path, capsys):
    path = tmp_path / "board.yaml"
    path.write_text("memory_gb: 16\nmemory_bandwidth_gb_s: 100\npeak_tflops_fp16: 20\nmemory_gb: 99999\n")
    assert cli.main([*INF, "--hardware", str(path)]) == 2
    line = _one_line(capsys)
    assert "--hardware" in line and "memory_gb" in line and "twice" in line


def test_a_fifo_as_a_device_file_answers_at_once(tmp_path, capsys):
    fifo = tmp_path / "board.yaml"
    os.mkfifo(fifo)
    # no writer ever opens it: a blocking open would wait forever (pytest's timeout would end it)
    assert cli.main([*INF, "--hardware", str(fifo)]) == 2
    assert "regular file" in _one_line(capsys)
