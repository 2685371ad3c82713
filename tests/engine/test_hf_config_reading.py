"""A Hugging Face ``config.json`` read into a model (scenarios.engine.hfconfig.model_from_hf_config):
parameter counts of tiny configurations worked out by hand in the Hugging Face module layout, each
default and alias, the attention layout, and every refusal with its field and problem."""

from __future__ import annotations

import pytest

from scenarios.engine.hfconfig import count_params, model_from_hf_config
from scenarios.errors import VentureLabError

BASE = {"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
        "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 100}
# head_dim 64 / 4 = 16; q, k, v, o: 64x64 + 2 x 64x32 + 64x64 = 12,288; gated MLP 3 x 64 x 128 = 24,576;
# two norms 128; untied embedding and head 2 x 100 x 64 + the final norm 64 = 12,864
ATTN, MLP, NORMS, EMBED = 12_288, 24_576, 128, 12_864
BASE_PARAMS = EMBED + 2 * (ATTN + MLP + NORMS)           # 86,848


def read(**changes):
    return model_from_hf_config({**BASE, **changes})


def refusal(config, name="custom") -> VentureLabError:
    with pytest.raises(VentureLabError) as err:
        model_from_hf_config(config, name)
    return err.value


def test_a_llama_config_counts_every_matrix():
    m = model_from_hf_config(dict(BASE), "tiny")
    assert m.params_b * 1e9 == pytest.approx(BASE_PARAMS, abs=1e-6)
    assert (m.id, m.name, m.family, m.kind) == ("custom:tiny", "tiny", "llama", "decoder-llm")
    assert (m.layers, m.hidden_size, m.attention_heads, m.kv_heads, m.head_dim, m.ffn_size, m.vocab_size) == \
        (2, 64, 4, 2, 16, 128, 100)
    assert m.context_length == 2048                       # no max_position_embeddings: 2048
    assert m.active_params_b is None and m.num_experts is None and m.experts_per_token is None
    assert m.attention_type == "gqa" and m.sliding_window is None and m.sliding_window_layers == ""
    assert m.tie_embeddings is False and m.kv_lora_rank is None and m.qk_rope_head_dim is None
    assert m.source == "user-supplied config.json (parameters computed from the shapes)" and m.verified is False


def test_names_are_made_safe():
    assert model_from_hf_config(dict(BASE), "my model/v2!").id == "custom:my-model-v2-"
    assert model_from_hf_config(dict(BASE), "").name == "custom"
    assert model_from_hf_config(dict(BASE)).id == "custom:custom"
    assert model_from_hf_config(dict(BASE), "a" * 100).name == "a" * 80


def test_defaults_for_absent_shapes():
    m = read(intermediate_size=None, num_key_value_heads=None)
    assert m.ffn_size == 4 * 64 and m.kv_heads == 4 and m.attention_type == "mha"
    attn = 4 * 64 * 64                                     # k and v now as wide as q
    assert m.params_b * 1e9 == pytest.approx(EMBED + 2 * (attn + 3 * 64 * 256 + NORMS), abs=1e-6)
    assert read(num_key_value_heads=None, multi_query=True).kv_heads == 1
    assert read(head_dim=32).head_dim == 32
    assert read(max_position_embeddings=4096).context_length == 4096


def test_gpt2_style_keys_and_an_ungated_mlp():
    m = model_from_hf_config({"model_type": "gpt2", "n_layer": 2, "n_embd": 64, "n_head": 4, "n_positions": 1024,
                              "n_inner": 128, "vocab_size": 100, "tie_word_embeddings": True})
    assert (m.layers, m.hidden_size, m.attention_heads, m.context_length, m.family) == (2, 64, 4, 1024, "gpt2")
    attn = 4 * 64 * 64
    assert m.params_b * 1e9 == pytest.approx(100 * 64 + 64 + 2 * (attn + 2 * 64 * 128 + NORMS), abs=1e-6)
    assert m.tie_embeddings is True


@pytest.mark.parametrize("changes, gated", [
    ({"model_type": "gpt2"}, False), ({"model_type": "gpt2", "hidden_act": "silu"}, True),
    ({"model_type": "gpt2", "hidden_act": "swiglu"}, True), ({"model_type": "gpt2", "hidden_act": "gelu"}, False),
    ({"model_type": "gpt2", "hidden_activation": "gelu_pytorch_tanh"}, True), ({"model_type": "qwen2"}, True),
])
def test_gated_mlps_by_type_or_activation(changes, gated):
    mats = 3 if gated else 2
    assert read(**changes).params_b * 1e9 == pytest.approx(EMBED + 2 * (ATTN + mats * 64 * 128 + NORMS), abs=1e-6)


@pytest.mark.parametrize("mtype, tied", [("gemma", True), ("gemma2", True), ("gemma3", True), ("opt", True),
                                         ("bloom", True), ("falcon", True), ("llama", False), ("", False)])
def test_tied_embeddings_by_model_type(mtype, tied):
    assert read(model_type=mtype).tie_embeddings is tied
    assert read(model_type=mtype, tie_word_embeddings=not tied).tie_embeddings is (not tied)


def test_mixture_of_experts_counts_total_and_active():
    m = read(model_type="mixtral", num_local_experts=4)
    per_expert = 3 * 64 * 128
    assert m.num_experts == 4 and m.experts_per_token == 2            # top-2 when not given
    assert m.params_b * 1e9 == pytest.approx(EMBED + 2 * (ATTN + NORMS) + 2 * (4 * per_expert + 64 * 4), abs=1e-6)
    assert m.active_params_b * 1e9 == pytest.approx(EMBED + 2 * (ATTN + NORMS) + 2 * (2 * per_expert + 64 * 2),
                                                    abs=1e-6)
    assert read(model_type="mixtral", num_local_experts=4, num_experts_per_tok=1).experts_per_token == 1
    # DeepSeek layout: narrow routed experts, a shared expert, a first dense layer
    m = read(model_type="deepseek_v3", n_routed_experts=4, num_experts_per_tok=2, moe_intermediate_size=32,
             n_shared_experts=1, first_k_dense_replace=1)
    narrow = 3 * 64 * 32
    assert m.params_b * 1e9 == pytest.approx(EMBED + 2 * (ATTN + NORMS) + MLP + 4 * narrow + narrow + 64 * 4,
                                             abs=1e-6)
    assert m.active_params_b * 1e9 == pytest.approx(EMBED + 2 * (ATTN + NORMS) + MLP + 2 * narrow + narrow + 64 * 2,
                                                    abs=1e-6)
    assert read(n_shared_experts=0, first_k_dense_replace=0, q_lora_rank=0).params_b * 1e9 == \
        pytest.approx(BASE_PARAMS, abs=1e-6)                             # 0 is allowed for these three


def test_multi_head_latent_attention():
    m = read(model_type="deepseek_v3", num_key_value_heads=4, kv_lora_rank=16, qk_rope_head_dim=8,
             qk_nope_head_dim=12)
    assert m.attention_type == "mla" and m.kv_lora_rank == 16 and m.qk_rope_head_dim == 8 and m.head_dim == 12
    # q 64 x 4 x (12 + 8); kv down 64 x (16 + 8); kv up 16 x 4 x (12 + 12); o 4 x 12 x 64
    attn = 64 * 4 * 20 + 64 * 24 + 16 * 4 * 24 + 4 * 12 * 64
    assert m.params_b * 1e9 == pytest.approx(EMBED + 2 * (attn + MLP + NORMS), abs=1e-6)
    low_rank_q = read(model_type="deepseek_v3", num_key_value_heads=4, kv_lora_rank=16, qk_rope_head_dim=8,
                      qk_nope_head_dim=12, q_lora_rank=8)
    attn_q = 64 * 8 + 8 * 4 * 20 + 64 * 24 + 16 * 4 * 24 + 4 * 12 * 64
    assert low_rank_q.params_b * 1e9 == pytest.approx(EMBED + 2 * (attn_q + MLP + NORMS), abs=1e-6)
    # without kv_lora_rank qk_nope_head_dim is not read
    assert read(qk_nope_head_dim=12).head_dim == 16


@pytest.mark.parametrize("changes, attention, window, layers", [
    ({"model_type": "mistral", "sliding_window": 512, "max_position_embeddings": 4096},
     "sliding-window-mix", 512, "all"),
    ({"model_type": "gemma2", "sliding_window": 512, "max_position_embeddings": 4096},
     "sliding-window-mix", 512, "alternate"),
    ({"model_type": "gpt_oss", "sliding_window": 128, "max_position_embeddings": 4096},
     "sliding-window-mix", 128, "alternate"),
    ({"sliding_window": 512, "max_position_embeddings": 4096,
      "layer_types": ["sliding_attention", "full_attention"]}, "sliding-window-mix", 512, "alternate"),
    ({"sliding_window": 512, "max_position_embeddings": 4096, "layer_types": ["sliding_attention"] * 2},
     "sliding-window-mix", 512, "all"),
    ({"sliding_window": 4096, "max_position_embeddings": 4096}, "gqa", None, ""),     # window covers the context
    ({"sliding_window": 512, "max_position_embeddings": 4096, "use_sliding_window": False}, "gqa", None, ""),
    ({"sliding_window": None}, "gqa", None, ""),
])
def test_attention_layout(changes, attention, window, layers):
    m = read(**changes)
    assert (m.attention_type, m.sliding_window, m.sliding_window_layers) == (attention, window, layers)


def test_a_multimodal_wrapper_reads_its_text_config():
    m = model_from_hf_config({"model_type": "llava", "text_config": {**BASE, "model_type": "llama", "hidden_act": "silu"},
                              "vision_config": {"hidden_size": 1024}})
    assert m.family == "llava" and m.params_b * 1e9 == pytest.approx(BASE_PARAMS, abs=1e-6)
    # the inner llama is gated even when only its model_type says so (no hidden_act)
    inner = {k: v for k, v in BASE.items() if k != "hidden_act"}
    m = model_from_hf_config({"model_type": "llava", "text_config": inner})
    assert m.family == "llava" and m.params_b * 1e9 == pytest.approx(BASE_PARAMS, abs=1e-6)
    m = model_from_hf_config({"text_config": dict(BASE)})        # the wrapper names no type: the inner one
    assert m.family == "llama"
    m = model_from_hf_config({**BASE, "text_config": "not a mapping"})
    assert m.layers == 2
    assert model_from_hf_config({**BASE, "model_type": ""}).family == "custom"


@pytest.mark.parametrize("config, field, problem, got", [
    ([1, 2], "config.json", "must be a JSON object of model settings", "list"),
    ({**BASE, "model_type": 3}, "config.json model_type", "must be text", 3),
    ({**BASE, "num_hidden_layers": True}, "config.json num_hidden_layers", "must be a whole number", True),
    ({**BASE, "num_hidden_layers": "2"}, "config.json num_hidden_layers", "must be a whole number", "2"),
    ({**BASE, "num_hidden_layers": 2.5}, "config.json num_hidden_layers", "must be a whole number", 2.5),
    ({**BASE, "num_hidden_layers": float("inf")}, "config.json num_hidden_layers", "must be a whole number",
     float("inf")),
    ({**BASE, "num_hidden_layers": 0}, "config.json num_hidden_layers", "out of range 1..1,024", 0),
    ({**BASE, "num_hidden_layers": 1025}, "config.json num_hidden_layers", "out of range 1..1,024", 1025),
    ({**BASE, "vocab_size": 10_000_001}, "config.json vocab_size", "out of range 1..10,000,000", 10_000_001),
    ({**BASE, "first_k_dense_replace": -1}, "config.json first_k_dense_replace", "out of range 1..1,024", -1),
    ({**BASE, "num_key_value_heads": 8}, "config.json num_key_value_heads", "cannot exceed num_attention_heads", 8),
    ({**BASE, "num_attention_heads": 5, "num_key_value_heads": 5}, "config.json num_attention_heads",
     "must divide hidden_size (or give head_dim)", 5),
    ({**BASE, "num_local_experts": 2, "num_experts_per_tok": 3}, "config.json num_experts_per_tok",
     "cannot exceed the number of experts", 3),
    ({**BASE, "tie_word_embeddings": "yes"}, "config.json tie_word_embeddings", "must be true or false", "yes"),
    ({**BASE, "kv_lora_rank": 16, "qk_nope_head_dim": 4096}, "config.json qk_nope_head_dim",
     "must be a whole number 1..4095", 4096),
    ({**BASE, "kv_lora_rank": 16, "qk_nope_head_dim": True}, "config.json qk_nope_head_dim",
     "must be a whole number 1..4095", True),
    ({**BASE, "kv_lora_rank": 16, "qk_nope_head_dim": 0}, "config.json qk_nope_head_dim",
     "must be a whole number 1..4095", 0),
])
def test_refusals_name_the_key_and_the_problem(config, field, problem, got):
    err = refusal(config)
    assert (err.field, err.problem) == (field, problem)
    assert err.got == got or err.got is got


def test_a_missing_shape_names_the_keys_tried():
    err = refusal({k: v for k, v in BASE.items() if k != "hidden_size"})
    assert (err.field, err.problem) == ("config.json hidden_size", "is missing")
    assert err.accepted == "a Hugging Face config with hidden_size, n_embd, d_model, dim"
    err = refusal({k: v for k, v in BASE.items() if k != "vocab_size"})
    assert err.field == "config.json vocab_size"
    assert err.accepted == "a Hugging Face config with vocab_size, padded_vocab_size"


def test_an_absurd_size_is_refused():
    err = refusal({"num_hidden_layers": 1024, "hidden_size": 262_144, "num_attention_heads": 4096,
                   "vocab_size": 100})
    assert err.field == "config.json"
    assert err.problem == "implies more than 100 trillion parameters; refusing an absurd size"
    assert err.got.endswith(" parameters")
    # just under the limit is read
    assert model_from_hf_config({"num_hidden_layers": 1, "hidden_size": 65_536, "num_attention_heads": 64,
                                 "vocab_size": 100}).params_b > 1


def test_count_params_defaults_to_a_dense_gated_untied_model():
    shapes = {"layers": 2, "hidden": 64, "heads": 4, "kv_heads": 2, "head_dim": 16, "ffn": 128, "vocab": 100}
    assert count_params(**shapes) == (float(BASE_PARAMS), None)
    assert count_params(**shapes, gated=False)[0] == EMBED + 2 * (ATTN + 2 * 64 * 128 + NORMS)
    assert count_params(**shapes, tied=True)[0] == BASE_PARAMS - 100 * 64
    # MLA without a decoupled RoPE key: q 64 x 4 x 16, kv down 64 x 16, kv up 16 x 4 x 32, o 4 x 16 x 64
    attn = 64 * 64 + 64 * 16 + 16 * 4 * 32 + 64 * 64
    assert count_params(**shapes, kv_lora_rank=16)[0] == EMBED + 2 * (attn + MLP + NORMS)
