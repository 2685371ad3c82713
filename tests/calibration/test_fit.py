"""The fit is reproducible and meets the issue's held-out targets (computed, not timed)."""

from __future__ import annotations

import json

import numpy as np

from scenarios.calibration.bands import coverage_table
from scenarios.calibration.fit import compare_factors
from scenarios.calibration.mfu import load_training
from scenarios.calibration.report import BEGIN, END, METHODOLOGY_MD
from scenarios.calibration.rows import FACTORS_JSON, hw_fields, load_rows
from scenarios.engine import speed

COMMITTED = json.loads(FACTORS_JSON.read_text(encoding="utf-8"))


def test_refit_reproduces_committed_json(fresh_fit):
    factors, _ = fresh_fit
    diffs = compare_factors(COMMITTED, factors, rtol=0.02)
    assert diffs == [], "data/fitted_factors.json is stale; rerun `python -m scenarios.calibration fit`:\n" + "\n".join(diffs[:20])


def test_loho_targets(fresh_fit):
    s = fresh_fit[0]["summary"]
    # the accuracy targets docs/methodology.md states for leave-one-hardware-out on the calibration set
    # before the phone rows joined it: the phone rows are fitted apart and must leave them as they were
    assert s["loho_median_abs_err_decode_b1_pct_without_phones"] <= 8.0
    assert s["loho_median_abs_err_prefill_pct_without_phones"] <= 15.0
    assert s["loho_band_coverage_pct_without_phones"] >= 80.0
    assert s["median_band_high_over_low_without_phones"] <= 1.6
    # over every row, phones included (docs/methodology.md states both)
    assert s["loho_median_abs_err_decode_b1_pct"] <= 12.0
    assert s["loho_median_abs_err_prefill_pct"] <= 25.0
    assert s["loho_band_coverage_pct"] >= 80.0
    assert s["median_band_high_over_low"] <= 2.0


def test_phone_rows_leave_the_other_groups_as_they_were(fresh_fit):
    """The phone groups are fitted second, with every other factor fixed: a fit without the phone
    rows gives the other groups, the format factors and their bands unchanged."""
    from scenarios.calibration.fit import bands_by_family, fit_inference
    from scenarios.calibration.rows import catalogs
    from scenarios.calibration.work import build_work
    factors, rep = fresh_fit
    hw, models = catalogs()
    w = build_work(load_rows(phones=False), hw, models)
    alone = fit_inference(w)
    # the JSON keeps 6 significant figures: up to 5e-6 apart from the unrounded fit
    assert compare_factors(alone["format_factors"], factors["format_factors"], rtol=1e-5) == []
    for key, g in alone["groups"].items():
        assert compare_factors({k: g[k] for k in ("eff_bw", "eff_compute")},
                               {k: factors["groups"][key][k] for k in ("eff_bw", "eff_compute")}, rtol=1e-4) == []
    # the bands of the other groups come from the other groups' rows only; the fallback band takes
    # every row predicted on borrowed factors, the phones' too (a borrowed path anywhere)
    lo, ins = rep["loho"], rep["insample"]
    bands, unc = bands_by_family(lo[lo["hw_class"] != "phone"], ins[ins["hw_class"] != "phone"], sorted(alone["groups"]))
    assert compare_factors(bands, {k: factors["bands"][k] for k in bands}, rtol=1e-6) == []
    _, unc_all = bands_by_family(lo, ins, sorted(factors["groups"]))
    assert compare_factors(unc_all, factors["uncalibrated_band"], rtol=1e-6) == []
    borrowed_phone_prefill = lo[(lo["hw_class"] == "phone") & ~lo["calibrated"] & (lo["kind"] == "prefill")]
    assert len(borrowed_phone_prefill) and str(len(borrowed_phone_prefill) + int(unc["prefill_basis"].split()[0])) \
        == factors["uncalibrated_band"]["prefill_basis"].split()[0]
    assert sorted(k for k in factors["groups"] if k.startswith("phone|")) == ["phone|executorch", "phone|mlc", "phone|qnn"]


def test_llama_cpp_rows_on_a_phone_cpu_carry_a_compute_factor_of_their_own(fresh_fit):
    """llama.cpp's CPU prompt processing reaches a lower share of a phone CPU's peak than ExecuTorch's:
    its rows share the CPU group with a compute factor of their own, so a phone held out is predicted
    on the other phone's llama.cpp factor (one shared efficiency put them 40-66 % fast)."""
    from scenarios.calibration.fit import err_pct
    factors, rep = fresh_fit
    assert 0.3 < factors["groups"]["phone|executorch"]["software_compute"]["llama.cpp"] < 0.9
    lo = rep["loho"]
    held = lo[(lo["hw_class"] == "phone") & (lo["software"] == "llama.cpp") & (lo["kind"] == "prefill")]
    assert held["hardware"].nunique() >= 2 and held["calibrated"].all()
    assert err_pct(held["log_ratio"]) <= 30.0


def test_every_reporting_class_is_reported_with_its_verdict(fresh_fit):
    from scenarios.calibration.classes import class_table
    factors, rep = fresh_fit
    t = class_table(rep["loho"], factors).set_index("class")
    assert {"phone CPU", "phone GPU", "phone NPU", "Apple"} <= set(t.index)
    for cls in ("phone CPU", "phone GPU", "phone NPU"):
        assert t.loc[cls, "rows"] >= 8 and t.loc[cls, "devices"] >= 2
    # the verdict follows the figures: Apple meets every target, a class failing one says which
    assert t.loc["Apple", "targets met"] == "yes"
    assert all(v == "yes" or v.startswith("no: ") for v in t["targets met"])
    section = METHODOLOGY_MD.read_text(encoding="utf-8").split(BEGIN)[1].split(END)[0]
    assert "| phone NPU |" in section


