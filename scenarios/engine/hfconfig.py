"""Hugging Face ``config.json`` -> :class:`ModelSpec`, robust to hostile input.

Uploads are untrusted: every field is type- and range-checked, absurd sizes are refused, and any
problem becomes one :class:`VentureLabError` naming the key.  Parameter counts are computed from
the shapes with the Hugging Face module layout (embedding, attention projections, MLP, norms,
optional untied head), the same way data/models.csv counts were computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scenarios.engine.catalog import ModelSpec
from scenarios.errors import VentureLabError

# Upper bounds well above any published model (DeepSeek-V3: 61 layers, 7168 hidden, 256 experts).
_LIMITS = {"layers": 1024, "hidden_size": 262_144, "attention_heads": 4096, "kv_heads": 4096,
           "head_dim": 4096, "ffn_size": 2_000_000, "vocab_size": 10_000_000,
           "context_length": 100_000_000, "num_experts": 4096, "experts_per_token": 4096,
           "sliding_window": 100_000_000, "kv_lora_rank": 65_536, "qk_rope_head_dim": 4096,
           "q_lora_rank": 65_536, "moe_ffn_size": 2_000_000, "shared_experts": 64, "dense_layers": 1024}

_ALIASES = {  # our field -> config keys tried in order (Llama, GPT-2, Falcon, BLOOM, T5 conventions)
    "layers": ("num_hidden_layers", "n_layer", "num_layers", "n_layers"),
    "hidden_size": ("hidden_size", "n_embd", "d_model", "dim"),
    "attention_heads": ("num_attention_heads", "n_head", "num_heads", "n_heads"),
    "kv_heads": ("num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num"),
    "head_dim": ("head_dim", "kv_channels"),
    "ffn_size": ("intermediate_size", "ffn_dim", "n_inner", "d_ff", "ffn_hidden_size"),
    "vocab_size": ("vocab_size", "padded_vocab_size"),
    "context_length": ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length",
                       "n_ctx"),
    "num_experts": ("num_local_experts", "n_routed_experts", "num_experts"),
    "experts_per_token": ("num_experts_per_tok", "num_experts_per_token", "moe_top_k"),
    "sliding_window": ("sliding_window",),
    "kv_lora_rank": ("kv_lora_rank",),
    "qk_rope_head_dim": ("qk_rope_head_dim",),
    "q_lora_rank": ("q_lora_rank",),
    "moe_ffn_size": ("moe_intermediate_size",),
    "shared_experts": ("n_shared_experts",),
    "dense_layers": ("first_k_dense_replace",),
}
_GATED_TYPES = ("llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "gemma", "gemma2", "gemma3",
                "phi3", "deepseek_v2", "deepseek_v3", "gpt_oss", "olmo", "olmo2", "cohere", "internlm2",
                "yi", "granite", "starcoder2_gated")


def _get_int(config: dict, name: str, required: bool = False) -> int | None:
    for key in _ALIASES[name]:
        if key in config and config[key] is not None:
            v = config[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise VentureLabError(f"config.json {key}", "must be a whole number", got=v)
            if isinstance(v, float):
                if v != v or v in (float("inf"), float("-inf")) or v != int(v):
                    raise VentureLabError(f"config.json {key}", "must be a whole number", got=v)
                v = int(v)
            if v < (0 if name in ("dense_layers", "shared_experts", "q_lora_rank") else 1) or v > _LIMITS[name]:
                raise VentureLabError(f"config.json {key}", f"out of range 1..{_LIMITS[name]:,}", got=v)
            return v
    if required:
        raise VentureLabError(f"config.json {_ALIASES[name][0]}", "is missing",
                              accepted="a Hugging Face config with " + ", ".join(_ALIASES[name]))
    return None


def count_params(*, layers: int, hidden: int, heads: int, kv_heads: int, head_dim: int, ffn: int,
                 vocab: int, gated: bool = True, tied: bool = False, experts: int = 0,
                 moe_ffn: int | None = None, shared_experts: int = 0, dense_layers: int = 0,
                 q_lora_rank: int = 0, kv_lora_rank: int = 0, rope_dim: int = 0) -> tuple[float, float]:
    """Total and per-token-active parameters from the shapes (Hugging Face layout).

    Attention: q/k/v/o projections (MLA: the low-rank q and kv projections of DeepSeek-V2/V3,
    arXiv:2405.04434 s2.1).  MLP: 3 matrices when gated (SwiGLU/GeGLU), else 2.  MoE layers hold
    ``experts`` routed experts of width ``moe_ffn`` plus ``shared_experts`` and a router.
    """
    if kv_lora_rank:
        q_in = hidden * q_lora_rank + q_lora_rank * heads * (head_dim + rope_dim) if q_lora_rank \
            else hidden * heads * (head_dim + rope_dim)
        attn = q_in + hidden * (kv_lora_rank + rope_dim) + kv_lora_rank * heads * (head_dim + head_dim) \
            + heads * head_dim * hidden
    else:
        attn = hidden * heads * head_dim + 2 * hidden * kv_heads * head_dim + heads * head_dim * hidden
    mats = 3 if gated else 2
    dense_mlp = mats * hidden * ffn
    norms = 2 * hidden
    embed = vocab * hidden * (1 if tied else 2) + hidden
    if experts:
        width = moe_ffn or ffn
        n_moe = layers - dense_layers
        per_expert = mats * hidden * width
        moe_layer = experts * per_expert + shared_experts * per_expert + hidden * experts
        total = embed + layers * (attn + norms) + dense_layers * dense_mlp + n_moe * moe_layer
        return float(total), None
    total = embed + layers * (attn + dense_mlp + norms)
    return float(total), None


@dataclass(frozen=True)
class _Shapes:
    """The shapes read from one config.json, with the defaults applied (0 = absent)."""

    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: int
    vocab: int
    context: int
    experts: int
    topk: int
    kv_lora: int
    rope_dim: int
    moe_ffn: int | None
    shared: int
    dense_layers: int
    q_lora: int
    tied: bool
    gated: bool


def model_from_hf_config(config: dict, name: str = "custom") -> ModelSpec:
    """Parse a Hugging Face ``config.json`` dict into a ModelSpec (validated)."""
    config, mtype = _text_config(config)
    s = _read_shapes(config, mtype)
    total, active = _param_counts(s)
    attention, window, layers_kind = _attention_layout(config, mtype, s)
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name))[:80] or "custom"
    return ModelSpec(
        id=f"custom:{safe_name}", name=safe_name, family=mtype or "custom", kind="decoder-llm",
        params_b=total / 1e9, active_params_b=(active / 1e9 if active else None), layers=s.layers,
        hidden_size=s.hidden, attention_heads=s.heads, kv_heads=s.kv_heads, head_dim=s.head_dim, ffn_size=s.ffn,
        vocab_size=s.vocab, context_length=s.context, num_experts=s.experts or None,
        experts_per_token=s.topk or None, tie_embeddings=s.tied, attention_type=attention,
        sliding_window=window if attention == "sliding-window-mix" else None,
        sliding_window_layers=layers_kind, kv_lora_rank=s.kv_lora or None, qk_rope_head_dim=s.rope_dim or None,
        source="user-supplied config.json (parameters computed from the shapes)", verified=False)


def _text_config(config: object) -> tuple[dict, str]:
    """The language model's settings and ``model_type`` (multimodal wrappers nest them in text_config)."""
    if not isinstance(config, dict):
        raise VentureLabError("config.json", "must be a JSON object of model settings", got=type(config).__name__)
    if "text_config" in config and isinstance(config["text_config"], dict):
        inner = config["text_config"]
        # the wrapper's model_type names the family (llava, gemma3); the language model's own type
        # (llama, mistral) is kept too: it alone says whether a wrapped model's MLP is gated
        config = {**inner, **{k: v for k, v in config.items() if k == "model_type"},
                  "text_model_type": inner.get("model_type", "")}
    mtype = config.get("model_type", "")
    if not isinstance(mtype, str):
        raise VentureLabError("config.json model_type", "must be text", got=mtype)
    return config, mtype


