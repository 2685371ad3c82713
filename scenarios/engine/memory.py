"""Memory: weights at their true bits, KV cache by attention type, working memory, training memory.

All functions take numpy arrays (or scalars) so a whole sweep is one call.  Bytes everywhere; the
callers convert to GB (1e9 bytes).  Sources are cited at each formula; docs/methodology.md collects
them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Sequence

import numpy as np

from scenarios.engine.catalog import ModelSpec

# Framework + runtime overhead per device (CUDA context, cuBLAS/cuDNN workspaces, allocator slack),
# by hardware class.  ASSUMED from typical `nvidia-smi` readings of an idle vLLM / llama.cpp process;
# listed in every estimate's assumptions.
RUNTIME_OVERHEAD_GB = {"nvidia-datacenter": 1.0, "nvidia-consumer": 0.6, "amd": 1.0, "tpu": 0.5,
                       "jetson": 0.5, "apple": 0.3, "phone": 0.2, "cpu-sbc": 0.1,
                       "cpu-server": 0.3, "gaudi": 1.0, "amd-consumer": 0.6, "gb10": 0.6}

ATTN_CODES = {"none": 0, "mha": 1, "gqa": 1, "mla": 2, "sliding-window-mix": 3}

# ---------------------------------------------------------------------------------------------
# Parameter-count conventions (ONE place; scenarios/engine/flops.py, serving_core.py and calibration.py
# all call these, so the fitted factors and the estimates count the same work).
#
# * ``active_params_b`` in data/models.csv is the published per-token count and INCLUDES the input
#   embedding and the output head (Mistral: Mixtral 8x7B 12.9B active of 46.7B, arXiv:2401.04088;
#   the Hugging Face config count in scenarios/engine/hfconfig.py follows the same rule).  Rows whose
#   published count leaves the input-embedding lookup out carry ``active_excludes_embedding=true``
#   (gpt-oss model card: "active counts unembedding but not the embedding"; DeepSeek-V3 36.6B
#   "excl. embedding").
# * Matmul parameters per token = active minus the input embedding (a gather, not a matmul) for
#   untied models whose active count includes it.
# * Expert-only formats: an MXFP4 checkpoint of an MoE model (gpt-oss) stores only the routed
#   experts at 4.25 bits; attention, router, embeddings and output head stay bf16 (OpenAI gpt-oss
#   model card arXiv:2508.10925: 12.8 GiB checkpoint for gpt-oss-20b).
# ---------------------------------------------------------------------------------------------
EXPERT_ONLY_FORMATS = ("mxfp4",)
NON_EXPERT_BITS_IN_EXPERT_ONLY_FORMATS = 16.0


def matmul_param_count(active_params, vocab, hidden, tied, active_excludes_embedding):
    """Parameters multiplied per token: active minus the input-embedding table of untied models whose
    active count includes it (Kaplan et al. 2020 arXiv:2001.08361 s2.1).  Floored at half the active
    count so a malformed row cannot go negative."""
    active = np.asarray(active_params, dtype=float)
    embed = np.where(np.asarray(tied, dtype=bool) | np.asarray(active_excludes_embedding, dtype=bool), 0.0,
                     np.asarray(vocab, dtype=float) * np.asarray(hidden, dtype=float))
    return np.maximum(active - embed, active * 0.5)


def routed_expert_param_count(params, active_params, experts, experts_per_token, vocab, hidden, tied,
                              active_excludes_embedding):
    """Parameters of ONE routed expert summed over layers, from the total and active counts:
    total - active = (E - k) x expert, plus the input embedding where the active count leaves it out
    (it is in the total).  0 for dense models."""
    e = np.asarray(experts, dtype=float)
    k = np.asarray(experts_per_token, dtype=float)
    embed = np.where(~np.asarray(tied, dtype=bool) & np.asarray(active_excludes_embedding, dtype=bool),
                     np.asarray(vocab, dtype=float) * np.asarray(hidden, dtype=float), 0.0)
    rest = np.maximum(np.asarray(params, dtype=float) - np.asarray(active_params, dtype=float) - embed, 0.0)
    return np.where(e > 0, rest / np.maximum(e - k, 1.0), 0.0)


def expert_only_format(weight_format, is_moe):
    """True where a format quantises only the routed experts of an MoE model (MXFP4 / gpt-oss)."""
    return np.isin(np.asarray(weight_format, dtype=object), EXPERT_ONLY_FORMATS) & np.asarray(is_moe, dtype=bool)


def split_weight_bytes(non_expert_params, expert_params, bits_per_weight, expert_only):
    """Bytes of weights split into routed experts (at the format's bits) and everything else (at the
    format's bits, or bf16 where the format is expert-only).  Used for the stored checkpoint (all
    parameters) and for the bytes one forward reads (shared weights + the experts touched)."""
    bits = np.asarray(bits_per_weight, dtype=float)
    rest_bits = np.where(np.asarray(expert_only, dtype=bool), NON_EXPERT_BITS_IN_EXPERT_ONLY_FORMATS, bits)
    return (np.asarray(non_expert_params, dtype=float) * rest_bits
            + np.asarray(expert_params, dtype=float) * bits) / 8.0


@dataclass(frozen=True)
class ModelArrays:
    """Shape fields of many models (or of many rows), one float array each (missing -> 0)."""

    params: np.ndarray
    active_params: np.ndarray
    layers: np.ndarray
    hidden: np.ndarray
    heads: np.ndarray
    kv_heads: np.ndarray
    head_dim: np.ndarray
    q_dim: np.ndarray               # heads x head_dim
    ffn: np.ndarray
    vocab: np.ndarray
    context: np.ndarray             # trained context length
    experts: np.ndarray             # routed experts (0: dense)
    experts_per_token: np.ndarray
    tied: np.ndarray                # bool: input embedding is the output head
    active_excl_embed: np.ndarray   # bool: the published active count leaves the input embedding out
    attn_code: np.ndarray           # ATTN_CODES
    window: np.ndarray              # sliding window (inf: none)
    n_local: np.ndarray             # sliding-window layers
    kv_lora_rank: np.ndarray        # MLA latent width
    rope_dim: np.ndarray            # MLA decoupled RoPE key width
    token_model: np.ndarray         # bool: generates tokens (LLMs), else per-input (vision, speech)

    def take(self, rows: np.ndarray) -> ModelArrays:
        """The same fields for ``rows`` (indices into these models), e.g. one per request."""
        return ModelArrays(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


def model_arrays(models: Sequence[ModelSpec]) -> ModelArrays:
    """Shape fields of many models as arrays (missing -> 0), for the vectorised core."""
    def col(fn):
        return np.array([float(fn(m) or 0.0) for m in models], dtype=float)

    heads = col(lambda m: m.attention_heads)
    head_dim = col(lambda m: m.head_dim or ((m.hidden_size or 0) // (m.attention_heads or 1)))
    window = col(lambda m: m.sliding_window)
    # sliding-window layers: "all", "alternate" (ceil(L/2) local: Gemma 2 and gpt-oss start with a
    # local layer) or "L:G" (Gemma 3's 5:1) -> ModelSpec.local_layers
    n_local = np.array([m.local_layers for m in models], dtype=float)
    return ModelArrays(
        params=col(lambda m: m.params), active_params=col(lambda m: m.active_params),
        layers=col(lambda m: m.layers), hidden=col(lambda m: m.hidden_size), heads=heads,
        kv_heads=col(lambda m: m.kv_heads or m.attention_heads), head_dim=head_dim, q_dim=heads * head_dim,
        ffn=col(lambda m: m.ffn_size), vocab=col(lambda m: m.vocab_size), context=col(lambda m: m.context_length),
        experts=col(lambda m: m.num_experts), experts_per_token=col(lambda m: m.experts_per_token),
        # dtype given so an empty model list still yields bool columns (``~`` on them must work)
        tied=np.array([bool(m.tie_embeddings) for m in models], dtype=bool),
        active_excl_embed=np.array([bool(m.active_excludes_embedding) for m in models], dtype=bool),
        attn_code=np.array([ATTN_CODES.get(m.attention_type, 1) for m in models], dtype=np.int8),
        window=np.where(window > 0, window, np.inf), n_local=n_local,
        kv_lora_rank=col(lambda m: m.kv_lora_rank), rope_dim=col(lambda m: m.qk_rope_head_dim),
        token_model=np.array([m.is_token_model for m in models], dtype=bool))


def weight_bytes(params, bits_per_weight):
    """Bytes of the stored weights: parameters x true bits / 8 (block scales are in the bits)."""
    return np.asarray(params, dtype=float) * np.asarray(bits_per_weight, dtype=float) / 8.0


def kv_values_per_token_per_layer(m: ModelArrays) -> np.ndarray:
    """Cached values per token and layer.

    * MHA / GQA: 2 (K and V) x kv_heads x head_dim (ARCHITECTURE.md 5; Ainslie et al. 2023 GQA).
    * MLA (DeepSeek-V2/V3): the compressed latent c_KV (kv_lora_rank) + the decoupled RoPE key
      (qk_rope_head_dim), shared by all heads: 512 + 64 = 576 for DeepSeek-V3 (arXiv:2412.19437
      s2.1.1; arXiv:2405.04434 s2.1.3).
    * none (CNN): 0.
    """
    gqa = 2.0 * m.kv_heads * m.head_dim
    mla = m.kv_lora_rank + m.rope_dim
    out = np.where(m.attn_code == 2, mla, gqa)
    return np.where((m.attn_code == 0) | ~m.token_model, 0.0, out)


def cached_token_layers(m: ModelArrays, context):
    """Sum over layers of the tokens each layer keeps, for a context of ``context`` tokens.

    Sliding-window layers keep at most ``window`` tokens (Beltagy et al. 2020; Mistral 7B
    arXiv:2310.06825 rolling buffer cache); global layers keep all of them.
    """
    t = np.asarray(context, dtype=float)
    local = m.n_local
    return local * np.minimum(t, m.window) + (m.layers - local) * t


def kv_cache_bytes(m: ModelArrays, context, batch, kv_bits):
    """KV cache of ``batch`` sequences holding ``context`` tokens each, at ``kv_bits`` per value."""
    per_value = np.asarray(kv_bits, dtype=float) / 8.0
    return kv_values_per_token_per_layer(m) * cached_token_layers(m, context) * np.asarray(batch) * per_value


def mean_cached_token_layers(m: ModelArrays, start, stop):
    """Average of :func:`cached_token_layers` over contexts start+1 .. stop (decode of a growing context).

    Exact for the piecewise-linear window cap: mean of min(t, W) over integer t in [a, b].
    """
    a = np.asarray(start, dtype=float) + 1.0
    b = np.maximum(np.asarray(stop, dtype=float), a)
    w = m.window
    n = b - a + 1.0
    mean_t = (a + b) / 2.0
    # sum of min(t, W) for t in [a, b]
    w_fin = np.where(np.isfinite(w), w, b + 1.0)
    below_hi = np.clip(w_fin, a - 1.0, b)            # last t that is <= W
    cnt_below = below_hi - a + 1.0
    sum_below = cnt_below * (a + below_hi) / 2.0
    sum_capped = sum_below + (n - cnt_below) * w_fin
    mean_capped = np.where(np.isfinite(w), sum_capped / n, mean_t)
    local = m.n_local
    return local * mean_capped + (m.layers - local) * mean_t


def working_memory_bytes(m: ModelArrays, batch, tokens_in_flight, act_bytes, overhead_gb):
    """Activations of one forward pass + logits + runtime overhead.

    Peak activation of the widest layer for the tokens processed at once (hidden states, q/k/v,
    the FFN's up/gate projections): tokens x (4 hidden + 2 ffn) x bytes, plus fp32 logits for the
    last position of each sequence (vocab x 4 bytes).  Runtimes free activations layer by layer, so
    one layer's worth is the peak.  ``overhead_gb`` is the per-device runtime overhead.
    """
    tokens = np.asarray(batch, dtype=float) * np.maximum(np.asarray(tokens_in_flight, dtype=float), 1.0)
    width = 4.0 * m.hidden + 2.0 * np.maximum(m.ffn, m.hidden)
    acts = tokens * width * act_bytes
    logits = np.asarray(batch, dtype=float) * m.vocab * 4.0
    return acts + logits + np.asarray(overhead_gb, dtype=float) * 1e9


# ------------------------------------------------------------------------------------ training
ADAM_MIXED_BYTES = {"weights": 2.0, "grads": 2.0, "optimizer": 12.0}
"""Mixed-precision Adam: fp16/bf16 weights (2) + fp16 grads (2) + fp32 master weights, momentum and
variance (4 + 4 + 4 = K = 12): 16 bytes per parameter (Rajbhandari et al. 2020, ZeRO, arXiv:1910.02054
s3.1)."""


def training_state_bytes(params, data_parallel, zero_stage):
    """Weights + gradients + Adam states per device under ZeRO stage 0-3 (ZeRO paper Fig. 1).

    stage 0: 16 P;  1: 4 P + 12 P / Nd;  2: 2 P + 14 P / Nd;  3: 16 P / Nd.
    """
    p = np.asarray(params, dtype=float)
    nd = np.maximum(np.asarray(data_parallel, dtype=float), 1.0)
    z = np.asarray(zero_stage)
    w, g, o = ADAM_MIXED_BYTES["weights"], ADAM_MIXED_BYTES["grads"], ADAM_MIXED_BYTES["optimizer"]
    return np.select([z == 0, z == 1, z == 2, z == 3],
                     [p * (w + g + o), p * (w + g) + p * o / nd, p * w + p * (g + o) / nd,
                      p * (w + g + o) / nd])


def activation_bytes_per_layer(seq, micro_batch, hidden, heads, tensor_parallel=1):
    """Activations stored for backward per transformer layer, 16-bit, no recomputation.

    s b h (34 + 5 a s / h) bytes (Korthikanti et al. 2022, 'Reducing Activation Recomputation in
    Large Transformer Models', arXiv:2205.05198 eq. 1), divided by the tensor-parallel degree
    (with sequence parallelism, their eq. 4).
    """
    s = np.asarray(seq, dtype=float)
    b = np.asarray(micro_batch, dtype=float)
    h = np.asarray(hidden, dtype=float)
    a = np.asarray(heads, dtype=float)
    return s * b * h * (34.0 + 5.0 * a * s / np.maximum(h, 1.0)) / np.maximum(tensor_parallel, 1)


def training_activation_bytes(seq, micro_batch, hidden, heads, layers, checkpointing, tensor_parallel=1):
    """All layers' activations: full storage, or with full activation checkpointing 2 s b h per layer
    (the layer input in 16 bit) + one layer recomputed at a time (Korthikanti et al. 2022 s4)."""
    per_layer = activation_bytes_per_layer(seq, micro_batch, hidden, heads, tensor_parallel)
    ckpt = 2.0 * np.asarray(seq, float) * micro_batch * np.asarray(hidden, float) * layers \
        / np.maximum(tensor_parallel, 1) + per_layer
    return np.where(np.asarray(checkpointing, dtype=bool), ckpt, per_layer * np.asarray(layers, dtype=float))


def lora_params(m: ModelSpec, rank: int, targets: str = "all-linear") -> float:
    """Trainable LoRA parameters: r (d_in + d_out) per adapted matrix (Hu et al. 2021, arXiv:2106.09685).

    ``all-linear`` adapts q, k, v, o and the MLP matrices of every layer (as QLoRA does, Dettmers et al.
    2023 arXiv:2305.14314 s4); ``attention`` adapts q and v only (the LoRA paper's default).
    MoE: only the routed experts that exist are adapted (all of them).
    """
    h = float(m.hidden_size or 0)
    q = float((m.attention_heads or 0) * (m.head_dim or 0)) or h
    kv = float((m.kv_heads or m.attention_heads or 0) * (m.head_dim or 0)) or h
    f = float(m.ffn_size or 4 * h)
    if targets == "attention":
        per_layer = rank * (h + q) + rank * (h + kv)
    else:
        attn = rank * (h + q) + 2 * rank * (h + kv) + rank * (q + h)
        mlp = 3 * rank * (h + f) * max(1, m.num_experts or 1)
        per_layer = attn + mlp
    return per_layer * float(m.layers or 0)
