"""Training-side techniques priced in a scenario (scenarios.business.adopt.training): the one-off
and monthly bands from the engine's training estimate (one fine-tuning pass = its cost at the
10M / 50M / 200M-token ends of data/adoption_assumptions.csv) or from FLOPs / (peak x MFU) for image
models, every quantity with its unit, the stated assumptions, and each refusal."""

from __future__ import annotations

import math

import pytest

from scenarios.business.adopt.training import (
    adversarial_training,
    dp_sgd,
    early_stopping,
    fedavg,
    mixed_precision,
    noise_augmentation,
)
from scenarios.business.scenario import load_preset
from scenarios.engine import speed
from scenarios.engine.catalog import get_hardware, get_model
from scenarios.engine.training import TrainingRequest, estimate_training
from scenarios.errors import VentureLabError

H100 = get_hardware("nvidia-h100-sxm")
CADENCE = (0.25, 1.0, 4.0)            # retrains a month: quarterly, monthly, weekly
TRAINING_ROWS = ["training_hardware", "training_price", "mfu", "retrains_per_month"]


def one_pass(model: str) -> tuple[tuple[float, float, float], float]:
    """(low, expected, high) $ and expected GPU-hours of one pass over the fine-tuning set."""
    est = {n: estimate_training(TrainingRequest(model, "nvidia-h100-sxm", n, devices=8, zero_stage=3))
           for n in (1e7, 5e7, 2e8)}
    return (est[1e7].cost_usd_low, est[5e7].cost_usd, est[2e8].cost_usd_high), est[5e7].accelerator_hours


def image_run(model: str, images: float, epochs: tuple[float, float]) -> tuple[tuple[float, float, float], float]:
    """$ band and expected hours of training ``model`` from scratch: epochs (expected, most)."""
    spec = get_model(model)
    fit = speed.mfu_for("nvidia-h100-sxm", spec.params / 1e9)
    mfu_low, mfu, mfu_high = float(fit.mfu_low[0]), float(fit.mfu[0]), float(fit.mfu_high[0])

    def hours(n_epochs, m):
        return 3 * spec.gflops_per_input * 1e9 * images * n_epochs / (H100.peak_tflops_fp16 * 1e12 * m) / 3600

    h = (hours(epochs[0], mfu_high), hours(epochs[0], mfu), hours(epochs[1], mfu_low))
    return tuple(x * H100.usd_per_hour for x in h), h[1]


def table(adoption) -> dict[str, tuple[float, str]]:
    return {q.name: (q.value, q.unit) for q in adoption.quantities}


def check_table(adoption, expected: dict) -> None:
    got = table(adoption)
    assert list(got) == list(expected)
    for name, (value, unit) in expected.items():
        assert got[name] == (pytest.approx(value, rel=1e-9), unit), name


def refusal(call) -> str:
    with pytest.raises(VentureLabError) as err:
        call()
    return str(err.value)


def test_training_assumptions_name_the_node_its_price_and_the_cadence():
    a = dp_sgd(load_preset("medical"), epochs=2, accuracy_private=0.9, accuracy_plain=0.95)
    rows = {x.name: (x.value, x.unit, x.source) for x in a.assumptions}
    assert list(rows)[-4:] == TRAINING_ROWS
    assert rows["training_hardware"] == ("8 x nvidia-h100-sxm", "devices", "stated: a rented 8-GPU node (data/hardware.csv)")
    assert rows["training_price"] == (H100.usd_per_hour, "USD per device-hour", H100.price_source)
    assert rows["mfu"] == ("engine fit by hardware and model size", "share of peak",
                           "scenarios.engine.speed.mfu_for (data/fitted_factors.json)")
    assert rows["retrains_per_month"] == (
        "1 (0.25-4)", "trainings a month",
        "labelled assumption: a retraining cadence from quarterly to weekly "
        "[undated, unverified; no source: a planning choice the founder should set]")


