"""Serving options of one replica (ARCHITECTURE 4.3), resolved per row for the serving core:

* ``parallel``: how ``devices`` split one replica: ``tp`` tensor parallel (the default for vLLM,
  TensorRT-LLM, SGLang and every runtime but llama.cpp), ``pp`` pipeline, ``layer`` (llama.cpp's
  default ``--split-mode layer``), ``ep`` expert parallel (mixture-of-experts models only);
* ``prefix_cache_hit``: share of each prompt found in the prefix cache (its prefill is skipped);
* ``speculative`` / ``spec_acceptance``: speculative decoding with a preset or a draft model.

The effects live in scenarios/engine/replica_split.py (parallel) and
scenarios/engine/speculative.py (speculation); this module only checks the inputs and fills in
the defaults, marking bad rows with a VentureLabError as serving_inputs.py does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.errors import VentureLabError

PARALLEL_MODES = ("tp", "pp", "layer", "ep")
# llama.cpp splits whole layers over its devices by default (llama.cpp tools/server README,
# --split-mode layer); vLLM, TensorRT-LLM and SGLang shard every layer (--tensor-parallel-size).
LAYER_SPLIT_RUNTIMES = ("llama.cpp",)


@dataclass(frozen=True)
class SpecPreset:
    """A speculative-decoding method: tokens drafted per step and the share the target accepts."""

    draft_tokens: int
    acceptance: float
    source: str


SPEC_PRESETS = {
    # EAGLE (Li et al., ICML 2024, "EAGLE: Speculative Sampling Requires Rethinking Feature
    # Uncertainty"): the feature-level draft head reaches ~0.8 acceptance on MT-bench (vs ~0.6 for
    # Medusa / lookahead); draft depth 5 as EAGLE's draft trees use.  The head is one decoder layer.
    "eagle": SpecPreset(5, 0.80, "EAGLE, Li et al. ICML 2024 (arXiv:2401.15077): acceptance ~0.8 on MT-bench, "
                                 "draft depth 5; draft head = one decoder layer"),
    # DeepSeek-V3 technical report (arXiv:2412.19437) s5.4.3: "the acceptance rate of the second
    # token prediction ranges between 85% and 90%" -> 1.8x tokens per second; one MTP module (one
    # transformer block) drafts one token.
    "mtp": SpecPreset(1, 0.875, "DeepSeek-V3 technical report (arXiv:2412.19437) s5.4.3: second-token "
                                "acceptance 85-90% (midpoint), one MTP module drafts 1 token"),
}
# A separate small draft model: Leviathan et al. 2023 (arXiv:2211.17192) Table 3 measures alpha of
# about 0.5-0.8 for their draft/target pairs; 4 drafted tokens is the common serving setting
# (vLLM num_speculative_tokens examples).  ASSUMED mid-range: give --spec-acceptance for your pair.
DRAFT_PRESET = SpecPreset(4, 0.60, "draft model: Leviathan et al. 2023 (arXiv:2211.17192) Table 3, alpha "
                                   "0.5-0.8 across pairs; ASSUMED 0.6 and 4 drafted tokens")


def _items(values, n: int):
    """(distinct values, row -> position) for a scalar or a sequence."""
    if isinstance(values, (list, tuple, np.ndarray)):
        vals = [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values]
        uniq = list(dict.fromkeys(vals))
        pos = {v: i for i, v in enumerate(uniq)}
        return uniq, np.array([pos[v] for v in vals], dtype=np.int64)
    return [values], np.zeros(n, dtype=np.int64)


def resolve_parallel(parallel, runtime: np.ndarray, experts: np.ndarray, n: int, errors) -> np.ndarray:
    """The split per row: the runtime's default when none is given; ``ep`` needs experts."""
    items, inv = _items(parallel, n)
    default = np.where(np.isin(runtime.astype(str), LAYER_SPLIT_RUNTIMES), "layer", "tp").astype(object)
    out = default.copy()
    for k, v in enumerate(items):
        if v is None or not str(v).strip():
            continue
        name, rows = str(v).strip().lower(), inv == k
        if name not in PARALLEL_MODES:
            errors.mark(rows, VentureLabError("parallel", "unknown split", got=str(v), accepted=PARALLEL_MODES))
            continue
        out[rows] = name
        if name == "ep":
            errors.mark(rows & (experts <= 0), VentureLabError(
                "parallel", "ep (expert parallel) needs a mixture-of-experts model; this one is dense",
                got="ep", accepted=("tp", "pp", "layer")))
    return out


def resolve_share(values, name: str, n: int, errors, one_allowed: bool = True) -> np.ndarray:
    """A share in 0..1 per row (None -> NaN: the caller's default); ``one_allowed=False`` refuses 1
    (a prompt wholly in the prefix cache still computes its last token, as `plan` refuses it)."""
    items, inv = _items(values, n)
    out = np.full(n, np.nan)
    for k, v in enumerate(items):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = np.nan
        if not (0.0 <= x <= 1.0) or (x == 1.0 and not one_allowed):
            span = "0..1" if one_allowed else "0..1 (1 excluded)"
            errors.mark(inv == k, VentureLabError(name, f"must be a number in {span}", got=v, accepted=span))
            continue
        out[inv == k] = x
    return out


