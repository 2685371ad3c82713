"""One parameter-count convention, the MXFP4 expert-only rule of the serving core (the calibration
fit reads its work from the same core: tests/calibration/test_work.py), the FP8 peak of GeForce
Ada, and prefill efficiency borrowed only on the same peak path, each pinned to a published figure."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.engine import speed
from scenarios.engine.catalog import get_hardware, get_model, load_models, model_from_hf_config
from scenarios.engine.flops import expert_params, matmul_params
from scenarios.engine.memory import model_arrays
from scenarios.engine.serving import InferenceRequest, estimate_inference

GIB = 2 ** 30


def test_gpt_oss_20b_checkpoint_matches_the_model_card():
    # OpenAI gpt-oss model card (arXiv:2508.10925, Table 1 "checkpoint size"): gpt-oss-20b 12.8 GiB,
    # i.e. 13.74 GB: MXFP4 experts + bf16 attention/router/embeddings.  What weights_gb measures is the
    # whole stored checkpoint (every parameter once).  Tolerance 2%.  Counting every weight at
    # 4.25 bits would give 11.1 GB (-19%) and fail.
    est = estimate_inference(InferenceRequest("gpt-oss-20b", "nvidia-rtx-3090", weights="mxfp4",
                                              prompt_tokens=0, output_tokens=128))
    assert est.weights_gb == pytest.approx(12.8 * GIB / 1e9, rel=0.02)


def test_mxfp4_expert_only_rule_reads_bf16_non_expert_weights():
    # gpt-oss-20b mxfp4: the non-expert weights (~1.2B) stay bf16, so a step reads ~1.9x the bytes of an
    # all-4.25-bit count of the 3.6B active parameters
    est = estimate_inference(InferenceRequest("gpt-oss-20b", "nvidia-rtx-3090", weights="mxfp4",
                                              prompt_tokens=0, output_tokens=128))
    all_mxfp4 = get_model("gpt-oss-20b").active_params * 4.25 / 8
    assert est.weight_bytes_per_step > 1.7 * all_mxfp4


def test_gpt_oss_20b_decode_on_rtx_3090_near_the_measurement():
    # llama.cpp discussion #15396 (calibration row): 161.77 tok/s tg128 on an RTX 3090.  The measured
    # value must sit inside the stated band and the expectation within 15%.
    est = estimate_inference(InferenceRequest("gpt-oss-20b", "nvidia-rtx-3090", weights="mxfp4",
                                              prompt_tokens=0, output_tokens=128))
    assert est.decode_tokens_per_s_low <= 161.77 <= est.decode_tokens_per_s_high
    assert est.decode_tokens_per_s == pytest.approx(161.77, rel=0.15)


def test_mixtral_active_count_includes_embeddings_by_one_convention():
    # Mistral AI, 'Mixtral of Experts' (arXiv:2401.04088): 46.7B total, 12.9B active per token; both
    # counts include the input embedding and the output head (32000 x 4096 each).  Tolerance 1%.
    m = get_model("mixtral-8x7b")
    assert m.params_b == pytest.approx(46.7, rel=0.01)
    assert m.active_params_b == pytest.approx(12.9, rel=0.01)
    assert not m.active_excludes_embedding
    arr = model_arrays([m])
    embed = 32000 * 4096
    assert matmul_params(arr)[0] == pytest.approx(m.active_params - embed, rel=1e-9)
    # total = active + (E - k) x one expert; one expert = 3 x 4096 x 14336 x 32 layers (SwiGLU)
    assert expert_params(arr)[0] == pytest.approx(3 * 4096 * 14336 * 32, rel=0.002)
    # an uploaded Mixtral config.json is counted the same way as the catalog row
    up = model_from_hf_config(dict(model_type="mixtral", num_hidden_layers=32, hidden_size=4096,
                                   intermediate_size=14336, num_attention_heads=32, num_key_value_heads=8,
                                   vocab_size=32000, num_local_experts=8, num_experts_per_tok=2), "mixtral")
    assert up.active_params_b == pytest.approx(m.active_params_b, rel=0.005)
    assert not up.active_excludes_embedding


def test_active_excludes_embedding_flag_comes_from_the_catalog():
    flagged = {mid for mid, m in load_models().items() if m.active_excludes_embedding}
    assert flagged == {"gpt-oss-20b", "gpt-oss-120b", "deepseek-v3"}   # gpt-oss-120b: issue 10 row
    g = get_model("gpt-oss-20b")
    assert matmul_params(model_arrays([g]))[0] == pytest.approx(g.active_params)


def test_fp8_peak_on_geforce_ada_is_the_fp32_accumulate_rate():
    # NVIDIA Ada Lovelace architecture whitepaper, Appendix A: RTX 4090 FP8 tensor 330.3 TFLOPS dense with
    # FP32 accumulate (660.6 only with FP16 accumulate).  H100 SXM: FP8 1979 dense (datasheet).
    def fp8_peak(hw_id):
        h = get_hardware(hw_id)
        return speed.select_peak_flops(np.array(["fp8"]), h.peak_tflops_fp32 * 1e12, h.peak_tflops_fp16 * 1e12,
                                       h.peak_tops_int8 * 1e12, fp8_capable="fp8" in h.compute_formats)[0]
    assert fp8_peak("nvidia-rtx-4090") == pytest.approx(330.3e12, rel=0.01)
    assert fp8_peak("nvidia-h100-sxm") == pytest.approx(1979e12, rel=0.01)
    assert fp8_peak("nvidia-l4") == pytest.approx(242.5e12, rel=0.01)
    # and the serving estimate uses it: compute-bound fp8 prefill on a 4090 is bounded by 330 TFLOPS
    est = estimate_inference(InferenceRequest("llama-3.1-8b", "nvidia-rtx-4090", weights="fp8",
                                              runtime="tensorrt-llm", batch=8, prompt_tokens=2048,
                                              output_tokens=1))
    # the batch's prefill time (at batch > 1 TTFT is one prompt's chunks beside the decodes, ARCHITECTURE 4.3)
    prefill_s = 8 * 2048 / est.prefill_tokens_per_s
    assert est.prefill_flops / prefill_s <= 330.4e12 * 1.001   # expected time (eff <= 1)


def test_prefill_efficiency_is_only_borrowed_on_the_same_peak_path():
    # llama.cpp CUDA prefill of every format runs on one peak (fp16_acc16), measured by the consumer
    # rows (F16 and quantised), so both keep the own, calibrated group; a path the group never
    # measured (plain fp16) borrows from a group measured on it, flagged uncalibrated.  External row:
    # RTX 4090 llama 7B F16 pp512 11,048 tok/s (llama.cpp PR #4766): the int8 efficiency once
    # predicted 2,852 (-74 %), the borrowed fp16 one 6,611 (-40 %); inside the calibrated band now.
    f = speed.load_factors()
    own = ("nvidia-consumer|llama.cpp", True)
    assert speed.resolve_group("nvidia-consumer", "llama.cpp", f, "prefill", "fp16_acc16") == own
    key, calibrated = speed.resolve_group("nvidia-consumer", "llama.cpp", f, "prefill", "fp16")
    assert not calibrated and "fp16" in f["groups"][key]["prefill_paths"]
    assert speed.resolve_group("nvidia-consumer", "llama.cpp", f, "decode") == ("nvidia-consumer|llama.cpp", True)
    est = estimate_inference(InferenceRequest("codellama-7b", "nvidia-rtx-4090", weights="fp16",
                                              prompt_tokens=512, output_tokens=0))
    assert est.prefill_tokens_per_s_low <= 11048.22 <= est.prefill_tokens_per_s_high
    assert est.calibrated
