"""Phones by compute path (issue 10): published on-device measurements kept out of every fit, each
with its path, a dated source and a verified flag; the methodology section is the check's output."""

from __future__ import annotations

import re

import pytest

from scenarios.calibration import phones
from scenarios.engine.catalog import load_hardware


@pytest.fixture(scope="module")
def rows():
    return phones.load_phones()


def test_every_row_has_a_path_a_dated_source_and_a_verified_flag(rows):
    assert set(rows["path"]) == set(phones.PATHS)
    assert rows["source"].str.contains(r"https?://").all()
    assert rows["source"].str.contains(r"\b20\d\d\b").all(), "every source carries the year it was published"
    assert rows["verified"].map(type).eq(bool).all()
    assert (rows["value"] > 0).all() and rows["batch"].eq(1).all()


def test_each_path_holds_at_least_eight_rows_from_two_catalog_phones(rows):
    catalog = load_hardware()
    for path in phones.PATHS:
        sel = rows[(rows["path"] == path) & rows["hardware"].isin(catalog)]
        assert len(sel) >= 8 and sel["hardware"].nunique() >= 2, path
        assert {catalog[h].hw_class for h in sel["hardware"]} == {"phone"}


def test_the_methodology_section_is_the_checks_current_output():
    ev = phones.evaluate()
    text = (phones.external.METHODOLOGY).read_text(encoding="utf-8")
    assert phones.methodology_section(ev) in text, "run: python -m scenarios.calibration.phones --write"
    # every row is either answered by the engine or says why not
    assert (ev["answered"] | ev["reason"].ne("")).all()
    assert ev.loc[ev["answered"], "predicted"].astype(float).gt(0).all()


def test_a_row_the_engine_refuses_names_the_runtime(rows):
    """qnn on an Apple phone: the engine has no such path, and the row says so (not a silent guess)."""
    asked = rows[(rows["hardware"] == "apple-a18-pro") & rows["metric"].eq("decode_tokens_per_s")].head(2)
    ev = phones.evaluate(asked.assign(runtime="qnn", path="npu").reset_index(drop=True))
    assert (~ev["answered"]).all()
    assert ev["reason"].str.contains("no compute path on apple-a18-pro").all()
    other = phones.evaluate(asked.assign(runtime="tensorrt-llm").reset_index(drop=True))
    assert other["reason"].str.contains("tensorrt-llm on the CPU: a runtime the engine does not model").all()


def test_held_out_rows_are_never_fitted_and_are_answered():
    from scenarios.calibration.rows import load_rows
    ev = phones.evaluate()
    held = ev[ev["held_out"]]
    assert 0.1 < len(held) / ev["answered"].sum() < 0.4
    fitted = load_rows()
    fitted = fitted[fitted["use"] & fitted["hardware"].isin(ev["hardware"])]
    key = ["hardware", "model", "metric", "value"]
    assert fitted[key].merge(held.rename(columns={"model": "model"})[key]).empty
    assert held["answered"].all()


def test_rows_kept_out_for_a_stated_condition_are_never_fitted_but_predicted(rows):
    """A row measured under a condition the engine does not model (react-native-executorch's 4-thread
    pool on an iPhone) stays out of the fit, says why, and is still asked as an out-of-sample check;
    the same project's earlier table (before that thread cap) is not kept out."""
    from scenarios.calibration.phone_rows import KEPT_OUT, kept_out
    from scenarios.calibration.rows import load_rows
    ev = phones.evaluate()
    kept = ev[ev["out_of_sample"]]
    assert kept["reason"].str.startswith(KEPT_OUT).all() and not kept["answered"].any()
    assert kept["predicted"].astype(float).gt(0).all()
    assert len(phones.kept_out_table(ev)) == len(kept)
    iphone17 = rows[(rows["hardware"] == "apple-a19-pro") & rows["software"].str.contains("react-native-executorch")]
    iphone16 = rows[(rows["hardware"] == "apple-a18-pro") & rows["software"].str.contains("react-native-executorch")]
    assert len(iphone17) and all(kept_out(r) for _, r in iphone17.iterrows())
    assert len(iphone16) and not any(kept_out(r) for _, r in iphone16.iterrows())
    fitted = load_rows()
    fitted = fitted[fitted["use"]]
    key = ["hardware", "model", "metric", "value"]
    assert fitted[key].merge(kept[key]).empty


@pytest.mark.parametrize("column, value, word", [("path", "tpu", "tpu"), ("metric", "joules", "joules")])
def test_a_file_with_an_unknown_path_or_metric_is_refused_by_name(tmp_path, rows, column, value, word):
    bad = rows.head(2).copy()
    bad.loc[bad.index[0], column] = value
    bad.to_csv(tmp_path / "p.csv", index=False)
    with pytest.raises(ValueError, match=re.escape(word)):
        phones.load_phones(tmp_path / "p.csv")



def test_llama_cpp_phone_cpu_decode_keeps_pace_with_the_cores_not_the_dram():
    """The finding docs/methodology.md states (known limits): on the models both PocketPal phones ran
    in q4_0, llama.cpp's CPU decode unpacks the same weight bytes per FLOP of the CPU path's FP32 peak
    on the 8 Gen 2 and the 8 Elite Gen 5, while the shares of DRAM bandwidth they read are far apart."""
    import numpy as np

    from scenarios.calibration.report import KNOWN_LIMITS
    from scenarios.calibration.rows import catalogs, load_rows
    from scenarios.calibration.work import build_work
    hw, models = catalogs()
    w = build_work(load_rows(), hw, models)
    pick = ((w["engine_runtime"] == "llama.cpp") & (w["hw_class"] == "phone") & (w["format"] == "q4_0")
            & (w["metric"] == "decode_tokens_per_s"))
    by_model: dict[str, dict[str, tuple[float, float]]] = {}
    for i in np.nonzero(pick)[0]:
        bytes_s = w["measured"][i] * w["wbytes"][i]
        by_model.setdefault(w["rows"]["model"].iloc[i], {})[w["hardware"][i]] = (bytes_s / w["fp32"][i],
                                                                                 bytes_s / w["bw"][i])
    both = {m: v for m, v in by_model.items() if {"qualcomm-snapdragon-8-gen-2",
                                                  "qualcomm-snapdragon-8-elite-gen-5"} <= set(v)}
    assert len(both) >= 3
    for m, v in both.items():
        (per_flop_old, dram_old) = v["qualcomm-snapdragon-8-gen-2"]
        (per_flop_new, dram_new) = v["qualcomm-snapdragon-8-elite-gen-5"]
        assert 0.053 <= min(per_flop_old, per_flop_new) and max(per_flop_old, per_flop_new) <= 0.0605, m
        assert abs(per_flop_old / per_flop_new - 1) < 0.05, m
        assert dram_new / dram_old > 1.5, m
    assert "0.053-0.060 weight bytes per FLOP" in " ".join(KNOWN_LIMITS)
