"""Memory terms of the engine (scenarios.engine.memory) on catalog models, against figures worked
out by hand or published: KV cache per token (Llama 2 7B 512 KiB, Llama 3 8B 128 KiB in 16 bit;
DeepSeek-V3's MLA 576 values per layer), sliding-window caps (Mistral 7B, Gemma 2, Gemma 3's 5:1),
the averaged cache over a decode, expert-only formats, matmul and expert parameter counts, ZeRO
states and activations."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.engine import memory as mem
from scenarios.engine.catalog import get_model


def arrays(*ids):
    return mem.model_arrays([get_model(i) for i in ids])


def test_kv_values_per_token_and_layer():
    m = arrays("llama-2-7b", "llama-3.1-8b", "deepseek-v3", "resnet-50", "bert-base")
    assert mem.kv_values_per_token_per_layer(m).tolist() == [2 * 32 * 128, 2 * 8 * 128, 512 + 64, 0.0, 0.0]
    # 16-bit cache of one token over every layer
    per_token = mem.kv_cache_bytes(m.take(np.array([0, 1])), context=1, batch=1, kv_bits=16)
    assert per_token.tolist() == [512 * 1024, 128 * 1024]
    assert mem.kv_cache_bytes(m.take(np.array([1])), context=1000, batch=3, kv_bits=8).tolist() == \
        [2 * 8 * 128 * 32 * 1000 * 3 * 1.0]


def test_sliding_window_layers_keep_at_most_the_window():
    m = arrays("mistral-7b", "gemma-2-9b", "gemma-3-27b", "llama-3.1-8b")
    assert m.n_local.tolist() == [32, 21, 52, 0] and m.window[3] == np.inf
    assert mem.cached_token_layers(m, 2000).tolist() == [32 * 2000, 42 * 2000, 52 * 1024 + 10 * 2000, 32 * 2000]
    assert mem.cached_token_layers(m, 10_000).tolist() == [32 * 4096, 21 * 4096 + 21 * 10_000,
                                                           52 * 1024 + 10 * 10_000, 32 * 10_000]


@pytest.mark.parametrize("start, stop", [(0, 10), (100, 5000), (4000, 4200), (5000, 6000), (10, 10), (10, 5)])
def test_mean_cache_over_a_decode_is_the_average_of_each_step(start, stop):
    m = arrays("mistral-7b", "gemma-3-27b", "llama-3.1-8b")
    steps = range(start + 1, max(stop, start + 1) + 1)
    brute = np.mean([mem.cached_token_layers(m, t) for t in steps], axis=0)
    assert mem.mean_cached_token_layers(m, start, stop) == pytest.approx(brute, rel=1e-12)


def test_model_arrays_fill_missing_fields():
    m = arrays("resnet-50", "llama-3.1-8b", "gpt-oss-20b")
    assert m.hidden[0] == 0 and m.heads[0] == 0 and m.head_dim[0] == 0 and m.kv_heads[0] == 0
    assert m.q_dim.tolist() == [0, 32 * 128, 64 * 64]
    assert m.params.tolist() == pytest.approx([0.025557e9, 8.0303e9, 20.9148e9])
    assert m.active_params.tolist() == pytest.approx([0.025557e9, 8.0303e9, 3.6083e9])
    assert m.attn_code.tolist() == [0, 1, 3] and m.token_model.tolist() == [False, True, True]
    assert m.experts.tolist() == [0, 0, 32] and m.experts_per_token.tolist() == [0, 0, 4]
    assert m.active_excl_embed.tolist() == [False, False, True] and m.tied.dtype == bool
    assert m.window.tolist() == [np.inf, np.inf, 128] and m.n_local.tolist() == [0, 0, 12]
    # a config without head_dim and kv heads: hidden / heads, and every head keeps K and V
    from scenarios.engine.hfconfig import model_from_hf_config
    custom = model_from_hf_config({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
                                   "vocab_size": 10})
    c = mem.model_arrays([custom])
    assert (c.head_dim[0], c.kv_heads[0], c.q_dim[0]) == (16, 4, 64)
    empty = mem.model_arrays([])
    assert empty.params.shape == (0,) and (~empty.tied).shape == (0,) and empty.token_model.dtype == bool
    taken = m.take(np.array([2, 2]))
    assert taken.layers.tolist() == [24, 24] and taken.window.tolist() == [128, 128]


def test_expert_only_formats_keep_the_rest_in_bf16():
    assert mem.expert_only_format(["mxfp4", "mxfp4", "int4"], [True, False, True]).tolist() == [True, False, False]
    # 1e9 shared + 10e9 expert parameters at 4.25 bits: shared at 16 bits where expert-only
    got = mem.split_weight_bytes([1e9, 1e9], [10e9, 10e9], [4.25, 4.25], [True, False])
    assert got.tolist() == pytest.approx([(1e9 * 16 + 10e9 * 4.25) / 8, 11e9 * 4.25 / 8])
    assert mem.weight_bytes(7e9, 4.5) == pytest.approx(7e9 * 4.5 / 8)


def test_matmul_parameters_leave_the_input_embedding_out_once():
    # untied, active count includes the embedding: remove vocab x hidden
    assert mem.matmul_param_count(8e9, 128_256, 4096, False, False) == pytest.approx(8e9 - 128_256 * 4096)
    # tied or already excluded: nothing to remove
    assert mem.matmul_param_count(8e9, 128_256, 4096, True, False) == 8e9
    assert mem.matmul_param_count(8e9, 128_256, 4096, False, True) == 8e9
    # a malformed row cannot drop below half the active count
    assert mem.matmul_param_count(1e6, 1e6, 1e3, False, False) == 0.5e6


def test_one_routed_expert_from_total_and_active():
    # total - active = (E - k) x expert
    assert mem.routed_expert_param_count(47e9, 13e9, 8, 2, 32_000, 4096, False, False) == pytest.approx(34e9 / 6)
    # the active count leaves the (untied) input embedding out, the total has it
    got = mem.routed_expert_param_count(20e9, 3e9, 32, 4, 200_000, 3000, False, True)
    assert got == pytest.approx((20e9 - 3e9 - 200_000 * 3000) / 28)
    assert mem.routed_expert_param_count(20e9, 3e9, 32, 4, 200_000, 3000, True, True) == pytest.approx(17e9 / 28)
    assert mem.routed_expert_param_count(8e9, 8e9, 0, 0, 1000, 10, False, False) == 0.0       # dense
    assert mem.routed_expert_param_count(1e9, 2e9, 4, 1, 0, 0, False, False) == 0.0           # floored at 0
    assert mem.routed_expert_param_count(3e9, 1e9, 2, 2, 0, 0, False, False) == 2e9           # E = k: / 1


def test_zero_stages_shard_the_adam_states():
    p, nd = 1e9, 8
    got = mem.training_state_bytes(p, nd, np.array([0, 1, 2, 3]))
    assert got.tolist() == pytest.approx([16 * p, 4 * p + 12 * p / nd, 2 * p + 14 * p / nd, 16 * p / nd])
    assert mem.training_state_bytes(p, 0, 3) == pytest.approx(16 * p)          # no data parallel: one copy


def test_activations_with_tensor_parallel_and_checkpointing():
    per_layer = 2048 * 2 * 4096 * (34 + 5 * 32 * 2048 / 4096)
    assert mem.activation_bytes_per_layer(2048, 2, 4096, 32) == pytest.approx(per_layer)
    assert mem.activation_bytes_per_layer(2048, 2, 4096, 32, tensor_parallel=4) == pytest.approx(per_layer / 4)
    assert mem.activation_bytes_per_layer(2048, 2, 4096, 32, tensor_parallel=0) == pytest.approx(per_layer)
    full = mem.training_activation_bytes(2048, 2, 4096, 32, 40, False, 4)
    assert full == pytest.approx(40 * per_layer / 4)
    ckpt = mem.training_activation_bytes(2048, 2, 4096, 32, 40, True, 4)
    assert ckpt == pytest.approx(2 * 2048 * 2 * 4096 * 40 / 4 + per_layer / 4)
    both = mem.training_activation_bytes(2048, 2, 4096, 32, 40, [True, False])
    assert both.tolist() == pytest.approx([2 * 2048 * 2 * 4096 * 40 + per_layer, 40 * per_layer])


def test_lora_on_a_model_without_transformer_shapes_adapts_nothing():
    from dataclasses import replace
    from scenarios.engine.memory import lora_params
    assert lora_params(get_model("resnet-50"), 16) == 0.0                     # no hidden size
    assert lora_params(replace(get_model("llama-2-7b"), layers=None), 16) == 0.0
