"""Techniques that change what training costs: DP-SGD and FedAvg (medical), adversarial training
(vision / driving), early stopping (overfitting, on the NLP preset), bf16 precision (training speed,
on the vision preset) and noise augmentation (speech). Formulas: docs/adopt.md."""

from __future__ import annotations

from scenarios.business.adopt.base import (
    TRAINING_DEVICES,
    ZERO,
    Adoption,
    Quantity,
    band,
    check_positive,
    check_share,
    constant,
    image_training_usd,
    llm_pass_usd,
    monthly,
    signed,
    sourced,
    training_assumptions,
)
from scenarios.business.scenario import Scenario
from scenarios.engine.assumption import Assumption
from scenarios.engine.catalog import get_model
from scenarios.errors import VentureLabError
from scenarios.units import Range

IMAGE_MODELS = ("resnet-50", "vit-b-16")
# Each FedAvg round sends the model to every site and back: 2 copies a site, in bf16 (2 bytes a weight).
FEDAVG_BYTES_PER_WEIGHT = 2.0


def _measured(**kw: float) -> tuple[tuple[str, float], ...]:
    return tuple((k, float(v)) for k, v in kw.items())


def dp_sgd(scenario: Scenario, *, epochs: float, accuracy_private: float, accuracy_plain: float) -> Adoption:
    """Fine-tune the scenario's model with DP-SGD: the same ``epochs`` over the stated fine-tuning
    set cost ``dp_sgd_slowdown`` times the plain run (per-sample gradients and clipping).
    Extra cost per training = (slowdown - 1) x epochs x one pass (engine training estimate)."""
    epochs = check_positive("epochs", epochs, maximum=10_000)
    private, plain = check_share("accuracy_private", accuracy_private), check_share("accuracy_plain", accuracy_plain)
    per_pass, hours = llm_pass_usd(scenario.model)
    base = per_pass.scaled(epochs)
    once = band(lambda usd, s: usd * (s - 1.0), base, constant("dp_sgd_slowdown"))
    q = (Quantity("plain_training_usd", base.expected, "USD"),
         Quantity("extra_gpu_hours", hours * epochs * (constant("dp_sgd_slowdown").expected - 1.0), "GPU-hours"),
         Quantity("accuracy_given_up_pts", 100.0 * (plain - private), "points"),
         Quantity("epochs", epochs, "passes"))
    assumptions = (sourced()["dp_sgd_slowdown"].assumption(), sourced()["llm_finetune_tokens"].assumption(),
                   Assumption("model", scenario.model, "", f"scenario {scenario.id}"),
                   Assumption("passes", "the demo's epochs over the fine-tuning set", "", "stated"),
                   *training_assumptions())
    return Adoption("dp-sgd", scenario.id, monthly(once), once, q, assumptions,
                    _measured(epochs=epochs, accuracy_private=private, accuracy_plain=plain))


def fedavg(scenario: Scenario, *, rounds: float, local_epochs: float, sites: float, accuracy_federated: float,
           accuracy_central: float) -> Adoption:
    """Train across ``sites`` without pooling the data: the demo gives FedAvg the same epochs of data
    as the pooled run (rounds x local epochs), so the training FLOPs and $ do not change; what
    changes is the weight traffic (rounds x sites x 2 copies of the scenario's model) and the
    accuracy against the pooled model. No sourced transfer price is in data/: the traffic is shown,
    not priced."""
    rounds = check_positive("rounds", rounds, maximum=100_000)
    local = check_positive("local_epochs", local_epochs, maximum=10_000)
    sites = check_positive("sites", sites, maximum=100_000)
    fed, central = check_share("accuracy_federated", accuracy_federated), check_share("accuracy_central", accuracy_central)
    weights_gb = get_model(scenario.model).params * FEDAVG_BYTES_PER_WEIGHT / 1e9
    q = (Quantity("passes_over_data", rounds * local, "epochs"),
         Quantity("weights_moved_tb", rounds * sites * 2.0 * weights_gb / 1000.0, "TB"),
         Quantity("accuracy_vs_pooled_pts", 100.0 * (fed - central), "points"))
    assumptions = (Assumption("model", scenario.model, "", f"scenario {scenario.id}"),
                   Assumption("weights_bytes", FEDAVG_BYTES_PER_WEIGHT, "bytes per weight", "stated: bf16 exchange"),
                   Assumption("compute", "same passes as the pooled run", "", "the demo's equal budget"))
    return Adoption("fedavg", scenario.id, ZERO, ZERO, q, assumptions,
                    _measured(rounds=rounds, local_epochs=local, sites=sites, accuracy_federated=fed,
                              accuracy_central=central))


