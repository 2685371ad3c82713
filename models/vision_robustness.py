"""Perception robustness on a small CNN: corruptions, adversarial attacks, and what each defence buys.

Stand-in for a driving camera: scikit-learn's bundled handwritten digits (1,797 images of 8x8
pixels, 10 classes; UCI "Optical Recognition of Handwritten Digits", Alpaydin & Kaynak 1998),
scaled to [0, 1]. Small enough to train three models live, real enough that corruptions and
attacks behave as they do on road images: accuracy falls with sensor noise, defocus blur and
occlusion (Hendrycks & Dietterich 2019, ImageNet-C), and collapses under small worst-case
perturbations (FGSM, Goodfellow et al. 2015; PGD, Madry et al. 2018).

Three training recipes for the same network are compared:

* ``standard``: clean images only;
* ``augment``: each batch randomly noised, blurred or occluded (data augmentation);
* ``adversarial``: each batch replaced by FGSM-with-random-start examples at the attack budget
  ("fast adversarial training", Wong, Rice & Kolter 2020), about 2x the cost of standard.

Everything is deterministic for a seed (one CPU thread, seeded generators).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import _optim
from models._config import check, check_ranges
from models._threads import single_threaded
from scenarios.errors import VentureLabError

TRAININGS = ("standard", "augment", "adversarial")
CORRUPTIONS = ("noise", "blur", "occlusion")
N_TEST = 539  # 30 % of each digit's images, rounded: the stratified test split's size


@dataclass(frozen=True)
class CNNConfig:
    """nanoGPT-style architecture config for :func:`build_cnn`."""
    in_channels: int = 1        # grey-scale camera stand-in
    image_px: int = 8           # digits are 8 x 8
    conv1_channels: int = 8     # 3x3 conv, padding 1: keeps 8 x 8
    conv2_channels: int = 16    # 3x3 conv, then 2x2 max-pool: 4 x 4
    hidden: int = 48            # fully connected width
    n_classes: int = 10


@dataclass(frozen=True)
class VisionConfig:
    epochs: int = 8
    batch_size: int = 128
    learning_rate: float = 1e-2     # Adam; large batches and few epochs keep a cold run short
    noise_std: float = 0.3          # Gaussian sensor noise, in units of the [0, 1] pixel range
    blur_sigma_px: float = 1.0      # Gaussian defocus blur
    occlusion_px: int = 4           # side of a square blanked out at a random place (of 8)
    attack_eps: float = 0.1         # L-inf budget of FGSM / PGD and of adversarial training
    pgd_steps: int = 7
    saliency_index: int = 0         # test image explained
    seed: int = 0
    cnn: CNNConfig = field(default_factory=CNNConfig)

    def validate(self) -> None:
        check_ranges(self, epochs=(1, 100), noise_std=(0, 2), blur_sigma_px=(0, 4),
                     occlusion_px=(0, 8), attack_eps=(0, 0.5), pgd_steps=(1, 100))
        check(self, "saliency_index", 0 <= self.saliency_index < N_TEST, f"0..{N_TEST - 1}",
              problem="must index a test image")


@dataclass(frozen=True)
class RecipeResult:
    training: str
    clean_accuracy: float
    corrupted_accuracy: dict[str, float]     # at the configured severity
    fgsm_accuracy: float
    pgd_accuracy: float
    train_seconds: float


@dataclass(frozen=True)
class VisionResult:
    config: VisionConfig
    recipes: dict[str, RecipeResult]
    chance_accuracy: float                           # 1 / 10
    severity_curves: dict[str, dict[str, tuple[tuple[float, ...], tuple[float, ...]]]]
    # corruption -> training -> (severities, accuracies)
    attack_curve_eps: tuple[float, ...]
    attack_curves: dict[str, tuple[float, ...]]      # training -> PGD accuracy at each eps
    saliency_image: tuple[tuple[float, ...], ...]    # 8 x 8 test image
    saliency_label: int
    saliency: dict[str, tuple[tuple[float, ...], ...]]   # training -> 8 x 8 integrated gradients
    saliency_pred: dict[str, int]
    flops_per_image: int                              # counted by torch's FlopCounterMode
    params: int


# ---------------------------------------------------------------------------- data and model
def load_digits_array():
    """(X (N, 1, 8, 8) in [0, 1], y) from scikit-learn's bundled digits file.

    Read straight from the CSV that ``sklearn.datasets.load_digits`` reads, because importing
    ``sklearn.datasets`` also imports scipy.stats (about 1.5 s of CPU, a third of a cold run).
    Falls back to ``load_digits`` if the file moves; a test checks both give the same data.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")  # locate without importing (saves ~0.5 s CPU)
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"
    if path.exists():
        raw = np.loadtxt(path, delimiter=",")
        images, target = raw[:, :-1].reshape(-1, 8, 8), raw[:, -1].astype(int)
    else:  # pragma: no cover - depends on scikit-learn's layout
        from sklearn.datasets import load_digits

        d = load_digits()
        images, target = d.images, d.target
    return (images / 16.0).astype(np.float32)[:, None], target


