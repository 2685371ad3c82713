"""`venture-lab scenario run|validate|pdf` driven in this process (tests/engine/cli_inproc): the
help each command prints, the defaults it runs with, the one-line refusals naming the flag and the
accepted values, and the PDF written whole (replacing a file, readable as the umask allows, no
temp file left, a directory at the path refused and left alone)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scenarios.business.commands import _write_file, main
from scenarios.business.scenario import preset_ids
from scenarios.errors import VentureLabError
from tests.engine.cli_inproc import cli

PRESETS = ", ".join(preset_ids())


def test_scenario_help_lists_its_three_commands():
    rc, out, _ = cli("scenario", "--help")
    assert rc == 0
    assert "usage: venture-lab scenario [-h] {run,validate,pdf} ..." in out
    flat = " ".join(out.split())
    assert "run print a scenario's unit economics, build-vs-buy and uncertainty" in flat
    assert "validate check a scenario file against the schema and catalogs" in flat
    assert "pdf write the one-page PDF the pitch page offers (ARCHITECTURE 4.3)" in flat


def test_run_help_states_the_ranges_and_defaults():
    rc, out, _ = cli("scenario", "run", "--help")
    flat = " ".join(out.split())
    assert rc == 0
    assert "file scenario YAML file (or a preset id: nlp, vision, ...)" in flat
    assert "--json print one JSON object" in flat
    assert "--samples SAMPLES Monte Carlo samples, 100..1000000 (default 10000)" in flat
    assert "--seed SEED Monte Carlo seed, 0..4294967295 (default 0)" in flat


def test_pdf_help_states_the_output_and_languages():
    rc, out, _ = cli("scenario", "pdf", "--help")
    flat = " ".join(out.split())
    assert rc == 0
    assert "file scenario YAML file (or a preset id: nlp, vision, ...)" in flat
    assert "--output OUTPUT where to write the PDF (an existing file is replaced)" in flat
    assert "--lang {en,zh} language of the PDF's labels: en (default) or zh" in flat


def test_a_command_is_required():
    rc, out, err = cli("scenario")
    assert (rc, out) == (2, "")
    assert err.strip().endswith("venture-lab scenario: the following arguments are required: "
                                "{run,validate,pdf}")


def test_run_defaults_to_ten_thousand_samples_and_seed_zero():
    rc, out, err = cli("scenario", "run", "nlp", "--json")
    assert rc == 0, err
    mc = json.loads(out)["monte_carlo"]
    assert (mc["samples"], mc["seed"]) == (10_000, 0)


def test_run_takes_the_ends_of_the_sample_and_seed_ranges():
    rc, out, err = cli("scenario", "run", "nlp", "--json", "--samples", " 100 ", "--seed", "4294967295")
    assert rc == 0, err
    mc = json.loads(out)["monte_carlo"]
    assert (mc["samples"], mc["seed"]) == (100, 4_294_967_295)
    assert set(mc["serving_usd_month"]) == {"p10", "p50", "p90"}


@pytest.mark.parametrize("flag, value, accepted", [
    ("--samples", "99", "100..1000000"), ("--samples", "1000001", "100..1000000"), ("--samples", "1e4", "100..1000000"),
    ("--seed", "-1", "0..4294967295"), ("--seed", "4294967296", "0..4294967295"),
])
def test_out_of_range_samples_and_seeds_name_the_flag_and_range(flag, value, accepted):
    rc, out, err = cli("scenario", "run", "nlp", flag, value)
    assert (rc, out) == (2, "")
    assert err.strip().endswith(f"venture-lab scenario run: argument {flag}: {flag}: must be a whole number "
                                f"in {accepted} (got '{value}'); accepted: {accepted}")


def test_run_refuses_samples_out_of_range_from_callers_that_skip_the_parser(capsys):
    import argparse

    from scenarios.business.commands import cmd_run

    for n in (99, 1_000_001):
        assert cmd_run(argparse.Namespace(file="nlp", samples=n, seed=0, json=True)) == 2
        assert capsys.readouterr().err == \
            f"venture-lab scenario run: --samples: must be between 100 and 1000000 (got {n})\n"


def test_validate_says_ok_with_the_schema_and_target_count():
    assert cli("scenario", "validate", "nlp") == (0, "ok: nlp (schema v3, 3 targets)\n", "")


@pytest.mark.parametrize("path, problem", [
    ("", "is empty: give a scenario file path or a preset id (got '')"),
    ("   ", "is empty: give a scenario file path or a preset id (got '   ')"),
    ("no-such-preset", "cannot read file (No such file or directory) (got 'no-such-preset')"),
])
def test_a_missing_file_names_the_presets_it_could_have_been(path, problem):
    rc, out, err = cli("scenario", "validate", path)
    assert (rc, out) == (2, "")
    assert err == f"venture-lab scenario validate: file: {problem}; accepted: a scenario YAML file, or a preset id: " \
                  f"{PRESETS}\n"


def test_a_folder_or_a_binary_file_is_refused_naming_the_path(tmp_path):
    rc, _, err = cli("scenario", "run", str(tmp_path))
    assert rc == 2
    assert err.startswith(f"venture-lab scenario run: file: is a folder; give a file (got '{tmp_path}'); accepted: ")
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert cli("scenario", "run", str(binary)) == (2, "", f"venture-lab scenario run: file: is not UTF-8 text "
                                                         f"(got '{binary}')\n")


def test_a_file_named_like_a_preset_is_read_as_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("nlp").write_text("schema_version: 3\nid: x\n", encoding="utf-8")
    rc, _, err = cli("scenario", "validate", "nlp")
    assert rc == 2 and "venture-lab scenario validate: " in err          # the file, not the preset


def test_pdf_replaces_a_file_and_leaves_no_temp_file(tmp_path):
    out = tmp_path / "pitch.pdf"
    out.write_bytes(b"an older export")
    old = os.umask(0o002)
    try:
        rc, stdout, err = cli("scenario", "pdf", "nlp", "--output", str(out))
    finally:
        os.umask(old)
    assert rc == 0, err
    size = out.stat().st_size
    assert stdout == f"wrote {out} ({size:,} bytes, one page) for nlp\n"
    assert out.read_bytes().startswith(b"%PDF-")
    assert out.stat().st_mode & 0o777 == 0o664                    # 0666 less the umask, not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pitch.pdf"]


@pytest.mark.parametrize("where, problem", [
    ("", "is empty: give a file path for the PDF (got '')"),
    (".", "is a directory: give a file path for the PDF (got '.')"),
    ("missing/pitch.pdf", "must be in an existing folder (got 'missing/pitch.pdf')"),
])
def test_a_bad_output_path_is_refused_before_any_work(where, problem, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("scenario", "pdf", "nlp", "--output", where) == (2, "", f"venture-lab scenario pdf: --output: {problem}\n")
    assert list(tmp_path.iterdir()) == []


def test_an_output_name_the_os_refuses_is_named_with_the_reason(tmp_path):
    long = tmp_path / ("a" * 250 + ".pdf")
    rc, _, err = cli("scenario", "pdf", "nlp", "--output", str(long))
    assert rc == 2
    assert err.startswith("venture-lab scenario pdf: --output: cannot be written (File name too long) (got '")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_that_appears_at_the_path_is_refused_and_left_alone(tmp_path):
    target = tmp_path / "pitch.pdf"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(VentureLabError) as err:
        _write_file(target, b"%PDF-1.4", "--output")
    assert str(err.value) == f"--output: cannot be written (Is a directory) (got '{target}')"
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pitch.pdf"]           # the temp file is gone


def test_the_module_runs_on_its_own():
    assert main(["validate", "nlp"]) == 0


def test_the_json_carries_the_monte_carlo_and_tornado_as_the_run_made_them():
    from scenarios.business.runner import run
    from scenarios.business.scenario import load_preset

    rc, out, err = cli("scenario", "run", "nlp", "--json", "--samples", "200", "--seed", "3")
    assert rc == 0, err
    d = json.loads(out)
    full = run(load_preset("nlp"), samples=200, seed=3)
    mc = full.monte_carlo
    assert "curves" not in d and d["scenario_id"] == "nlp"
    band = lambda r: {"p10": r.low, "p50": r.expected, "p90": r.high}       # noqa: E731
    assert d["monte_carlo"] == {
        "samples": 200, "seed": 3, "serving_usd_month": band(mc.cost_usd_month), "gross_margin": band(mc.margin),
        "point_percentile": mc.point_percentile,
        "options_usd_month": {k: band(v) if v is not None else {"p10": None, "p50": None, "p90": None}
                              for k, v in mc.options_usd_month.items()},
        "inputs": [{"name": n, "low": r.low, "mode": r.expected, "high": r.high} for n, r in mc.inputs.items()]}
    assert d["tornado"] == [{"name": b.name, "low": b.input.low, "high": b.input.high,
                             "margin_at_low": b.margin_at_low, "margin_at_high": b.margin_at_high, "swing": b.swing}
                            for b in full.tornado]


def test_a_run_without_a_gross_margin_band_writes_nulls():
    from scenarios.business.commands import run_payload
    from scenarios.business.runner import run
    from scenarios.business.scenario import from_dict
    from tests.scenarios.conftest import golden_dict

    d = golden_dict()
    d["pricing"] = {"model": "subscription", "usd_per_user_month": 0}
    full = run(from_dict(d), samples=100, seed=0)
    assert full.monte_carlo.margin is None
    assert run_payload(full)["monte_carlo"]["gross_margin"] == {"p10": None, "p50": None, "p90": None}