def test_dp_sgd_prices_the_slowdown_over_the_plain_passes():
    s = load_preset("medical")
    a = dp_sgd(s, epochs=3, accuracy_private=0.88, accuracy_plain=0.95)
    (lo, ex, hi), hours = one_pass("llama-3.3-70b")
    once = (3 * lo * (1.2 - 1), 3 * ex * (2.6 - 1), 3 * hi * (8.0 - 1))
    assert a.usd_once.as_tuple() == pytest.approx(once, rel=1e-9)
    assert a.usd_month.as_tuple() == pytest.approx(tuple(o * c for o, c in zip(once, CADENCE)), rel=1e-9)
    check_table(a, {"plain_training_usd": (3 * ex, "USD"), "extra_gpu_hours": (hours * 3 * 1.6, "GPU-hours"),
                    "accuracy_given_up_pts": (7.0, "points"), "epochs": (3.0, "passes")})
    assert (a.technique, a.scenario_id) == ("dp-sgd", "medical")
    assert a.measured == (("epochs", 3.0), ("accuracy_private", 0.88), ("accuracy_plain", 0.95))
    rows = [(x.name, x.value, x.unit, x.source) for x in a.assumptions]
    assert [r[0] for r in rows] == ["dp_sgd_slowdown", "llm_finetune_tokens", "model", "passes", *TRAINING_ROWS]
    assert rows[0][1] == "2.6 (1.2-8)" and rows[1][1] == "5e+07 (1e+07-2e+08)"
    assert rows[2:4] == [("model", "llama-3.3-70b", "", "scenario medical"),
                         ("passes", "the demo's epochs over the fine-tuning set", "", "stated")]


def test_dp_sgd_refusals():
    s = load_preset("medical")
    assert refusal(lambda: dp_sgd(s, epochs=10_001, accuracy_private=0.9, accuracy_plain=0.9)).startswith(
        "epochs: must be a number > 0 and <= 10000 (got ")
    assert refusal(lambda: dp_sgd(s, epochs=1, accuracy_private=1.1, accuracy_plain=0.9)).startswith(
        "accuracy_private: must be a share")
    assert refusal(lambda: dp_sgd(s, epochs=1, accuracy_private=0.9, accuracy_plain=-0.1)).startswith(
        "accuracy_plain: must be a share")
    assert dp_sgd(s, epochs=10_000, accuracy_private=0, accuracy_plain=1).quantity("accuracy_given_up_pts") == 100.0


def test_fedavg_moves_the_weights_and_costs_no_compute():
    a = fedavg(load_preset("medical"), rounds=12, local_epochs=3, sites=4, accuracy_federated=0.9,
               accuracy_central=0.93)
    gb = 70_553_700_000 * 2 / 1e9                                # llama-3.3-70b in bf16
    check_table(a, {"passes_over_data": (36.0, "epochs"), "weights_moved_tb": (12 * 4 * 2 * gb / 1000, "TB"),
                    "accuracy_vs_pooled_pts": (-3.0, "points")})
    assert a.usd_month.as_tuple() == a.usd_once.as_tuple() == (0.0, 0.0, 0.0)
    assert (a.technique, a.scenario_id) == ("fedavg", "medical")
    assert a.measured == (("rounds", 12.0), ("local_epochs", 3.0), ("sites", 4.0), ("accuracy_federated", 0.9),
                          ("accuracy_central", 0.93))
    assert [(x.name, x.value, x.unit, x.source) for x in a.assumptions] == [
        ("model", "llama-3.3-70b", "", "scenario medical"),
        ("weights_bytes", 2.0, "bytes per weight", "stated: bf16 exchange"),
        ("compute", "same passes as the pooled run", "", "the demo's equal budget")]


@pytest.mark.parametrize("name, bad, maximum", [("rounds", 100_001, "100000"), ("local_epochs", 10_001, "10000"),
                                                 ("sites", 100_001, "100000"), ("sites", 0, "100000")])
def test_fedavg_refuses_counts_out_of_range(name, bad, maximum):
    ok = {"rounds": 1, "local_epochs": 1, "sites": 1, "accuracy_federated": 0.5, "accuracy_central": 0.5}
    assert refusal(lambda: fedavg(load_preset("medical"), **{**ok, name: bad})).startswith(
        f"{name}: must be a number > 0 and <= {maximum} (got ")