def _attention_dims(config: dict) -> tuple[int, int, int, int, int]:
    """(layers, hidden, heads, kv_heads, head_dim); head_dim defaults to hidden / heads."""
    layers = _get_int(config, "layers", required=True)
    hidden = _get_int(config, "hidden_size", required=True)
    heads = _get_int(config, "attention_heads", required=True)
    kv_heads = _get_int(config, "kv_heads") or (1 if config.get("multi_query") is True else heads)
    if kv_heads > heads:
        raise VentureLabError("config.json num_key_value_heads", "cannot exceed num_attention_heads", got=kv_heads)
    head_dim = _get_int(config, "head_dim")
    if head_dim is None:
        if hidden % heads:
            raise VentureLabError("config.json num_attention_heads", "must divide hidden_size (or give head_dim)",
                                  got=heads)
        head_dim = hidden // heads
    return layers, hidden, heads, kv_heads, head_dim


def _read_shapes(config: dict, mtype: str) -> _Shapes:
    """Every shape the parameter count needs, checked, in the order a reader meets them."""
    layers, hidden, heads, kv_heads, head_dim = _attention_dims(config)
    ffn = _get_int(config, "ffn_size") or 4 * hidden
    vocab = _get_int(config, "vocab_size", required=True)
    context = _get_int(config, "context_length") or 2048
    experts = _get_int(config, "num_experts") or 0
    topk = _get_int(config, "experts_per_token") or (2 if experts else 0)
    if experts and topk > experts:
        raise VentureLabError("config.json num_experts_per_tok", "cannot exceed the number of experts", got=topk)
    kv_lora = _get_int(config, "kv_lora_rank") or 0
    rope_dim = _get_int(config, "qk_rope_head_dim") or 0
    tied = config.get("tie_word_embeddings", mtype in ("gemma", "gemma2", "gemma3", "opt", "bloom", "falcon"))
    if not isinstance(tied, bool):
        raise VentureLabError("config.json tie_word_embeddings", "must be true or false", got=tied)
    gated = mtype in _GATED_TYPES or config.get("text_model_type") in _GATED_TYPES or \
        config.get("hidden_act") in ("silu", "swiglu") or \
        config.get("hidden_activation") == "gelu_pytorch_tanh"
    moe_ffn = _get_int(config, "moe_ffn_size")
    shared = _get_int(config, "shared_experts") or 0
    dense_layers = _get_int(config, "dense_layers") or 0
    q_lora = _get_int(config, "q_lora_rank") or 0
    nope_dim = config.get("qk_nope_head_dim") if kv_lora else None
    if nope_dim is not None and (isinstance(nope_dim, bool) or not isinstance(nope_dim, int) or not 0 < nope_dim < 4096):
        raise VentureLabError("config.json qk_nope_head_dim", "must be a whole number 1..4095", got=nope_dim)
    if nope_dim:
        head_dim = nope_dim
    return _Shapes(layers, hidden, heads, kv_heads, head_dim, ffn, vocab, context, experts, topk, kv_lora,
                   rope_dim, moe_ffn, shared, dense_layers, q_lora, tied, gated)


