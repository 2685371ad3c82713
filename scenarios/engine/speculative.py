"""Speculative decoding's effect on decode (ARCHITECTURE 4.3 ``--speculative``, ``--spec-acceptance``).

Each step a draft (EAGLE's head, an MTP module or a small draft model) proposes ``gamma`` tokens
and the target model verifies them in one forward; with each drafted token accepted with
probability ``alpha`` (independently), a step yields on average

    E = (1 - alpha^(gamma + 1)) / (1 - alpha)        (Leviathan et al. 2023, arXiv:2211.17192, eq. 1)

tokens per sequence (gamma + 1 when alpha = 1).  A step costs gamma draft steps (``c`` x one
target step each: Leviathan et al.'s cost coefficient) plus one verification forward carrying
gamma + 1 tokens per sequence: the roofline of the target with (gamma + 1) x the decode FLOPs and
the same weight and KV reads.  At batch 1 the verification costs about one target step (decode
streams the weights), so the time per token falls by about E / (1 + gamma c); as the batch grows
decode turns compute-bound, the verification costs up to gamma + 1 steps and the gain shrinks
(and turns into a loss: the reason serving engines switch speculation off at large batches).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np


def expected_tokens_per_step(acceptance, draft_tokens) -> np.ndarray:
    """Leviathan et al. 2023 eq. 1 (NaN acceptance: no speculation, 1 token per step)."""
    a, g = np.asarray(acceptance, float), np.asarray(draft_tokens, float)
    a_safe = np.where(np.isfinite(a), np.clip(a, 0.0, 1.0), 0.0)
    geometric = (1.0 - a_safe ** (g + 1.0)) / np.maximum(1.0 - a_safe, 1e-12)
    return np.where(g <= 0, 1.0, np.where(a_safe >= 1.0, g + 1.0, geometric))


def time_per_token_multiplier(spec, step_s, verify_step_s) -> np.ndarray:
    """Per-token time with speculation over per-token time without, from one plain target step
    and one verification step at the same batch (1.0 exactly on rows without speculation)."""
    on = spec.draft_tokens > 0
    tokens = expected_tokens_per_step(spec.acceptance, spec.draft_tokens)
    plain = np.where(on, step_s, 1.0)
    spec_step = spec.draft_tokens * spec.draft_cost * plain + np.where(on, verify_step_s, 1.0)
    return np.where(on, spec_step / (tokens * np.maximum(plain, 1e-30)), 1.0)


def verify_work(r, w):
    """The work of one verification forward: gamma + 1 tokens per sequence."""
    return replace(w, decode_flops_per_token=w.decode_flops_per_token * (1.0 + r.spec.draft_tokens))


def any_speculation(r) -> bool:
    return bool((r.spec.draft_tokens > 0).any())


def apply_to_steady(r, ss, verify_ss):
    """A continuous-batching steady state with speculation: TPOT x the multiplier, tokens/s / it."""
    mult = time_per_token_multiplier(r.spec, ss.step_s[0], verify_ss.step_s[0])
    return replace(ss, step_s=tuple(s * mult for s in ss.step_s),
                   throughput_tokens_per_s=tuple(t / mult for t in ss.throughput_tokens_per_s)), mult
