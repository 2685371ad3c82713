"""Odd CLI arguments (found by fuzzing `venture-lab`): every one exits 2 with ONE stderr line that
names the input and what is accepted -- never a traceback, never a bare argparse/numpy message.

In-process through ``scenarios.cli.main`` (what the `venture-lab` script calls) so the many cases
stay fast; tests/engine/test_cli.py covers the real subprocess.
"""

from __future__ import annotations

import json
import os

import pytest

from scenarios import cli

INF = ["estimate", "inference", "--model", "llama-2-7b", "--hardware", "nvidia-h100-sxm"]
TRAIN = ["estimate", "training", "--model", "llama-2-7b", "--hardware", "nvidia-h100-sxm", "--tokens", "1T"]


def one_line_error(argv, capsys, *words):
    rc = cli.main(argv)                     # an uncaught exception fails the test with its traceback
    out, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc == 2, (argv, err)
    assert len(lines) == 1, lines
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


ODD = ["-1", "0", "1e400", "nan", "inf", "-inf", "-1e5", "", "名字", "999999T", "1k5", "0x10", "9" * 400]


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("flag", ["--batch", "--devices", "--utilisation"])
def test_odd_inference_numbers(flag, value, capsys):
    one_line_error([*INF, flag, value], capsys, flag)


@pytest.mark.parametrize("value", ["-inf", "-1e5", "nan", "999999T"])
@pytest.mark.parametrize("flag", ["--tokens", "--mfu", "--seq-len"])
def test_odd_training_numbers(flag, value, capsys):
    one_line_error([*TRAIN, flag, value], capsys, flag)


def test_negative_infinity_is_read_as_a_value_not_an_option(capsys):
    # argparse alone reads "-inf" as an option and says "--batch: expected one argument" (no accepted values)
    line = one_line_error([*INF, "--batch", "-inf"], capsys, "--batch", "accepted")
    assert "expected one argument" not in line


@pytest.fixture
def odd_files(tmp_path):
    (tmp_path / "bin.json").write_bytes(os.urandom(256) + b"\xff\xfe")
    (tmp_path / "cfgdir").mkdir()
    (tmp_path / "cfgdir" / "config.json").write_bytes(b"\x00\x01\xffgarbage")
    (tmp_path / "dev_types.json").write_text(json.dumps({"id": 5, "memory_gb": True}))
    (tmp_path / "dev_dict.yaml").write_text("id: x\nmemory_gb: 80\nmemory_bandwidth_gb_s: 1000\n"
                                            "peak_tflops_fp16: {a: 1}\n")
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "empty.yaml").write_text("")
    return tmp_path


@pytest.mark.parametrize("name", ["cfgdir", "cfgdir/config.json", "bin.json", "list.json", "missing/config.json"])
def test_odd_model_paths(name, odd_files, capsys):
    one_line_error(["estimate", "inference", "--model", str(odd_files / name), "--hardware", "nvidia-t4"],
                   capsys, "--model")


@pytest.mark.parametrize("name", [".", "bin.json", "dev_types.json", "dev_dict.yaml", "list.json", "empty.yaml"])
def test_odd_device_files(name, odd_files, capsys):
    line = one_line_error(["estimate", "inference", "--model", "llama-2-7b", "--hardware", str(odd_files / name)],
                          capsys, "--hardware")
    if name.startswith("dev_"):               # a bad field inside the file: the file is named too
        assert f"in device file {name}" in line


def test_bad_field_in_a_config_json_names_the_flag_and_file(tmp_path, capsys):
    (tmp_path / "config.json").write_text(json.dumps({"hidden_size": 64, "num_hidden_layers": -3}))
    one_line_error(["estimate", "inference", "--model", str(tmp_path / "config.json"), "--hardware", "nvidia-t4"],
                   capsys, "--model", "config.json", "num_hidden_layers")


def test_csv_where_every_row_fails_still_says_why_on_stderr(tmp_path, capsys):
    f = tmp_path / "rows.csv"
    f.write_text("model,hardware,batch\nllama-2-7b,nvidia-t4,nan\nllama-2-7b,nvidia-t4,1e400\n")
    one_line_error(["estimate", "inference", "--from-csv", str(f)], capsys, "--from-csv", "2 rows")


@pytest.mark.parametrize("sub", ["run", "validate"])
@pytest.mark.parametrize("name", ["missing.yaml", ".", "bin.json", "empty.yaml", "list.json", ""])
def test_odd_scenario_files(sub, name, odd_files, capsys):
    arg = "" if name == "" else str(odd_files / name)
    line = one_line_error(["scenario", sub, arg], capsys, f"scenario {sub}", "file")
    assert "(got " in line                   # the file is named (was missing for binary/empty files)


@pytest.mark.parametrize(("flag", "value"), [("--seed", "-1"), ("--seed", "nan"), ("--samples", "1e400"),
                                             ("--samples", "abc"), ("--samples", "0")])
def test_odd_monte_carlo_flags(flag, value, capsys):
    # numpy's own message ("expected non-negative integer") would name neither the flag nor the range
    one_line_error(["scenario", "run", "nlp", flag, value], capsys, flag, "accepted")
