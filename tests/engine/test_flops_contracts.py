"""FLOP counts checked where mutation testing (make mutation) found no test: integer inputs, the
PaLM attention term, the fitted Chinchilla optimum, the budget limits, the prefill's 2 N per token
and MLA's attention width. Each expected value comes from the cited paper, not from the code."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.engine.catalog import get_model
from scenarios.engine.flops import (attention_flops_per_token, chinchilla_optimal, decode_flops_per_token,
                                   prefill_flops, training_flops)
from scenarios.engine.memory import model_arrays
from scenarios.errors import VentureLabError


def test_training_flops_take_integer_counts_without_overflow():
    # 6 N D for 7B parameters on 2T tokens = 8.4e22, beyond int64 (9.2e18): the count must be float.
    assert float(training_flops(7_000_000_000, 2_000_000_000_000)) == pytest.approx(8.4e22, rel=1e-12)


def test_training_flops_attention_term_is_palms():
    # Chowdhery et al. 2022, PaLM (https://arxiv.org/abs/2204.02311, 2022-04) App. B: 6 N + 12 L H Q T FLOPs
    # per token. Llama-2-7B shapes: L = 32, H Q = 4096, T = 4096.
    got = float(training_flops(7e9, 1e9, layers=32, q_dim=4096, seq_len=4096))
    assert got == pytest.approx(1e9 * (6 * 7e9 + 12 * 32 * 4096 * 4096), rel=1e-12)


def chinchilla_loss(n, d):
    # Hoffmann et al. 2022 (https://arxiv.org/abs/2203.15556, 2022-03) eq. 10 / approach 3.
    return 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28


@pytest.mark.parametrize("compute", [1e20, 5.76e23, 1e26])
def test_fitted_chinchilla_minimises_the_papers_loss_on_the_budget(compute):
    n, d = chinchilla_optimal(compute, method="fitted")
    assert 6 * n * d == pytest.approx(compute, rel=1e-9)
    best = chinchilla_loss(n, compute / (6 * n))
    for step in (0.97, 1.03):
        other = n * step
        assert chinchilla_loss(other, compute / (6 * other)) > best


def test_chinchilla_rule_spends_the_whole_budget():
    n, d = chinchilla_optimal(5.88e23)
    assert 6 * n * d == pytest.approx(5.88e23, rel=1e-12)


def test_chinchilla_budget_limits_name_the_input():
    chinchilla_optimal(1e6)          # the smallest budget accepted
    chinchilla_optimal(1e35)         # the largest
    for bad in (9.99e5, 1.01e35, -1.0):
        with pytest.raises(VentureLabError) as err:
            chinchilla_optimal(bad)
        assert err.value.field == "compute_flops"
    with pytest.raises(VentureLabError) as err:
        chinchilla_optimal(1e23, method="kaplan")
    # The CLI prints this one line (exit 2): it must name the input, what was given and what is accepted.
    assert str(err.value) == ("method: unknown Chinchilla method (got 'kaplan'); "
                              "accepted: tokens-per-param, fitted")


def test_prefill_is_two_flops_per_matmul_parameter_per_token():
    # Kaplan et al. 2020 (https://arxiv.org/abs/2001.08361, 2020-01) s2.1: forward pass 2 N FLOPs per token,
    # N without the input embedding. Llama-2-7B: 6,738,415,616 - 32000 x 4096 (untied input table).
    m = model_arrays([get_model("llama-2-7b")])
    n_matmul = 6_738_415_616 - 32000 * 4096
    one_token = float(prefill_flops(m, 1, 1)[0])
    assert one_token == pytest.approx(2 * n_matmul, rel=1e-3)   # attention over 1 token: < 0.01%
    assert float(prefill_flops(m, 512, 4)[0]) == pytest.approx(4 * float(prefill_flops(m, 512, 1)[0]))


def test_attention_width_of_mla_and_of_grouped_query_attention():
    # One new token attending to one cached token, 2 FLOPs per multiply-add, every layer:
    # GQA (Llama 2 7B): q.k and the value sum over q_dim = 4096 each, 32 layers.
    # MLA (DeepSeek-V3, https://arxiv.org/abs/2412.19437 s2.1.1): 128 heads, q.k over 128 + 64 dims and
    # the value sum over 128, 61 layers.
    llama = model_arrays([get_model("llama-2-7b")])
    v3 = model_arrays([get_model("deepseek-v3")])
    assert float(attention_flops_per_token(llama, 1)[0]) == 2 * (4096 + 4096) * 32
    assert float(attention_flops_per_token(v3, 1)[0]) == 2 * 128 * (128 + 64 + 128) * 61
    assert np.all(attention_flops_per_token(llama, np.array([1, 10])) == [2 * 8192 * 32, 2 * 8192 * 32 * 10])


LLAMA2_7B_MATMUL = 6_738_415_616 - 32000 * 4096
# Llama 2 7B attention per (layer, context token): q.k and the value sum over 4096 dims, 2 FLOPs each.
LLAMA2_7B_ATTN = 2 * (4096 + 4096) * 32


def test_decode_token_costs_2n_plus_attention_over_its_context():
    # Kaplan et al. 2020 Table 1: 2 N + attention over the n_ctx tokens it attends to. The first generated
    # token after a 16-token prompt attends to the prompt and itself: 17 tokens (1% tolerance: the engine
    # averages the context over the step).
    m = model_arrays([get_model("llama-2-7b")])
    got = float(decode_flops_per_token(m, 16, 1)[0])
    assert got - 2 * LLAMA2_7B_MATMUL == pytest.approx(LLAMA2_7B_ATTN * 17, rel=0.01)
    assert got == pytest.approx(2 * LLAMA2_7B_MATMUL, rel=0.01)


def test_prefill_attention_is_causal():
    # A causal prompt of P tokens attends over P (P + 1) / 2 token pairs per layer (1% tolerance, as above).
    m = model_arrays([get_model("llama-2-7b")])
    p = 16
    attention = float(prefill_flops(m, p, 1)[0]) - 2 * LLAMA2_7B_MATMUL * p
    assert attention == pytest.approx(LLAMA2_7B_ATTN * p * (p + 1) / 2, rel=0.01)


def test_tied_embeddings_are_one_matmul_matrix():
    # Llama 3.2 1B ties its input and output embeddings (HF config tie_word_embeddings: true): the one
    # matrix is the output head, so every parameter takes part in a matmul: 2 N per token with N = 1.2358B.
    m = model_arrays([get_model("llama-3.2-1b")])
    assert float(prefill_flops(m, 1, 1)[0]) == pytest.approx(2 * 1.2358e9, rel=1e-3)