def _param_counts(s: _Shapes) -> tuple[float, float | None]:
    """(total, active) parameters; active only for a mixture of experts (top-k experts per token)."""
    def count(experts: int) -> float:
        total, _ = count_params(layers=s.layers, hidden=s.hidden, heads=s.heads, kv_heads=s.kv_heads,
                                head_dim=s.head_dim, ffn=s.ffn, vocab=s.vocab, gated=s.gated, tied=s.tied,
                                experts=experts, moe_ffn=s.moe_ffn, shared_experts=s.shared,
                                dense_layers=s.dense_layers, q_lora_rank=s.q_lora, kv_lora_rank=s.kv_lora,
                                rope_dim=s.rope_dim)
        return total

    total = count(s.experts)
    active = count(s.topk) if s.experts else None
    if total > 1e14:
        raise VentureLabError("config.json", "implies more than 100 trillion parameters; refusing an absurd size",
                              got=f"{total:.3g} parameters")
    return total, active


def _attention_layout(config: dict, mtype: str, s: _Shapes) -> tuple[str, int | None, str]:
    """(attention_type, sliding window, which layers slide: "all" | "alternate" | "")."""
    window = config.get("sliding_window")
    use_swa = config.get("use_sliding_window", True)
    window = _get_int(config, "sliding_window") if window is not None else None
    if s.kv_lora:
        attention = "mla"
    elif window and use_swa is not False and window < s.context:
        attention = "sliding-window-mix"
    else:
        attention = "gqa" if s.kv_heads < s.heads else "mha"
    layers_kind = ""
    if attention == "sliding-window-mix":
        pattern = config.get("layer_types")
        alternate = mtype in ("gemma2", "gpt_oss") or (isinstance(pattern, list) and "full_attention" in pattern)
        layers_kind = "alternate" if alternate else "all"
    return attention, window, layers_kind
