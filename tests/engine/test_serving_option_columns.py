"""Serving options resolved per row (scenarios.engine.serving_options): the split's default per
runtime, shares in 0..1, speculative presets and draft models with their cost ratio, each refusal
marked on its own rows only, and the assumptions the options add to an estimate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.engine import serving_options as so
from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.memory import model_arrays
from scenarios.engine.serving_inputs import RowErrors


def messages(errors: RowErrors) -> list:
    return [None if e is None else (e.field, e.problem, e.got, e.accepted) for e in errors.errors]


def test_split_defaults_to_layers_on_llama_cpp_and_tensor_parallel_elsewhere():
    errors = RowErrors(3)
    rt = np.array(["llama.cpp", "vllm", "mlc"], dtype=object)
    out = so.resolve_parallel(None, rt, np.zeros(3), 3, errors)
    assert list(out) == ["layer", "tp", "tp"] and not errors.bad.any()
    out = so.resolve_parallel(["", " PP ", None], rt, np.zeros(3), 3, errors)
    assert list(out) == ["layer", "pp", "tp"] and not errors.bad.any()


def test_split_refusals_are_marked_on_their_rows():
    errors = RowErrors(4)
    rt = np.array(["vllm"] * 4, dtype=object)
    out = so.resolve_parallel(["ep", "ep", "zz", "layer"], rt, np.array([8.0, 0.0, 0.0, 0.0]), 4, errors)
    assert list(out[[0, 3]]) == ["ep", "layer"]
    assert messages(errors) == [
        None,
        ("parallel", "ep (expert parallel) needs a mixture-of-experts model; this one is dense", "ep",
         "tp, pp, layer"),
        ("parallel", "unknown split", "zz", "tp, pp, layer, ep"),
        None]


def test_shares():
    errors = RowErrors(6)
    out = so.resolve_share([0, 1, "0.25", None, "", 0.5], "prefix_cache_hit", 6, errors)
    assert out[:3].tolist() == [0.0, 1.0, 0.25] and math.isnan(out[3]) and math.isnan(out[4]) and out[5] == 0.5
    assert not errors.bad.any()
    assert so.resolve_share(0.3, "x", 2, RowErrors(2)).tolist() == [0.3, 0.3]        # a scalar for every row
    errors = RowErrors(5)
    so.resolve_share([1.0, -0.1, 1.01, "half", 0.99], "prefix_cache_hit", 5, errors, one_allowed=False)
    span = "0..1 (1 excluded)"
    assert messages(errors) == [("prefix_cache_hit", f"must be a number in {span}", v, span)
                                for v in (1.0, -0.1, 1.01, "half")] + [None]
    errors = RowErrors(1)
    so.resolve_share([float("nan")], "spec_acceptance", 1, errors)                   # NaN is "not given"
    assert not errors.bad.any()
    so.resolve_share(["nan"], "spec_acceptance", 1, errors)
    assert messages(errors) == [("spec_acceptance", "must be a number in 0..1", "nan", "0..1")]


def arrays(model_id: str, n: int):
    return model_arrays([get_model(model_id)] * n)


def test_speculative_presets_cost_one_decoder_layer():
    m = get_model("llama-3.1-8b")
    errors = RowErrors(4)
    s = so.resolve_speculative(["eagle", " MTP ", None, "none"], None, arrays("llama-3.1-8b", 4), 4, errors)
    assert not errors.bad.any()
    assert list(s.method) == ["eagle", "mtp", "none", "none"]
    assert s.draft_tokens.tolist() == [5, 1, 0, 0]
    assert s.acceptance[:2].tolist() == [0.80, 0.875] and np.isnan(s.acceptance[2:]).all()
    assert s.draft_cost.tolist() == pytest.approx([1 / 32, 1 / 32, 0, 0], rel=1e-12)
    assert s.draft_params.tolist() == pytest.approx([m.params / 32, m.params / 32, 0, 0], rel=1e-12)


def test_a_draft_model_costs_its_active_parameters_over_the_targets():
    target, draft = get_model("llama-3.1-70b"), get_model("llama-3.2-1b")
    errors = RowErrors(2)
    s = so.resolve_speculative("draft: LLAMA-3.2-1B", [0.7, None], arrays("llama-3.1-70b", 2), 2, errors)
    assert not errors.bad.any()
    assert list(s.method) == ["draft:llama-3.2-1b"] * 2
    assert s.draft_tokens.tolist() == [4, 4]
    assert s.acceptance.tolist() == [0.7, 0.6]                       # given, else the draft preset's 0.6
    assert s.draft_cost.tolist() == pytest.approx([draft.active_params / target.active_params] * 2, rel=1e-12)
    assert s.draft_params.tolist() == [draft.params] * 2


def test_a_given_acceptance_without_a_method_changes_nothing():
    s = so.resolve_speculative(None, 0.9, arrays("llama-3.1-8b", 1), 1, RowErrors(1))
    assert list(s.method) == ["none"] and np.isnan(s.acceptance[0])


def test_speculative_refusals():
    errors = RowErrors(3)
    s = so.resolve_speculative(["medusa", "draft:no-such", "eagle"], None, arrays("llama-3.1-8b", 3), 3, errors)
    assert messages(errors)[0] == ("speculative", "unknown method", "medusa", "none, eagle, mtp, draft:MODEL_ID")
    field, problem, got, accepted = messages(errors)[1]
    assert (field, got) == ("speculative", "draft:no-such")
    assert problem == "draft model: unknown model id (or a path to a config.json)"
    assert accepted.startswith(f"{len(__import__('scenarios.engine.catalog', fromlist=['x']).load_models())} ids")
    assert errors.errors[2] is None and s.method[2] == "eagle" and list(s.method[:2]) == ["none", "none"]


def test_spec_sources():
    assert so.spec_source("eagle") == so.SPEC_PRESETS["eagle"].source
    assert so.spec_source("mtp").startswith("DeepSeek-V3 technical report")
    assert so.spec_source("draft:llama-3.2-1b") == so.DRAFT_PRESET.source


INPUTS = {"devices": 1, "parallel": "tp", "prefix_cache_hit": 0.0, "speculative": None, "spec_acceptance": None}


def test_default_options_add_no_assumptions():
    hw = get_hardware("nvidia-h100-sxm")
    assert so.option_assumptions(dict(INPUTS), {}, hw) == []
    assert so.option_assumptions({**INPUTS, "speculative": "none"}, {}, hw) == []
    # a split named on one device adds nothing either
    assert so.option_assumptions({**INPUTS, "parallel": "pp"}, {}, hw) == []
    assert so.option_assumptions({**INPUTS, "devices": 4, "parallel": "tp"}, {}, hw) == []


def test_pipeline_and_expert_split_assumptions_name_the_link():
    hw = get_hardware("nvidia-h100-sxm")
    link = "bytes / 900 GB/s interconnect + 10 us per transfer (data/hardware.csv)"
    (pp,) = so.option_assumptions({**INPUTS, "devices": 2, "parallel": "pp"}, {}, hw)
    assert (pp.name, pp.value, pp.unit) == ("pipeline_parallel", 2, "stages")
    assert "N micro-batches keep every stage busy; hand-offs " in pp.source
    assert pp.source.startswith("GPipe (Huang et al. 2019) micro-batches") and pp.source.endswith(link)
    (ep,) = so.option_assumptions({**INPUTS, "devices": 2, "parallel": "ep"}, {}, hw)
    assert (ep.name, ep.value, ep.unit) == ("expert_parallel_all_to_all", 2, "devices")
    assert ep.source.startswith("experts spread over the devices") and ep.source.endswith(link)


def test_prefix_cache_and_speculative_assumptions():
    hw = get_hardware("nvidia-l4")
    (hit,) = so.option_assumptions({**INPUTS, "prefix_cache_hit": 0.5}, {}, hw)
    assert (hit.name, hit.value, hit.unit) == ("prefix_cache_hit", 0.5, "share of prompt tokens")
    assert hit.source.startswith("prefill FLOPs and TTFT x (1 - hit)")
    assert hit.source.endswith("RadixAttention); the cached prefix's KV is still held and read in decode")
    opts = {"spec_draft_tokens": 5, "spec_draft_cost": 0.03, "spec_speedup": 2.1}
    out = so.option_assumptions({**INPUTS, "speculative": "eagle", "spec_acceptance": 0.8}, opts, hw)
    got = {a.name: (a.value, a.unit) for a in out}
    tokens = (1 - 0.8 ** 6) / (1 - 0.8)                              # Leviathan et al. eq. 1
    assert got == {"speculative_decoding": ("eagle", ""),
                   "spec_acceptance": (0.8, "share of drafted tokens accepted"),
                   "spec_draft_tokens": (5, "tokens per step"), "spec_draft_cost": (0.03, "of one target step"),
                   "spec_tokens_per_step": (pytest.approx(tokens, rel=1e-12), "tokens"),
                   "spec_decode_speedup": (2.1, "x at this batch")}
    assert [a.name for a in out][:3] == ["speculative_decoding", "spec_acceptance", "spec_draft_tokens"]
    src = so.SPEC_PRESETS["eagle"].source
    assert all(a.source == src for a in out[:3])
    assert out[3].source.startswith("EAGLE head / MTP module") and "Leviathan" in out[4].source
    assert out[5].source.startswith("tokens per step / (g x draft cost")
