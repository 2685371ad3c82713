"""Fine-tuning memory and time (scenarios.engine.training.finetune_memory): every term checked against
arithmetic written out here, and against the trainable-parameter counts Hugging Face PEFT prints for
the same configurations (``print_trainable_parameters``: Llama 2 7B LoRA r=8 on q,v 4,194,304;
r=16 on all linear layers 39,976,960; Llama 3 8B r=16 all linear 41,943,040)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.memory import RUNTIME_OVERHEAD_GB, lora_params
from scenarios.engine.training import ADAPTER_BYTES, NF4_DQ_BITS, finetune_memory
from scenarios.errors import VentureLabError

P7 = 6.7384e9                      # llama-2-7b params (data/models.csv)
RTX_PEAK = 165.2e12                # nvidia-rtx-4090 dense 16-bit tensor peak
# Korthikanti et al. 2022 eq. 1, llama-2-7b (h 4096, 32 heads, 32 layers) at seq 512, micro batch 1
PER_LAYER_512 = 512 * 4096 * (34 + 5 * 32 * 512 / 4096)          # 113,246,208 bytes
CKPT_512 = 2 * 512 * 4096 * 32 + PER_LAYER_512                    # layer inputs + one layer recomputed


def test_lora_trainable_parameters_match_peft_counts():
    assert lora_params(get_model("llama-2-7b"), 8, "attention") == 4_194_304
    assert lora_params(get_model("llama-2-7b"), 16, "all-linear") == 39_976_960
    assert lora_params(get_model("llama-2-7b"), 16) == 39_976_960          # all-linear is the default
    # GQA: k and v project to 8 x 128 = 1024, not the hidden size
    assert lora_params(get_model("llama-3.1-8b"), 16, "all-linear") == 41_943_040
    assert lora_params(get_model("llama-3.1-8b"), 16, "attention") == 32 * (16 * 8192 + 16 * 5120)
    # MoE: every routed expert's three MLP matrices get adapters (8 experts), attention once
    assert lora_params(get_model("mixtral-8x7b"), 16) == 32 * (425_984 + 3 * 16 * (4096 + 14336) * 8)


def test_lora_on_a_16_bit_base():
    e = finetune_memory("llama-2-7b", "nvidia-rtx-4090")          # defaults: lora, r 16, seq 512, mb 1
    assert e.method == "lora"
    assert e.weights_gb == pytest.approx(P7 * 2 / 1e9, rel=1e-12)
    assert e.trainable_params == 39_976_960
    assert e.adapter_and_optimizer_gb == pytest.approx(39_976_960 * 12 / 1e9, rel=1e-12)
    assert e.activations_gb == pytest.approx(CKPT_512 / 1e9, rel=1e-12)
    assert e.overhead_gb == RUNTIME_OVERHEAD_GB["nvidia-consumer"] == 0.6
    assert e.memory_gb == pytest.approx(P7 * 2 / 1e9 + 39_976_960 * 12 / 1e9 + CKPT_512 / 1e9 + 0.6, rel=1e-12)
    assert e.fits is True
    assert (e.hours, e.hours_low, e.hours_high) == (None, None, None)     # no tokens: no time
    assert e.inputs == {"model": "llama-2-7b", "hardware": "nvidia-rtx-4090", "method": "lora", "rank": 16,
                        "seq_len": 512, "micro_batch": 1, "targets": "all-linear", "tokens": None}
    a = {x.name: x for x in e.assumptions}
    assert (a["base_weights"].value, a["base_weights"].unit, a["base_weights"].source) == (16, "bits/parameter", "bf16")
    assert (a["adapter_bytes"].value, a["adapter_bytes"].source) == (ADAPTER_BYTES, "bf16 weights + grads, fp32 Adam m and v")
    assert a["adapter_bytes"].unit == "bytes/trainable parameter"
    assert a["lora_targets"].value == "all-linear" and a["lora_targets"].unit == ""
    assert a["lora_targets"].source == "QLoRA s4 adapts all linear layers; LoRA paper q and v"
    assert e.to_dict()["memory_gb"] == e.memory_gb


def test_qlora_stores_the_base_in_nf4_with_double_quantisation():
    e = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "qlora", rank=64, targets="attention")
    assert NF4_DQ_BITS == 4.127
    assert e.weights_gb == pytest.approx(P7 * 4.127 / 8 / 1e9, rel=1e-12)
    trainable = 32 * (64 * 8192 + 64 * 8192)
    assert e.trainable_params == trainable
    assert e.adapter_and_optimizer_gb == pytest.approx(trainable * 12 / 1e9, rel=1e-12)
    a = {x.name: x for x in e.assumptions}
    assert (a["base_weights"].value, a["base_weights"].source) == (4.127, "QLoRA (Dettmers et al. 2023) s3")
    assert a["lora_targets"].value == "attention"
    assert e.inputs["rank"] == 64 and e.inputs["targets"] == "attention" and e.inputs["method"] == "qlora"


def test_full_fine_tuning_is_mixed_precision_adam_on_every_parameter():
    e = finetune_memory("llama-2-7b", "nvidia-h100-sxm", "full", seq_len=1024, micro_batch=2,
                        activation_checkpointing=False)
    assert e.trainable_params == P7
    assert e.weights_gb == pytest.approx(P7 * 2 / 1e9, rel=1e-12)
    assert e.adapter_and_optimizer_gb == pytest.approx(P7 * 14 / 1e9, rel=1e-12)   # 16 bytes in all
    per_layer = 1024 * 2 * 4096 * (34 + 5 * 32 * 1024 / 4096)
    assert e.activations_gb == pytest.approx(32 * per_layer / 1e9, rel=1e-12)       # every layer stored
    assert e.overhead_gb == 1.0
    total = P7 * 16 / 1e9 + 32 * per_layer / 1e9 + 1.0
    assert e.memory_gb == pytest.approx(total, rel=1e-12)
    assert e.fits is False and total > get_hardware("nvidia-h100-sxm").usable_memory_gb
    a = {x.name: x for x in e.assumptions}
    assert a["adapter_bytes"].value == 16 and a["adapter_bytes"].source == "ZeRO s3.1"
    assert a["base_weights"].value == 16
    assert e.inputs["seq_len"] == 1024 and e.inputs["micro_batch"] == 2


def test_checkpointing_keeps_layer_inputs_only():
    on = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "qlora", activation_checkpointing=True)
    off = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "qlora", activation_checkpointing=False)
    assert on.activations_gb == pytest.approx(CKPT_512 / 1e9, rel=1e-12)
    assert off.activations_gb == pytest.approx(32 * PER_LAYER_512 / 1e9, rel=1e-12)
    assert off.memory_gb - on.memory_gb == pytest.approx((32 * PER_LAYER_512 - CKPT_512) / 1e9, rel=1e-9)


def test_time_is_4n_per_token_for_adapters_and_6n_for_full_at_the_given_mfu():
    lora = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "lora", tokens="10M", mfu=0.5)
    expected = 4 * P7 * 1e7 / (RTX_PEAK * 0.5) / 3600
    assert lora.hours == pytest.approx(expected, rel=1e-12)
    assert lora.hours_low == lora.hours_high == lora.hours          # a given MFU has no band
    assert lora.inputs["tokens"] == "10M"
    full = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "full", tokens=1e7, mfu=0.25)
    assert full.hours == pytest.approx(6 * P7 * 1e7 / (RTX_PEAK * 0.25) / 3600, rel=1e-12)
    qlora = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "qlora", tokens=1e7, mfu=0.5)
    assert qlora.hours == pytest.approx(expected, rel=1e-12)
    assert finetune_memory("llama-2-7b", "nvidia-rtx-4090", tokens=0, mfu=0.5).hours == 0.0


def test_fitted_mfu_gives_a_band_around_the_expected_time():
    e = finetune_memory("llama-2-7b", "nvidia-rtx-4090", tokens=1e7)
    assert 0 < e.hours_low < e.hours < e.hours_high
    # the band comes from the MFU band: low hours = high MFU
    flops = 4 * P7 * 1e7
    for hours in (e.hours, e.hours_low, e.hours_high):
        mfu = flops / (RTX_PEAK * hours * 3600)
        assert 0.01 < mfu < 1.0


@pytest.mark.parametrize("kwargs, field, accepted", [
    ({"method": "dora"}, "method", "full, lora, qlora"),
    ({"targets": "mlp"}, "targets", "all-linear, attention"),
])
def test_unknown_method_or_targets_name_the_accepted_values(kwargs, field, accepted):
    with pytest.raises(VentureLabError) as err:
        finetune_memory("llama-2-7b", "nvidia-rtx-4090", **kwargs)
    assert err.value.field == field and err.value.accepted == accepted
    assert err.value.got == next(iter(kwargs.values()))
    assert err.value.problem == {"method": "unknown fine-tuning method", "targets": "unknown LoRA targets"}[field]


@pytest.mark.parametrize("name, low, high", [("rank", 1, 65536), ("seq_len", 1, 10_000_000),
                                             ("micro_batch", 1, 65536)])
def test_whole_number_inputs_have_inclusive_bounds(name, low, high):
    for ok in (low, high):
        assert finetune_memory("llama-2-7b", "nvidia-rtx-4090", **{name: ok}).inputs[name] == ok
    for bad in (low - 1, high + 1, 1.5):
        with pytest.raises(VentureLabError) as err:
            finetune_memory("llama-2-7b", "nvidia-rtx-4090", **{name: bad})
        assert err.value.field == name


def test_tokens_bounds_and_mfu_bounds():
    assert finetune_memory("llama-2-7b", "nvidia-rtx-4090", tokens=1e15, mfu=1.0).hours > 0
    for kwargs, field in (({"tokens": 1e15 + 1}, "tokens"), ({"tokens": -1}, "tokens"),
                          ({"tokens": 1e6, "mfu": 1.01}, "mfu"), ({"tokens": 1e6, "mfu": 0.0009}, "mfu")):
        with pytest.raises(VentureLabError) as err:
            finetune_memory("llama-2-7b", "nvidia-rtx-4090", **kwargs)
        assert err.value.field == field


def test_a_model_without_transformer_shape_is_refused():
    for model, name in (("yolov8n", "yolov8n"), (replace(get_model("llama-2-7b"), hidden_size=None), "llama-2-7b"),
                        (replace(get_model("llama-2-7b"), layers=None), "llama-2-7b")):
        with pytest.raises(VentureLabError) as err:
            finetune_memory(model, "nvidia-rtx-4090")
        assert (err.value.field, err.value.got) == ("model", name)
        assert err.value.problem == "needs layers and hidden_size for a fine-tuning estimate"


def test_a_model_without_head_count_counts_one_head():
    m = replace(get_model("llama-2-7b"), attention_heads=None)
    e = finetune_memory(m, "nvidia-rtx-4090", activation_checkpointing=False)
    assert e.activations_gb == pytest.approx(32 * 512 * 4096 * (34 + 5 * 1 * 512 / 4096) / 1e9, rel=1e-12)


def test_fits_up_to_the_usable_memory_inclusive():
    total = finetune_memory("llama-2-7b", "nvidia-rtx-4090").memory_gb
    exactly = replace(get_hardware("nvidia-rtx-4090"), usable_memory_gb=total)
    assert finetune_memory("llama-2-7b", exactly).fits is True
    assert finetune_memory("llama-2-7b", replace(exactly, usable_memory_gb=total * 0.999)).fits is False


def test_fitted_time_uses_the_training_mfu_of_the_model_size_on_this_chip():
    from scenarios.engine.speed import mfu_for
    r = mfu_for("nvidia-rtx-4090", 6.7384, peak_tflops=165.2, devices=1, moe=False, fp8=False)
    e = finetune_memory("llama-2-7b", "nvidia-rtx-4090", "full", tokens=1e7)
    flops = 6 * P7 * 1e7
    assert e.hours == pytest.approx(flops / (RTX_PEAK * float(r.mfu[0])) / 3600, rel=1e-12)
    assert e.hours_low == pytest.approx(flops / (RTX_PEAK * float(r.mfu_high[0])) / 3600, rel=1e-12)
    assert e.hours_high == pytest.approx(flops / (RTX_PEAK * float(r.mfu_low[0])) / 3600, rel=1e-12)