@dataclass(frozen=True)
class SpecColumns:
    """Speculative decoding per row (method 'none': no drafting, every figure neutral)."""

    method: np.ndarray           # none, eagle, mtp or draft:MODEL_ID
    draft_tokens: np.ndarray     # gamma: tokens drafted per step
    acceptance: np.ndarray       # alpha: share of drafted tokens accepted (NaN with none)
    draft_cost: np.ndarray       # c: one draft step's time / one target step's time
    draft_params: np.ndarray     # parameters the draft adds to memory


def resolve_speculative(speculative, acceptance, m, n: int, errors) -> SpecColumns:
    """Method, gamma, alpha and the draft's cost ratio per row.  EAGLE's head and an MTP module are
    one decoder layer of the target (cost 1 / layers); a draft model costs its active parameters
    over the target's (both stream their weights at small batch: Leviathan et al. 2023's c)."""
    from scenarios.engine.catalog import get_model
    items, inv = _items(speculative, n)
    method = np.full(n, "none", dtype=object)
    gamma, alpha, cost, extra = np.zeros(n), np.full(n, np.nan), np.zeros(n), np.zeros(n)
    layers = np.maximum(m.layers, 1.0)
    for k, v in enumerate(items):
        name, rows = ("none" if v is None or not str(v).strip() else str(v).strip().lower()), inv == k
        if name == "none":
            continue
        if name in SPEC_PRESETS:
            p = SPEC_PRESETS[name]
            c, params = 1.0 / layers[rows], m.params[rows] / layers[rows]
        elif name.startswith("draft:"):
            try:
                draft = get_model(name.split(":", 1)[1].strip())
            except VentureLabError as exc:
                errors.mark(rows, VentureLabError("speculative", f"draft model: {exc.problem}",
                                                  got=str(v), accepted=exc.accepted))
                continue
            p, name = DRAFT_PRESET, f"draft:{draft.id}"
            c = draft.active_params / np.maximum(m.active_params[rows], 1.0)
            params = np.full(int(rows.sum()), draft.params)
        else:
            errors.mark(rows, VentureLabError("speculative", "unknown method", got=str(v),
                                              accepted=("none", "eagle", "mtp", "draft:MODEL_ID")))
            continue
        method[rows], gamma[rows], alpha[rows], cost[rows], extra[rows] = name, p.draft_tokens, p.acceptance, c, params
    given = resolve_share(acceptance, "spec_acceptance", n, errors)
    alpha = np.where(np.isfinite(given) & (method != "none"), given, alpha)
    return SpecColumns(method=method, draft_tokens=gamma, acceptance=alpha, draft_cost=cost, draft_params=extra)


def spec_source(method: str) -> str:
    """Where a method's default acceptance and draft length come from."""
    return SPEC_PRESETS[method].source if method in SPEC_PRESETS else DRAFT_PRESET.source


def option_assumptions(inputs: dict, options: dict, hw) -> list:
    """The assumptions a request's serving options add (none with the defaults): ``inputs`` the
    resolved request, ``options`` its OPTION_COLUMNS values, ``hw`` the device record."""
    from scenarios.engine.assumption import Assumption
    from scenarios.engine.speculative import expected_tokens_per_step
    out = []
    link = f"bytes / {hw.interconnect_gb_s:g} GB/s interconnect + 10 us per transfer (data/hardware.csv)"
    if inputs["devices"] > 1 and inputs["parallel"] == "pp":
        out.append(Assumption("pipeline_parallel", inputs["devices"], "stages", "GPipe (Huang et al. 2019) "
                              "micro-batches: batch 1 runs the stages one after another, at batch > 1 N "
                              "micro-batches keep every stage busy; hand-offs " + link))
    if inputs["devices"] > 1 and inputs["parallel"] == "ep":
        out.append(Assumption("expert_parallel_all_to_all", inputs["devices"], "devices", "experts spread over the "
                              "devices, attention replicated, sequences divided (DeepSeek-V3 report s3.4); dispatch + "
                              "combine per MoE layer of the routed tokens' hidden states, " + link))
    if inputs["prefix_cache_hit"] > 0:
        out.append(Assumption("prefix_cache_hit", inputs["prefix_cache_hit"], "share of prompt tokens",
                              "prefill FLOPs and TTFT x (1 - hit) (vLLM automatic prefix caching, SGLang "
                              "RadixAttention); the cached prefix's KV is still held and read in decode"))
    if inputs["speculative"] not in (None, "none"):
        a, g = inputs["spec_acceptance"], options["spec_draft_tokens"]
        out += [Assumption("speculative_decoding", inputs["speculative"], "", spec_source(inputs["speculative"])),
                Assumption("spec_acceptance", a, "share of drafted tokens accepted", spec_source(inputs["speculative"])),
                Assumption("spec_draft_tokens", g, "tokens per step", spec_source(inputs["speculative"])),
                Assumption("spec_draft_cost", options["spec_draft_cost"], "of one target step",
                           "EAGLE head / MTP module: one decoder layer; draft model: active parameters ratio"),
                Assumption("spec_tokens_per_step", float(expected_tokens_per_step(a, g)), "tokens",
                           "(1 - a^(g+1)) / (1 - a), Leviathan et al. 2023 (arXiv:2211.17192) eq. 1"),
                Assumption("spec_decode_speedup", options["spec_speedup"], "x at this batch",
                           "tokens per step / (g x draft cost + verification of g+1 tokens) on the roofline "
                           "(scenarios/engine/speculative.py)")]
    return out
