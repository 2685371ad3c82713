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

from models.vision_robustness import (CORRUPTIONS, CNNConfig, VisionConfig, analytic_flops, build_cnn,
                                      corrupt, count_flops, run_vision)

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
    assert rec["adversarial"].pgd_accuracy >= rec["standard"].pgd_accuracy + 0.15
    assert rec["adversarial"].fgsm_accuracy >= rec["standard"].fgsm_accuracy + 0.15


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
