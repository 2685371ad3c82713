"""Vision robustness demo: the CNN learns; corruptions and attacks lower accuracy; augmentation
and adversarial training buy robustness back; FLOPs are counted right.

Data: scikit-learn's bundled 8x8 digits (real). The corruptions are synthetic and assume:
Gaussian sensor noise (std in the [0, 1] pixel scale), Gaussian defocus blur (sigma in pixels),
and one square occluder per image at a uniformly random position. Attacks are L-inf FGSM and
PGD with random start. One 3-seed run of the default config is shared by the tests (~3 trainings
per seed), keeping the file quick.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.vision_robustness import (
    CORRUPTIONS,
    N_TEST,
    CNNConfig,
    VisionConfig,
    analytic_flops,
    build_cnn,
    corrupt,
    count_flops,
    gaussian_blur,
    integrated_gradients,
    load_digits_array,
    load_digits_split,
    run_vision,
    train_cnn,
)

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def runs():
    return {s: run_vision(VisionConfig(seed=s)) for s in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_cnn_learns_far_above_chance(runs, seed):
    for r in runs[seed].recipes.values():
        assert r.clean_accuracy >= 0.9  # chance is 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_corruptions_lower_accuracy(runs, seed):
    std = runs[seed].recipes["standard"]
    for k in CORRUPTIONS:
        assert std.corrupted_accuracy[k] <= std.clean_accuracy - 0.05, k
    # and the severity curve falls from its clean end to its harshest end
    for k in CORRUPTIONS:
        _, accs = runs[seed].severity_curves[k]["standard"]
        assert accs[-1] < accs[0] - 0.1


@pytest.mark.parametrize("seed", SEEDS)
def test_attacks_lower_accuracy_pgd_most(runs, seed):
    std = runs[seed].recipes["standard"]
    assert std.fgsm_accuracy <= std.clean_accuracy - 0.2
    assert std.pgd_accuracy <= std.fgsm_accuracy + 0.01  # the multi-step attack is at least as strong


@pytest.mark.parametrize("seed", SEEDS)
def test_adversarial_training_raises_robust_accuracy(runs, seed):
    rec = runs[seed].recipes
    assert rec["adversarial"].pgd_accuracy >= rec["standard"].pgd_accuracy + 0.15  # 3 seeds: +0.19..+0.38
    assert rec["adversarial"].fgsm_accuracy >= rec["standard"].fgsm_accuracy + 0.1  # 3 seeds: +0.15..+0.33


@pytest.mark.parametrize("seed", SEEDS)
def test_augmentation_raises_occlusion_accuracy(runs, seed):
    rec = runs[seed].recipes
    assert rec["augment"].corrupted_accuracy["occlusion"] >= rec["standard"].corrupted_accuracy["occlusion"] + 0.05


def test_flops_counted_by_torch_match_the_layer_formula(runs):
    assert runs[0].flops_per_image == analytic_flops() == count_flops(build_cnn(CNNConfig()))
    wide = CNNConfig(conv1_channels=16, conv2_channels=32, hidden=64)
    assert count_flops(build_cnn(wide), wide) == analytic_flops(wide)


def test_saliency_is_an_8x8_map_that_is_not_all_zero(runs):
    for sal in runs[0].saliency.values():
        a = np.array(sal)
        assert a.shape == (8, 8) and np.abs(a).sum() > 0


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_corruptions_stay_in_pixel_range_and_zero_severity_is_identity(kind):
    X = np.random.default_rng(0).random((20, 1, 8, 8)).astype(np.float32)
    out = corrupt(X, kind, {"noise": 0.5, "blur": 1.5, "occlusion": 4}[kind], 0)
    assert out.min() >= 0 and out.max() <= 1 and out.shape == X.shape
    assert np.array_equal(corrupt(X, kind, 0, 0), X)


def test_digits_read_directly_equal_scikit_learns_loader_and_split_is_stratified():
    from sklearn.datasets import load_digits

    X, y = load_digits_array()
    d = load_digits()
    assert np.array_equal(X[:, 0] * 16, d.images) and np.array_equal(y, d.target)
    _, _, ytr, yte = load_digits_split(0)
    assert len(yte) == N_TEST and len(ytr) + len(yte) == len(y)
    assert np.bincount(yte).min() >= 50  # every digit is in the test set, ~30 % of it


def test_hand_written_integrated_gradients_match_captum():
    import torch
    from captum.attr import IntegratedGradients

    Xtr, Xte, ytr, yte = load_digits_split(1)
    model, _ = train_cnn(Xtr[:300], ytr[:300], VisionConfig(epochs=2, seed=1), "standard")
    x = torch.from_numpy(Xte[:1])
    ours = integrated_gradients(model, x, int(yte[0]))
    ref = IntegratedGradients(model).attribute(x, target=int(yte[0]), n_steps=32)[0, 0].detach().numpy()
    assert np.allclose(ours, ref, atol=1e-5)
    # completeness: attributions sum to F(x) - F(baseline) (Sundararajan et al. 2017, axiom)
    with torch.no_grad():
        gap = (model(x)[0, int(yte[0])] - model(torch.zeros_like(x))[0, int(yte[0])]).item()
    assert ours.sum() == pytest.approx(gap, rel=0.05, abs=0.05)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0])
def test_numpy_blur_matches_scipy(sigma):
    from scipy.ndimage import gaussian_filter

    X = np.random.default_rng(0).random((3, 1, 8, 8)).astype(np.float32)
    assert np.allclose(gaussian_blur(X, sigma), gaussian_filter(X, sigma=(0, 0, sigma, sigma)), atol=1e-5)


def test_trained_models_are_reused_only_where_training_is_the_same():
    from dataclasses import replace

    from models.vision_robustness import train_recipes, training_key

    cfg = VisionConfig(epochs=2, seed=3)
    trained = train_recipes(cfg, ("standard",))
    a = run_vision(replace(cfg, saliency_index=5), ("standard",), trained=trained)
    b = run_vision(replace(cfg, saliency_index=5), ("standard",))  # retrains from scratch
    untimed = lambda r: {k: replace(v, train_seconds=0.0) for k, v in r.recipes.items()}
    assert untimed(a) == untimed(b) and a.saliency == b.saliency  # deterministic for a seed
    assert training_key(replace(cfg, saliency_index=5, pgd_steps=3)) == training_key(cfg)
    assert training_key(replace(cfg, attack_eps=0.2)) != training_key(cfg)