def test_loho_really_holds_out(fresh_fit):
    """Every held-out row comes from a fit that did not see its device: a device alone in its group
    must be predicted on another group's (fallback) factors."""
    lo = fresh_fit[1]["loho"]
    singles = lo[lo["hardware"].isin(["nvidia-jetson-orin-nano-8gb"])]
    assert len(singles) > 0 and not singles["calibrated"].any()
    # two Raspberry Pi boards (Pi 5, Pi 500+): holding one out leaves cpu-sbc's decode calibrated on
    # the other; a prefill row is calibrated only if another board has prefill rows (else borrowed)
    boards = lo[lo["hw_class"] == "cpu-sbc"]
    assert boards["hardware"].nunique() >= 2 and boards.loc[boards["kind"] == "decode", "calibrated"].all()
    pre = boards[boards["kind"] == "prefill"]
    assert len(pre) > 0
    for hw, cal in zip(pre["hardware"], pre["calibrated"]):
        assert cal == (pre["hardware"] != hw).any()
    apple = lo[lo["hw_class"] == "apple"]
    assert apple["calibrated"].all()
    # five GeForce cards: holding one out leaves its group calibrated on the other four
    consumer = lo[lo["hw_class"] == "nvidia-consumer"]
    assert consumer["hardware"].nunique() >= 5 and consumer["calibrated"].all()


def test_many_core_ollama_rows_are_left_out_and_checked(fresh_fit):
    """The AmpereOne Ollama rows are not fitted but predicted in the report: the estimate runs too fast
    there (thread synchronisation on 192 cores), worst on the smallest model."""
    rep = fresh_fit[1]
    rows = rep["rows"]
    many = rows[rows["hardware"] == "ampere-ampereone-a192-32x"]
    assert len(many) >= 4 and not many["use"].any()
    chk = rep["many_core_rows"]
    assert len(chk) == len(many) and (chk["err_pct"] > 0).all()
    assert chk.loc[chk["model"] == "llama-3.2-3b", "err_pct"].iloc[0] == chk["err_pct"].max()


def test_coverage_counts_rows_outside(fresh_fit):
    """The coverage check can fail: shrinking every band to nothing leaves few rows inside."""
    factors, rep = fresh_fit
    tight = json.loads(json.dumps(factors))
    for g in tight["bands"].values():
        g["decode"], g["prefill"] = [0.999, 1.001], [0.999, 1.001]
    tight["uncalibrated_band"]["decode"] = tight["uncalibrated_band"]["prefill"] = [0.999, 1.001]
    cov = coverage_table(rep["loho"], tight)
    assert cov["inside"].mean() < 0.2


def test_few_parameters_and_no_per_device_factors():
    # one group per measured (class, runtime) pair, never one per device; the parameter count is
    # bounded by the evidence: at least five fitted rows per parameter (cap raised from 10 to 12 with
    # the cpu-server|openvino group, which brings 30 decode rows from two Xeon servers)
    groups = COMMITTED["groups"]
    assert len(groups) <= 12
    for key in groups:
        cls, rt = key.split("|")
        assert cls in speed.HW_CLASSES and rt in speed.RUNTIMES
    n_params = 3 * len(groups) + 4
    assert n_params * 5 <= COMMITTED["summary"]["rows_used"]


def test_every_fitted_parameter_is_listed_in_methodology():
    text = METHODOLOGY_MD.read_text(encoding="utf-8")
    section = text.split(BEGIN)[1].split(END)[0]
    for key, g in COMMITTED["groups"].items():
        assert key.replace("|", "\\|") in section
        assert f"{g['eff_bw']:.3g}" in section
    s = COMMITTED["summary"]
    assert f"{s['loho_median_abs_err_decode_b1_pct']:.1f} %" in section


def test_rows_map_to_catalog_ids():
    from scenarios.engine import catalog
    rows = load_rows()
    used = rows[rows["use"]]
    assert set(used["hardware"]) <= set(catalog.load_hardware())
    assert set(used["model_id"]) <= set(catalog.load_models())
    assert set(used["format_id"]) <= set(catalog.load_formats())
    assert used["runtime"].isin(speed.RUNTIMES).all()
    # every exclusion carries its reason
    assert (rows.loc[~rows["use"], "why_excluded"] != "").all()


def test_mfu_fit_is_physical():
    m = COMMITTED["mfu"]
    for gen in m["intercept"]:
        r = speed.mfu_for(gen, [0.1, 7.0, 70.0, 400.0])
        assert np.all((r.mfu > 0.05) & (r.mfu < 0.75))
        assert np.all(r.mfu_low < r.mfu) and np.all(r.mfu < r.mfu_high)


def test_training_mfu_measured_from_runs():
    from scenarios.engine.catalog import load_hardware
    tr = load_training({h: hw_fields(v) for h, v in load_hardware().items()})
    # LLaMA-7B: 6*6.7e9*1e12 + attention over 82,432 A100-hours at 312 TFLOPS -> ~0.47 (Touvron 2023)
    llama7 = tr[tr["model"] == "LLaMA-7B"]["mfu"].iloc[0]
    assert 0.4 < llama7 < 0.55


def test_unfitted_max_batch_rows_are_predicted_within_15_percent(fresh_fit):
    """Out-of-sample check: TensorRT-LLM in-flight-batching rows, excluded from the fit."""
    d = fresh_fit[1]["max_rows"]
    assert len(d) >= 5
    assert np.median(np.abs(d["err_pct"])) <= 15.0