def test_adversarial_resnet_50_pays_k_extra_passes_of_the_imagenet_run():
    s = load_preset("autonomous-driving")
    a = adversarial_training(s, pgd_steps=5, robust_accuracy_standard=0.2, robust_accuracy_adversarial=0.55)
    usd, hours = image_run("resnet-50", 1_281_167, (90, 300))
    assert a.usd_once.as_tuple() == pytest.approx(tuple(5 * u for u in usd), rel=1e-9)
    assert a.usd_month.as_tuple() == pytest.approx(tuple(5 * u * c for u, c in zip(usd, CADENCE)), rel=1e-9)
    check_table(a, {"plain_training_usd": (usd[1], "USD"), "extra_gpu_hours": (5 * hours, "GPU-hours"),
                    "passes_per_batch": (6.0, "forward-backward"), "robust_accuracy_bought_pts": (35.0, "points")})
    assert (a.technique, a.scenario_id) == ("adversarial-resnet-50", "autonomous-driving")
    assert a.measured == (("pgd_steps", 5.0), ("robust_accuracy_standard", 0.2), ("robust_accuracy_adversarial", 0.55))
    rows = [(x.name, x.value, x.unit, x.source) for x in a.assumptions]
    assert [r[0] for r in rows] == ["imagenet_train_images", "imagenet_epochs", "model", "passes", *TRAINING_ROWS]
    assert rows[2:4] == [("model", "resnet-50", "", "stated: a production-sized image model (data/models.csv)"),
                         ("passes", "K + 1 per batch", "", "Madry et al. 2018; Shafahi et al. 2019 s1")]


def test_adversarial_vit_trains_deits_300_epochs():
    a = adversarial_training(load_preset("autonomous-driving"), pgd_steps=1, robust_accuracy_standard=0.1,
                             robust_accuracy_adversarial=0.5, model="vit-b-16")
    usd, _ = image_run("vit-b-16", 1_281_167, (300, 300))
    assert a.usd_once.as_tuple() == pytest.approx(usd, rel=1e-9)
    assert a.technique == "adversarial-vit-b-16"


def test_adversarial_training_refusals():
    s = load_preset("autonomous-driving")
    ok = {"pgd_steps": 7, "robust_accuracy_standard": 0.1, "robust_accuracy_adversarial": 0.6}
    assert refusal(lambda: adversarial_training(s, **ok, model="yolov8n")) == \
        "model: unknown image model for adversarial training (got 'yolov8n'); accepted: resnet-50, vit-b-16"
    assert refusal(lambda: adversarial_training(s, **{**ok, "pgd_steps": 1001})).startswith(
        "pgd_steps: must be a number > 0 and <= 1000 (got ")
    for name in ("robust_accuracy_standard", "robust_accuracy_adversarial"):
        assert refusal(lambda: adversarial_training(s, **{**ok, name: 2})).startswith(f"{name}: must be a share")


def test_early_stopping_saves_the_passes_not_run():
    s = load_preset("nlp")
    a = early_stopping(s, epochs_run=30, epochs_max=100, accuracy_stopped=0.8, accuracy_full=0.78)
    (lo, ex, hi), hours = one_pass("llama-3.1-8b")
    once = (-70 * hi, -70 * ex, -70 * lo)
    assert a.usd_once.as_tuple() == pytest.approx(once, rel=1e-9)
    # a saving repeated weekly is the biggest one: the monthly band's ends are the cadence's ends
    assert a.usd_month.as_tuple() == pytest.approx((once[0] * 4, once[1] * 1, once[2] * 0.25), rel=1e-9)
    check_table(a, {"epochs_saved": (70.0, "passes"), "gpu_hours_saved": (70 * hours, "GPU-hours"),
                    "accuracy_change_pts": (2.0, "points")})
    assert (a.technique, a.scenario_id) == ("early-stopping", "nlp")
    assert a.measured == (("epochs_run", 30.0), ("epochs_max", 100.0), ("accuracy_stopped", 0.8),
                          ("accuracy_full", 0.78))
    assert [x.name for x in a.assumptions] == ["llm_finetune_tokens", "model", "passes", *TRAINING_ROWS]
    assert (a.assumptions[1].value, a.assumptions[1].source) == ("llama-3.1-8b", "scenario nlp")