def load_digits_split(seed: int, test_fraction: float = 0.3):
    """Stratified split (each digit split 70/30), returned as Xtr, Xte, ytr, yte."""
    X, y = load_digits_array()
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        test[idx[: int(round(len(idx) * test_fraction))]] = True
    tr, te = np.flatnonzero(~test), np.flatnonzero(test)
    tr, te = rng.permutation(tr), rng.permutation(te)
    return X[tr], X[te], y[tr], y[te]


def build_cnn(cfg: CNNConfig = CNNConfig()):
    from torch import nn

    pooled = cfg.image_px // 2
    return nn.Sequential(
        nn.Conv2d(cfg.in_channels, cfg.conv1_channels, 3, padding=1), nn.ReLU(),   # (B, 8, 8, 8)
        nn.Conv2d(cfg.conv1_channels, cfg.conv2_channels, 3, padding=1), nn.ReLU(),  # (B, 16, 8, 8)
        nn.MaxPool2d(2),                                                           # (B, 16, 4, 4)
        nn.Flatten(),
        nn.Linear(cfg.conv2_channels * pooled * pooled, cfg.hidden), nn.ReLU(),
        nn.Linear(cfg.hidden, cfg.n_classes),
    )


def analytic_flops(cfg: CNNConfig = CNNConfig()) -> int:
    """Multiply-adds x 2 of the conv and linear layers (ReLU / pooling neglected, < 1 %)."""
    hw = cfg.image_px ** 2
    conv1 = hw * cfg.conv1_channels * cfg.in_channels * 9
    conv2 = hw * cfg.conv2_channels * cfg.conv1_channels * 9
    fc = cfg.conv2_channels * (cfg.image_px // 2) ** 2 * cfg.hidden + cfg.hidden * cfg.n_classes
    return 2 * (conv1 + conv2 + fc)


def count_flops(model, cfg: CNNConfig = CNNConfig()) -> int:
    """FLOPs of one forward pass on one image, counted by torch (2 x multiply-adds)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, cfg.in_channels, cfg.image_px, cfg.image_px))
    return int(counter.get_total_flops())


# ---------------------------------------------------------------------------- corruptions
def gaussian_blur(X: np.ndarray, sigma_px: float) -> np.ndarray:
    """Separable Gaussian blur over the last two axes, edges mirrored (scipy.ndimage's default
    "reflect" mode and 4-sigma truncation), written with numpy to keep scipy.ndimage's import off
    the cold start; a test checks it against scipy."""
    if sigma_px <= 0:
        return X.copy()
    radius = int(4.0 * sigma_px + 0.5)
    x = np.arange(-radius, radius + 1)
    k = np.exp(-0.5 * (x / sigma_px) ** 2)
    k /= k.sum()
    out = X.astype(np.float64)
    for axis in (-1, -2):
        pad = [(0, 0)] * out.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(out, pad, mode="symmetric")  # numpy "symmetric" == scipy "reflect"
        n = out.shape[axis]
        out = sum(w * np.take(padded, np.arange(i, i + n), axis=axis) for i, w in enumerate(k))
    return out.astype(X.dtype)


def corrupt(X: np.ndarray, kind: str, severity: float, seed: int) -> np.ndarray:
    """A corrupted copy of images X (N, 1, 8, 8); severity in the unit of that corruption."""
    rng = np.random.default_rng(seed)
    if kind == "noise":
        out = X + rng.normal(0, severity, X.shape).astype(np.float32)
    elif kind == "blur":
        out = gaussian_blur(X, severity)
    elif kind == "occlusion":
        out, s = X.copy(), int(severity)
        if s > 0:
            n, _, h, w = X.shape
            r, c = rng.integers(0, h - s + 1, n), rng.integers(0, w - s + 1, n)
            for i in range(n):
                out[i, :, r[i]: r[i] + s, c[i]: c[i] + s] = 0.0
    else:
        raise VentureLabError("corruption", "unknown", got=kind, accepted=CORRUPTIONS)
    return np.clip(out, 0, 1).astype(np.float32)


# ---------------------------------------------------------------------------- attacks
def fgsm(model, x, y, eps: float):
    """One signed-gradient step of size eps (Goodfellow et al. 2015)."""
    import torch

    x = x.clone().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    (grad,) = torch.autograd.grad(loss, x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()


def pgd(model, x, y, eps: float, steps: int, generator=None):
    """Projected gradient descent in the L-inf ball, random start (Madry et al. 2018)."""
    import torch

    alpha = 2.5 * eps / steps  # step size from Madry et al.
    delta = (torch.rand(x.shape, generator=generator) * 2 - 1) * eps
    adv = (x + delta).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(model(adv), y)
        (grad,) = torch.autograd.grad(loss, adv)
        adv = adv.detach() + alpha * grad.sign()
        adv = torch.min(torch.max(adv, x - eps), x + eps).clamp(0, 1)
    return adv.detach()


# ---------------------------------------------------------------------------- training
def train_cnn(Xtr, ytr, cfg: VisionConfig, training: str):
    """Train one model with a recipe from :data:`TRAININGS`; returns (model, seconds)."""
    import time

    import torch

    torch.set_num_threads(1)  # tiny tensors: extra threads cost more in hand-offs than they give
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed + 1)
    model = build_cnn(cfg.cnn)
    opt = _optim.Adam(model.parameters(), lr=cfg.learning_rate)
    X, y = torch.from_numpy(Xtr), torch.from_numpy(ytr).long()
    start = time.perf_counter()
    for _ in range(cfg.epochs):
        order = torch.randperm(len(X), generator=gen)
        for s in range(0, len(X), cfg.batch_size):
            xb, yb = X[order[s: s + cfg.batch_size]], y[order[s: s + cfg.batch_size]]
            if training == "augment":
                # each image gets one of the three corruptions at a random severity up to the page's
                kind = CORRUPTIONS[rng.integers(3)]
                sev = {"noise": cfg.noise_std, "blur": cfg.blur_sigma_px, "occlusion": cfg.occlusion_px}[kind]
                xb = torch.from_numpy(corrupt(xb.numpy(), kind, rng.uniform(0, sev), int(rng.integers(1 << 30))))
            elif training == "adversarial" and cfg.attack_eps > 0:
                # FGSM from a random start, step 1.25 eps (Wong et al. 2020)
                delta = (torch.rand(xb.shape, generator=gen) * 2 - 1) * cfg.attack_eps
                xa = (xb + delta).clamp(0, 1).requires_grad_(True)
                (g,) = torch.autograd.grad(torch.nn.functional.cross_entropy(model(xa), yb), xa)
                adv = xa.detach() + 1.25 * cfg.attack_eps * g.sign()
                xb = torch.min(torch.max(adv, xb - cfg.attack_eps), xb + cfg.attack_eps).clamp(0, 1)
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
    model.eval()
    return model, time.perf_counter() - start


def _accuracy(model, X, y) -> float:
    import torch

    with torch.no_grad():
        return float((model(torch.as_tensor(X)).argmax(1).numpy() == np.asarray(y)).mean())


def integrated_gradients(model, x, target: int, n_steps: int = 32, baseline=None):
    """Integrated gradients (Sundararajan et al. 2017) of class ``target`` for one image x (1, C, H, W).

    IG_i = (x_i - x'_i) * mean over alpha of dF/dx_i at x' + alpha (x - x'), with a black baseline
    x' and the Gauss-Legendre rule captum uses by default; a test checks it against
    ``captum.attr.IntegratedGradients``. Written out here because importing captum costs about a
    second on a cold start and the method is a few lines.
    """
    import torch

    base = torch.zeros_like(x) if baseline is None else baseline
    nodes, weights = np.polynomial.legendre.leggauss(n_steps)
    alphas = torch.tensor((nodes + 1) / 2, dtype=x.dtype)              # (n_steps,) in (0, 1)
    w = torch.tensor(weights / 2, dtype=x.dtype)
    path = base + alphas.view(-1, 1, 1, 1) * (x - base)                 # (n_steps, C, H, W)
    path.requires_grad_(True)
    out = model(path)[:, target].sum()
    (grads,) = torch.autograd.grad(out, path)
    avg = (grads * w.view(-1, 1, 1, 1)).sum(0, keepdim=True)
    return ((x - base) * avg)[0, 0].detach().numpy()


SEVERITIES = {"noise": (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8), "blur": (0.0, 0.5, 0.75, 1.0, 1.5, 2.0),
              "occlusion": (0, 2, 3, 4, 5, 6)}
ATTACK_EPS = (0.0, 0.05, 0.1, 0.2)


def training_key(cfg: VisionConfig) -> VisionConfig:
    """The config with evaluation-only knobs (PGD steps, saliency image) reset: two configs with the
    same key train identical models, so a cache of trained models can be keyed on it."""
    from dataclasses import replace

    return replace(cfg, pgd_steps=VisionConfig.pgd_steps, saliency_index=0)


@single_threaded
def train_recipes(cfg: VisionConfig = VisionConfig(), trainings=TRAININGS) -> dict:
    """recipe -> (trained model, training seconds), for :func:`run_vision` to evaluate."""
    cfg.validate()
    Xtr, _, ytr, _ = load_digits_split(cfg.seed)
    return {name: train_cnn(Xtr, ytr, cfg, name) for name in trainings}


@single_threaded
def run_vision(cfg: VisionConfig = VisionConfig(), trainings=TRAININGS, trained: dict | None = None
               ) -> VisionResult:
    """Train each recipe (or take ``trained`` from :func:`train_recipes` with the same
    :func:`training_key`), then measure clean / corrupted / attacked accuracy and saliency."""
    cfg.validate()
    import torch

    if trained is None:
        trained = train_recipes(cfg, trainings)

    _, Xte, _, yte = load_digits_split(cfg.seed)
    Xte_t, yte_t = torch.from_numpy(Xte), torch.from_numpy(yte).long()
    severity = {"noise": cfg.noise_std, "blur": cfg.blur_sigma_px, "occlusion": cfg.occlusion_px}
    recipes, curves, attack_curves, sal, sal_pred = {}, {k: {} for k in CORRUPTIONS}, {}, {}, {}
    x_sal = Xte_t[cfg.saliency_index: cfg.saliency_index + 1]
    models = {}
    # corrupted test sets: the same images for every recipe, so computed once
    at_setting = {k: corrupt(Xte, k, severity[k], cfg.seed + 3) for k in CORRUPTIONS}
    on_curve = {k: [corrupt(Xte, k, sv, cfg.seed + 3) for sv in SEVERITIES[k]] for k in CORRUPTIONS}
    for name in trainings:
        model, secs = trained[name]
        models[name] = model
        gen = torch.Generator().manual_seed(cfg.seed + 7)
        corrupted = {k: _accuracy(model, at_setting[k], yte) for k in CORRUPTIONS}
        for k in CORRUPTIONS:
            accs = tuple(_accuracy(model, Xc, yte) for Xc in on_curve[k])
            curves[k][name] = (tuple(float(s) for s in SEVERITIES[k]), accs)
        recipes[name] = RecipeResult(
            training=name, clean_accuracy=_accuracy(model, Xte, yte), corrupted_accuracy=corrupted,
            fgsm_accuracy=_accuracy(model, fgsm(model, Xte_t, yte_t, cfg.attack_eps), yte),
            pgd_accuracy=_accuracy(model, pgd(model, Xte_t, yte_t, cfg.attack_eps, cfg.pgd_steps, gen), yte),
            train_seconds=secs)
        known = {0.0: recipes[name].clean_accuracy, cfg.attack_eps: recipes[name].pgd_accuracy}
        attack_curves[name] = tuple(
            known[e] if e in known else _accuracy(model, pgd(model, Xte_t, yte_t, e, cfg.pgd_steps, gen), yte)
            for e in ATTACK_EPS)
        with torch.no_grad():
            sal_pred[name] = int(model(x_sal).argmax(1).item())
        ig = integrated_gradients(model, x_sal, target=int(yte[cfg.saliency_index]))
        sal[name] = tuple(tuple(float(v) for v in row) for row in ig)
    first = next(iter(models.values()))
    # analytic count, not torch's FlopCounterMode: that mode imports torch._dynamo (~1.5 CPU-s of
    # the 5 s cold-start budget, issue 15); tests/models/test_vision.py checks the two agree
    return VisionResult(
        config=cfg, recipes=recipes, chance_accuracy=0.1, severity_curves=curves,
        attack_curve_eps=ATTACK_EPS, attack_curves=attack_curves,
        saliency_image=tuple(tuple(float(v) for v in row) for row in Xte[cfg.saliency_index, 0]),
        saliency_label=int(yte[cfg.saliency_index]), saliency=sal, saliency_pred=sal_pred,
        flops_per_image=analytic_flops(cfg.cnn), params=sum(p.numel() for p in first.parameters()),
    )
