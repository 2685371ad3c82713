"""FLOP counts: inference (prefill, decode), training, and the compute-optimal split (Chinchilla).

One multiply-add = 2 FLOPs.  Vectorised: model shape arrays come from
:func:`scenarios.engine.memory.model_arrays` (a :class:`~scenarios.engine.memory.ModelArrays`).
"""

from __future__ import annotations

import numpy as np

from scenarios.engine.memory import (
    ModelArrays,
    cached_token_layers,
    matmul_param_count,
    mean_cached_token_layers,
    routed_expert_param_count,
)
from scenarios.errors import VentureLabError

# Chinchilla (Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models',
# arXiv:2203.15556): approaches 1-2 give ~20 tokens per parameter; approach 3 fits
# L(N, D) = E + A / N^alpha + B / D^beta with the constants below (their eq. 10 / Table A3).
CHINCHILLA_TOKENS_PER_PARAM = 20.0
CHINCHILLA_FIT = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


def matmul_params(m: ModelArrays) -> np.ndarray:
    """Parameters that take part in a matmul per token: active parameters minus the input embedding
    table of untied models (a gather, not a matmul; Kaplan et al. 2020 s2.1 leave it out).  Tied
    models use the one matrix as the output head; some MoE rows' active counts already exclude the
    lookup (``active_excl_embed``)."""
    return matmul_param_count(m.active_params, m.vocab, m.hidden, m.tied, m.active_excl_embed)


def expert_params(m: ModelArrays) -> np.ndarray:
    """Parameters of one routed expert summed over layers (MoE), from total and active counts:
    total - active = (E - k) x expert (+ the input embedding where active leaves it out)."""
    return routed_expert_param_count(m.params, m.active_params, m.experts, m.experts_per_token,
                                     m.vocab, m.hidden, m.tied, m.active_excl_embed)


def _attention_width(m: ModelArrays) -> np.ndarray:
    """Multiply-adds per (layer, cached token) of the scores and the weighted sum: q_dim each, 2 q_dim
    (Kaplan et al. 2020 Table 1: 2 n_layer n_ctx d_attn).  MLA: q.k over (nope + rope) dims and the
    value sum over v dims (128 + 64, 128 for DeepSeek-V3)."""
    return np.where(m.attn_code == 2, m.heads * (2 * m.head_dim + m.rope_dim), 2.0 * m.q_dim)


def attention_flops_per_token(m: ModelArrays, context) -> np.ndarray:
    """Forward FLOPs of the attention for one new token that attends to ``context`` cached tokens
    (2 FLOPs per multiply-add); sliding-window layers attend to at most ``window`` tokens."""
    return 2.0 * _attention_width(m) * cached_token_layers(m, context)


def prefill_flops(m: ModelArrays, prompt_tokens, batch) -> np.ndarray:
    """FLOPs of the prefill of ``batch`` prompts: 2 N per token + causal attention.

    Causal attention over a prompt of P tokens sums the per-token cost over t = 1..P (P (P+1) / 2
    token pairs), each layer capped by its sliding window: P x the exact mean of the cached
    token-layers over t = 1..P.
    """
    p = np.asarray(prompt_tokens, dtype=float)
    dense = 2.0 * matmul_params(m) * p
    attn = p * 2.0 * _attention_width(m) * mean_cached_token_layers(m, 0.0, p)
    return (dense + attn) * np.asarray(batch, dtype=float)


def decode_flops_per_token(m: ModelArrays, prompt_tokens, output_tokens) -> np.ndarray:
    """FLOPs to generate one token of one sequence, averaged while the context grows from the
    prompt to prompt + output (the figure llama-bench's tg reports)."""
    mean_ctx_layers = mean_cached_token_layers(m, prompt_tokens, np.asarray(prompt_tokens) + np.maximum(
        np.asarray(output_tokens, dtype=float), 1.0))
    return 2.0 * matmul_params(m) + 2.0 * _attention_width(m) * mean_ctx_layers


def training_flops(params, tokens, layers=0, q_dim=0, seq_len=0):
    """Training FLOPs = 6 N D + attention 12 L (H Q) T per token (Chowdhery et al. 2022, PaLM
    arXiv:2204.02311 App. B; 6 N D from Kaplan et al. 2020 s2.1).  MoE: N = active parameters."""
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    attn = 12.0 * np.asarray(layers, float) * np.asarray(q_dim, float) * np.asarray(seq_len, float)
    return d * (6.0 * n + attn)


def chinchilla_optimal(compute_flops: float, method: str = "tokens-per-param") -> tuple[float, float]:
    """Compute-optimal (parameters, tokens) for a FLOP budget C = 6 N D.

    ``tokens-per-param``: D = 20 N, so N = sqrt(C / 120) (Hoffmann et al. 2022, approaches 1-2:
    Chinchilla 70B on 1.4T tokens).  ``fitted``: minimise the approach-3 loss fit, giving
    N = G (C/6)^(beta/(alpha+beta)), G = (alpha A / (beta B))^(1/(alpha+beta)) (their eq. 4).
    """
    from scenarios.units import parse_number
    c = parse_number(compute_flops, "compute_flops", minimum=1e6, maximum=1e35)
    if method == "tokens-per-param":
        n = (c / (6.0 * CHINCHILLA_TOKENS_PER_PARAM)) ** 0.5
        return n, CHINCHILLA_TOKENS_PER_PARAM * n
    if method == "fitted":
        f = CHINCHILLA_FIT
        a, b = f["alpha"], f["beta"]
        g = (a * f["A"] / (b * f["B"])) ** (1.0 / (a + b))
        n = g * (c / 6.0) ** (b / (a + b))
        return n, c / (6.0 * n)
    raise VentureLabError("method", "unknown Chinchilla method", got=method,
                          accepted=("tokens-per-param", "fitted"))