def adversarial_training(scenario: Scenario, *, pgd_steps: float, robust_accuracy_standard: float,
                         robust_accuracy_adversarial: float, model: str = "resnet-50") -> Adoption:
    """PGD-K adversarial training runs K attack steps plus the update: K + 1 forward-backward passes
    per batch instead of 1 (Madry et al. 2018 arXiv:1706.06083; Shafahi et al. 2019 arXiv:1904.12843
    s1). Extra cost per training = K x the plain ImageNet-scale run of ``model``."""
    if model not in IMAGE_MODELS:
        raise VentureLabError("model", "unknown image model for adversarial training", got=model, accepted=IMAGE_MODELS)
    k = check_positive("pgd_steps", pgd_steps, maximum=1000)
    std = check_share("robust_accuracy_standard", robust_accuracy_standard)
    adv = check_share("robust_accuracy_adversarial", robust_accuracy_adversarial)
    # ResNet-50 trains 90 epochs (the row's low/expected); ViT-B/16 needs DeiT's 300 (the row's high)
    epochs = constant("imagenet_epochs") if model == "resnet-50" else Range.point(constant("imagenet_epochs").high)
    base, hours = image_training_usd(model, constant("imagenet_train_images"), epochs)
    once = base.scaled(k)
    q = (Quantity("plain_training_usd", base.expected, "USD"), Quantity("extra_gpu_hours", hours * k, "GPU-hours"),
         Quantity("passes_per_batch", k + 1.0, "forward-backward"),
         Quantity("robust_accuracy_bought_pts", 100.0 * (adv - std), "points"))
    assumptions = (sourced()["imagenet_train_images"].assumption(), sourced()["imagenet_epochs"].assumption(),
                   Assumption("model", model, "", "stated: a production-sized image model (data/models.csv)"),
                   Assumption("passes", "K + 1 per batch", "", "Madry et al. 2018; Shafahi et al. 2019 s1"),
                   *training_assumptions())
    return Adoption(f"adversarial-{model}", scenario.id, monthly(once), once, q, assumptions,
                    _measured(pgd_steps=k, robust_accuracy_standard=std, robust_accuracy_adversarial=adv))


def early_stopping(scenario: Scenario, *, epochs_run: float, epochs_max: float, accuracy_stopped: float,
                   accuracy_full: float) -> Adoption:
    """Stop when validation stops improving: the passes not run are not paid. Change per training =
    -(epochs_max - epochs_run) x one pass over the fine-tuning set of the scenario's model."""
    run, top = check_positive("epochs_run", epochs_run, maximum=10_000), check_positive("epochs_max", epochs_max, maximum=10_000)
    if run > top:
        raise VentureLabError("epochs_run", "must not exceed epochs_max", got=run)
    stopped, full = check_share("accuracy_stopped", accuracy_stopped), check_share("accuracy_full", accuracy_full)
    per_pass, hours = llm_pass_usd(scenario.model)
    once = signed(per_pass, -(top - run))
    q = (Quantity("epochs_saved", top - run, "passes"), Quantity("gpu_hours_saved", hours * (top - run), "GPU-hours"),
         Quantity("accuracy_change_pts", 100.0 * (stopped - full), "points"))
    assumptions = (sourced()["llm_finetune_tokens"].assumption(),
                   Assumption("model", scenario.model, "", f"scenario {scenario.id}"),
                   Assumption("passes", "the demo's epochs over the fine-tuning set", "", "stated"),
                   *training_assumptions())
    return Adoption("early-stopping", scenario.id, monthly(once), once, q, assumptions,
                    _measured(epochs_run=run, epochs_max=top, accuracy_stopped=stopped, accuracy_full=full))


def mixed_precision(scenario: Scenario, *, speedup: float) -> Adoption:
    """Train the scenario's image model in bf16 at the measured ``speedup`` (bf16 samples/s over fp32):
    wall-clock and $ change = run x (1/speedup - 1); a speedup below 1 costs more."""
    s = check_positive("speedup", speedup, maximum=100)
    base, hours = image_training_usd(scenario.model, constant("coco_train_images"), constant("detector_epochs"))
    once = signed(base, 1.0 / s - 1.0)
    q = (Quantity("fp32_training_usd", base.expected, "USD"), Quantity("fp32_gpu_hours", hours, "GPU-hours"),
         Quantity("wall_clock_saved_h", hours * (1.0 - 1.0 / s) / TRAINING_DEVICES, "hours on the node"),
         Quantity("speedup", s, "x"))
    assumptions = (sourced()["coco_train_images"].assumption(), sourced()["detector_epochs"].assumption(),
                   Assumption("model", scenario.model, "", f"scenario {scenario.id}"),
                   Assumption("speedup", "measured on this machine's CPU, carried to the GPU run", "",
                              "stated: a lower bound where the GPU has bf16 tensor cores"),
                   *training_assumptions())
    return Adoption("mixed-precision", scenario.id, monthly(once), once, q, assumptions, _measured(speedup=s))


def noise_augmentation(scenario: Scenario, *, copies: float, accuracy_plain: float,
                       accuracy_augmented: float) -> Adoption:
    """Add ``copies`` noisy versions of every clip instead of recording and transcribing that much
    noisy speech: the one-off saving = copies x clips x 1 s / 60 x transcription $ per minute
    (Speech Commands-sized set). The extra training of a keyword spotter is seconds: not priced."""
    c = check_positive("copies", copies, maximum=1000)
    plain, aug = check_share("accuracy_plain", accuracy_plain), check_share("accuracy_augmented", accuracy_augmented)
    clips = constant("speech_commands_clips").expected
    minutes = c * clips / 60.0
    once = signed(constant("audio_label_usd_per_minute"), -minutes)
    q = (Quantity("extra_clips", c * clips, "clips"), Quantity("extra_audio_minutes", minutes, "minutes"),
         Quantity("accuracy_gained_pts", 100.0 * (aug - plain), "points at the worst SNR"))
    assumptions = (sourced()["speech_commands_clips"].assumption(), sourced()["audio_label_usd_per_minute"].assumption(),
                   Assumption("clip_length", 1.0, "s", "Warden 2018: one-second utterances"))
    return Adoption("noise-augmentation", scenario.id, ZERO, once, q, assumptions,
                    _measured(copies=c, accuracy_plain=plain, accuracy_augmented=aug))