def test_early_stopping_at_the_last_epoch_saves_nothing_and_past_it_is_refused():
    s = load_preset("nlp")
    same = early_stopping(s, epochs_run=50, epochs_max=50, accuracy_stopped=0.8, accuracy_full=0.8)
    assert same.usd_once.as_tuple() == pytest.approx((0.0, 0.0, 0.0)) and same.quantity("epochs_saved") == 0.0
    assert refusal(lambda: early_stopping(s, epochs_run=51, epochs_max=50, accuracy_stopped=0.8,
                                          accuracy_full=0.8)) == "epochs_run: must not exceed epochs_max (got 51.0)"
    assert refusal(lambda: early_stopping(s, epochs_run=1, epochs_max=10_001, accuracy_stopped=0.8,
                                          accuracy_full=0.8)).startswith("epochs_max: must be a number > 0 and <= 10000")


def test_mixed_precision_saves_the_run_share_a_speedup_removes():
    s = load_preset("vision")
    a = mixed_precision(s, speedup=4.0)
    usd, hours = image_run("yolov8n", 118_287, (100, 500))
    assert a.usd_once.as_tuple() == pytest.approx(tuple(-0.75 * u for u in reversed(usd)), rel=1e-9)
    check_table(a, {"fp32_training_usd": (usd[1], "USD"), "fp32_gpu_hours": (hours, "GPU-hours"),
                    "wall_clock_saved_h": (hours * 0.75 / 8, "hours on the node"), "speedup": (4.0, "x")})
    assert (a.technique, a.scenario_id, a.measured) == ("mixed-precision", "vision", (("speedup", 4.0),))
    rows = [(x.name, x.value, x.unit, x.source) for x in a.assumptions]
    assert [r[0] for r in rows] == ["coco_train_images", "detector_epochs", "model", "speedup", *TRAINING_ROWS]
    assert rows[2] == ("model", "yolov8n", "", "scenario vision")
    assert rows[3] == ("speedup", "measured on this machine's CPU, carried to the GPU run", "",
                       "stated: a lower bound where the GPU has bf16 tensor cores")
    assert mixed_precision(s, speedup=1).usd_once.as_tuple() == pytest.approx((0.0, 0.0, 0.0))
    assert refusal(lambda: mixed_precision(s, speedup=101)).startswith("speedup: must be a number > 0 and <= 100")
    # an LLM has no FLOPs per image: its training is not estimated from images
    assert refusal(lambda: mixed_precision(load_preset("nlp"), speedup=2)) == \
        "model: needs gflops_per_input for an image training estimate (got 'llama-3.1-8b')"


def test_noise_augmentation_saves_recording_and_transcribing_the_copies():
    a = noise_augmentation(load_preset("speech"), copies=3, accuracy_plain=0.6, accuracy_augmented=0.75)
    clips = 105_829
    minutes = 3 * clips / 60
    assert a.usd_once.as_tuple() == pytest.approx((-3.0 * minutes, -1.75 * minutes, -0.5 * minutes))
    assert a.usd_month.as_tuple() == (0.0, 0.0, 0.0)
    check_table(a, {"extra_clips": (3.0 * clips, "clips"), "extra_audio_minutes": (minutes, "minutes"),
                    "accuracy_gained_pts": (15.0, "points at the worst SNR")})
    assert (a.technique, a.scenario_id) == ("noise-augmentation", "speech")
    assert a.measured == (("copies", 3.0), ("accuracy_plain", 0.6), ("accuracy_augmented", 0.75))
    rows = [(x.name, x.value, x.unit, x.source) for x in a.assumptions]
    assert [r[0] for r in rows] == ["speech_commands_clips", "audio_label_usd_per_minute", "clip_length"]
    assert rows[2] == ("clip_length", 1.0, "s", "Warden 2018: one-second utterances")
    assert refusal(lambda: noise_augmentation(load_preset("speech"), copies=1001, accuracy_plain=0.5,
                                              accuracy_augmented=0.5)).startswith(
        "copies: must be a number > 0 and <= 1000")
    assert math.isfinite(noise_augmentation(load_preset("speech"), copies=1000, accuracy_plain=0,
                                            accuracy_augmented=1).usd_once.low)
