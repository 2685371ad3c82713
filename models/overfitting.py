"""Overfitting and generalisation on a small training set, and what each remedy buys.

Data: scikit-learn's bundled handwritten digits (1,797 images of 8x8 pixels, 10 classes; UCI
"Optical Recognition of Handwritten Digits"). A seeded split keeps 500 images as the test set,
300 as the validation set (early stopping and the train/validation gap), and draws the small
training set (``n_train``, 150 by default: 15 per digit) from the rest.

Model: a two-hidden-layer perceptron (torch, imported lazily), trained full-batch with Adam.

Remedies compared, each alone on top of the unregularised model:
* dropout (Srivastava et al., JMLR 2014) on the hidden layers;
* weight decay (an L2 penalty on the weights, added to the gradient; too much underfits);
* early stopping: keep the weights of the epoch with the best validation loss, stop after
  ``patience`` epochs without improvement;
* data augmentation: four extra copies of each training image, each shifted by up to one pixel
  and rotated by up to 10 degrees (the variation real handwriting has);
* synthetic data: SMOTE (Chawla et al., JAIR 2002, via imbalanced-learn) interpolating between
  same-digit neighbours to triple the training set.

The shifted test set: the same test images after a change the training data never showed
(translation by 1-2 pixels, thicker strokes, faded ink, or pixel noise), at a chosen strength.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from models import _optim
from models._config import check, check_choice, check_ranges
from models.torch_threads import torch_threads
from scenarios.errors import VentureLabError

SHIFT_KINDS = ("translate", "thick", "faded", "noise")
N_TEST, N_VAL = 500, 300
VARIANTS = ("none", "dropout", "weight_decay", "early_stopping", "all_three", "augmentation",
            "synthetic")

Progress = Callable[[float], None] | None


@dataclass(frozen=True)
class OverfitConfig:
    seed: int = 0
    n_train: int = 150            # images in the small training set
    label_noise: float = 0.1      # share of training labels flipped (annotation errors); val/test stay clean
    hidden_units: int = 128       # width of both hidden layers (model size): ~26k weights for 150 images
    epochs: int = 120             # full-batch epochs (upper bound when early stopping)
    learning_rate: float = 0.01
    dropout: float = 0.5          # used by the "dropout" and "all_three" variants
    weight_decay: float = 0.03    # L2 coefficient, used by "weight_decay" and "all_three"
    patience: int = 15            # early stopping: epochs without validation improvement
    shift_kind: str = "translate"
    shift_strength: float = 0.5   # 0 = no shift, 1 = strongest

    def validate(self) -> None:
        check_ranges(self, n_train=(30, 990), hidden_units=(4, 1024), epochs=(10, 2000),
                     learning_rate=(1e-4, 0.5), weight_decay=(0, 1), patience=(1, 500),
                     shift_strength=(0, 1))
        check(self, "dropout", 0 <= self.dropout < 1, "0..0.95")
        check_choice(self, "shift_kind", SHIFT_KINDS)


@dataclass(frozen=True)
class FitResult:
    """One trained model: final accuracies and its per-epoch history."""
    variant: str
    train_acc: float
    val_acc: float
    test_acc: float
    shifted_acc: float
    epochs_run: int
    best_epoch: int
    history: dict = field(default_factory=dict, repr=False)  # train_loss, val_loss, train_acc, val_acc

    @property
    def gap(self) -> float:
        """Train minus validation accuracy: how much the model memorised rather than learned."""
        return self.train_acc - self.val_acc


@dataclass(frozen=True)
class OverfitResult:
    variants: dict                          # variant -> FitResult
    majority_baseline: float                # always answering the most frequent test digit
    n_train: int
    shifted_example: np.ndarray = field(default=None, repr=False)   # (2, 8, 8): original, shifted


# ---------------------------------------------------------------- data

@functools.lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled digits as (N, 8, 8) images in [0, 1] and labels.

    Read straight from the CSV that scikit-learn ships (the same bytes ``load_digits`` parses):
    importing ``sklearn.datasets`` alone costs about 1 s of CPU, a fifth of the demo's budget.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"
    if path.is_file():
        raw = np.loadtxt(path, delimiter=",")
        images, target = raw[:, :-1].reshape(-1, 8, 8), raw[:, -1]
    else:  # a future scikit-learn may move the file: fall back to its loader
        from sklearn.datasets import load_digits

        d = load_digits()
        images, target = d.images, d.target
    return (images / 16.0).astype(np.float32), target.astype(np.int64)


def split(seed: int, n_train: int):
    """(train images, labels), (val ...), (test ...) — disjoint, seeded."""
    images, labels = _digits()
    order = np.random.default_rng(seed).permutation(len(labels))
    test, val, pool = order[:N_TEST], order[N_TEST:N_TEST + N_VAL], order[N_TEST + N_VAL:]
    train = pool[:n_train]
    return ((images[train], labels[train]), (images[val], labels[val]),
            (images[test], labels[test]))


def shift_images(images: np.ndarray, kind: str, strength: float, rng: np.random.Generator) -> np.ndarray:
    """The shifted test set: a change of pen, scanner or framing the training data never showed."""
    from scipy import ndimage

    if strength == 0:
        return images.copy()
    if kind == "translate":      # off-centre framing: 2 * strength pixels along x and y
        out = np.empty_like(images)
        for i, im in enumerate(images):
            out[i] = ndimage.shift(im, rng.choice([-1.0, 1.0], size=2) * 2 * strength, order=1)
        return out
    if kind == "thick":          # a broader pen: grey dilation blended in by strength
        fat = np.stack([ndimage.grey_dilation(im, size=(2, 2)) for im in images])
        return (1 - strength) * images + strength * fat
    if kind == "faded":          # faded ink: contrast drops towards a grey background
        return images * (1 - 0.7 * strength) + 0.15 * strength
    return np.clip(images + rng.normal(0, 0.35 * strength, images.shape), 0, 1).astype(np.float32)


def augment(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator, copies: int = 4):
    """Originals plus ``copies`` jittered versions: a 1-pixel shift and a rotation of up to 10 degrees."""
    from scipy import ndimage

    out, ys = [images], [labels]
    for _ in range(copies):
        batch = np.empty_like(images)
        for i, im in enumerate(images):
            im2 = ndimage.rotate(im, rng.uniform(-10, 10), reshape=False, order=1)
            batch[i] = ndimage.shift(im2, rng.integers(-1, 2, size=2), order=0)
        out.append(np.clip(batch, 0, 1))
        ys.append(labels)
    return np.concatenate(out), np.concatenate(ys)


def smote(images: np.ndarray, labels: np.ndarray, seed: int, factor: int = 3):
    """Synthetic images interpolated between same-digit neighbours: SMOTE (Chawla et al. 2002).

    Written with numpy, not imbalanced-learn: importing imblearn pulls scikit-learn's neighbours,
    calibration and model-selection modules, over a second of the demo's 5 CPU-s cold start
    (issue 15; bench/demo_cold_start.py). It makes imbalanced-learn 0.x's draws
    (``SMOTE._make_samples``: a fresh ``RandomState(seed)`` per class, ``randint`` over the
    neighbour table, then ``uniform`` steps) on the k nearest same-class neighbours by Euclidean
    distance; tests/models/test_overfitting_smote.py checks the images equal imblearn's on seeds
    0-2 (where two neighbours are at exactly the same distance the order, and so a few synthetic
    images, can differ from imblearn's).
    """
    counts = np.bincount(labels, minlength=10)
    k = int(max(1, min(5, counts[counts > 0].min() - 1)))
    X = images.reshape(len(images), -1)
    out_X, out_y = [X.copy()], [labels.copy()]
    for c, n in enumerate(counts):
        n_new = int(n * factor) - int(n)
        if n <= 1 or n_new == 0:
            continue
        Xc = X[labels == c]
        X64 = Xc.astype(np.float64)
        sq = (X64 ** 2).sum(1)
        dist2 = np.maximum(sq[:, None] - 2 * X64 @ X64.T + sq[None, :], 0)
        np.fill_diagonal(dist2, -1.0)  # each image is its own first neighbour, dropped below
        nns = np.argsort(dist2, axis=1, kind="stable")[:, 1:k + 1]
        rs = np.random.RandomState(seed)
        idx = rs.randint(low=0, high=nns.size, size=n_new)
        steps = rs.uniform(size=n_new)[:, None]
        rows, cols = np.floor_divide(idx, nns.shape[1]), np.mod(idx, nns.shape[1])
        out_X.append((Xc[rows] + steps * (Xc[nns[rows, cols]] - Xc[rows])).astype(X.dtype))
        out_y.append(np.full(n_new, c, dtype=labels.dtype))
    return np.vstack(out_X).reshape(-1, 8, 8).astype(np.float32), np.concatenate(out_y)


# ---------------------------------------------------------------- model

def _mlp(hidden: int, dropout: float):
    import torch.nn as nn

    return nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, 10))


def fit(train, val, test, shifted, *, hidden: int, dropout: float, weight_decay: float,
        early_stopping: bool, cfg: OverfitConfig, variant: str = "") -> FitResult:
    """Train one MLP full-batch; return its accuracies and per-epoch history."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(cfg.seed)
    model = _mlp(hidden, dropout)
    # Weight decay as a classic L2 penalty: weight_decay * w is added to each gradient before
    # Adam's scaling. (Decoupled AdamW decay barely changed the gap in 120 full-batch steps: Adam's
    # scale-free updates let the net memorise anyway; measured on 3 seeds while building this.)
    opt = _optim.Adam(model.parameters(), lr=cfg.learning_rate, weight_decay=weight_decay)
    xt, yt = torch.from_numpy(train[0]), torch.from_numpy(train[1])
    xv, yv = torch.from_numpy(val[0]), torch.from_numpy(val[1])
    hist = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    best, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(cfg.epochs):
        model.train()
        opt.zero_grad()
        lt = model(xt)
        loss = F.cross_entropy(lt, yt)
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            lv = model(xv)
            vloss = float(F.cross_entropy(lv, yv))
            # Training figures per epoch come from the training pass itself (dropout on), as
            # training logs usually report them; the final train_acc below is measured in eval mode.
            hist["train_loss"].append(float(loss))
            hist["val_loss"].append(vloss)
            hist["train_acc"].append(float((lt.argmax(1) == yt).float().mean()))
            hist["val_acc"].append(float((lv.argmax(1) == yv).float().mean()))
        if vloss < best - 1e-4:
            best, best_epoch = vloss, epoch
            if early_stopping:
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
        elif early_stopping and epoch - best_epoch >= cfg.patience:
            break
    if early_stopping and best_state is not None:
        model.load_state_dict(best_state)
    model.eval()

    def acc(x, y):
        with torch.no_grad():
            return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())

    return FitResult(variant=variant, train_acc=acc(*train), val_acc=acc(*val), test_acc=acc(*test),
                     shifted_acc=acc(*shifted), epochs_run=len(hist["val_loss"]),
                     best_epoch=best_epoch + 1, history={k: np.array(v) for k, v in hist.items()})


def _settings(variant: str, cfg: OverfitConfig) -> dict:
    return {"hidden": cfg.hidden_units,
            "dropout": cfg.dropout if variant in ("dropout", "all_three") else 0.0,
            "weight_decay": cfg.weight_decay if variant in ("weight_decay", "all_three") else 0.0,
            "early_stopping": variant in ("early_stopping", "all_three")}


@functools.lru_cache(maxsize=8)
def _data(cfg: OverfitConfig):
    """Train (with its label noise), validation, test and shifted test sets; shared read-only."""
    train, val, test = split(cfg.seed, cfg.n_train)
    rng = np.random.default_rng(cfg.seed + 7)
    flip = rng.random(len(train[1])) < cfg.label_noise
    noisy = train[1].copy()
    noisy[flip] = (noisy[flip] + rng.integers(1, 10, size=int(flip.sum()))) % 10  # a wrong digit
    train = (train[0], noisy)
    shifted = (shift_images(test[0], cfg.shift_kind, cfg.shift_strength, rng).astype(np.float32), test[1])
    return train, val, test, shifted


def run_variant(cfg: OverfitConfig, variant: str) -> FitResult:
    """Train one variant on the config's small training set (one point of the default run)."""
    cfg.validate()
    if variant not in VARIANTS:
        raise VentureLabError("variant", "unknown variant", got=variant, accepted=", ".join(VARIANTS))
    with torch_threads(1):
        train, val, test, shifted = _data(cfg)
        data = train
        if variant == "augmentation":
            data = augment(*train, np.random.default_rng(cfg.seed + 11))
        elif variant == "synthetic":
            data = smote(*train, cfg.seed)
        return fit(data, val, test, shifted, cfg=cfg, variant=variant, **_settings(variant, cfg))


def assemble(cfg: OverfitConfig, fits: dict) -> OverfitResult:
    """The result of a default run from its trained variants (so callers may cache per variant)."""
    _, _, test, shifted = _data(cfg)
    majority = float(np.bincount(test[1]).max() / len(test[1]))
    return OverfitResult(variants=dict(fits), majority_baseline=majority, n_train=cfg.n_train,
                         shifted_example=np.stack([test[0][0], shifted[0][0]]))


def run_overfitting(cfg: OverfitConfig = OverfitConfig(), variants: tuple[str, ...] = VARIANTS,
                    progress: Progress = None) -> OverfitResult:
    """Train each variant on the same small training set; compare gaps, test and shifted accuracy."""
    fits = {}
    for i, v in enumerate(variants):
        fits[v] = run_variant(cfg, v)
        if progress:
            progress((i + 1) / len(variants))
    return assemble(cfg, fits)


# ---------------------------------------------------------------- sweeps (on demand, point by point)

LC_SIZES = (50, 100, 200, 400, 700, 990)
MS_WIDTHS = (8, 16, 32, 64, 128, 256, 512)


def learning_curve_point(cfg: OverfitConfig, n_train: int, variants=("none", "all_three")) -> list[dict]:
    c = replace(cfg, n_train=n_train)
    rows = []
    for v in variants:
        r = run_variant(c, v)
        rows.append({"n_train": n_train, "variant": v, "train_acc": r.train_acc, "val_acc": r.val_acc,
                     "gap": r.gap})
    return rows


def model_size_point(cfg: OverfitConfig, width: int,
                     variants=("none", "dropout", "weight_decay")) -> list[dict]:
    c = replace(cfg, hidden_units=width)
    rows = []
    for v in variants:
        r = run_variant(c, v)
        rows.append({"hidden_units": width, "params": 64 * width + width + width * width + width + 10 * width + 10,
                     "variant": v, "train_acc": r.train_acc, "val_acc": r.val_acc, "gap": r.gap})
    return rows


def cv_fold(cfg: OverfitConfig, k: int, fold: int, variants=("none", "all_three")) -> list[dict]:
    """One fold of stratified k-fold cross-validation on the small training set.

    Early stopping inside a fold watches that fold's own held-out part, never the test set."""
    from sklearn.model_selection import StratifiedKFold

    cfg.validate()
    if not 2 <= k <= 10:
        raise VentureLabError("k", "out of range", got=k, accepted="2..10")
    with torch_threads(1):
        train, _, test, shifted = _data(cfg)
        n_splits = max(2, min(k, int(np.bincount(train[1]).min())))
        parts = list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=cfg.seed)
                     .split(train[0], train[1]))
        if not 0 <= fold < len(parts):
            return []
        tr, va = parts[fold]
        rows = []
        for v in variants:
            r = fit((train[0][tr], train[1][tr]), (train[0][va], train[1][va]), test, shifted,
                    cfg=cfg, variant=v, **_settings(v, cfg))
            rows.append({"fold": fold + 1, "variant": v, "fold_val_acc": r.val_acc, "test_acc": r.test_acc})
        return rows


def sweep_points(points, fn, progress: Progress = None) -> list[dict]:
    """``fn(point)`` rows for every point, concatenated, reporting the share done after each (the
    dashboard's cached sweeps use it too, with a cached ``fn``)."""
    rows = []
    for i, p in enumerate(points):
        rows.extend(fn(p))
        if progress:
            progress((i + 1) / len(points))
    return rows


def learning_curve(cfg: OverfitConfig, sizes=LC_SIZES, progress: Progress = None) -> list[dict]:
    """Train and validation accuracy against training-set size."""
    return sweep_points(sizes, lambda n: learning_curve_point(cfg, n), progress)


def model_size_sweep(cfg: OverfitConfig, widths=MS_WIDTHS, progress: Progress = None) -> list[dict]:
    """Train/validation gap against hidden width, with and without regularisation."""
    return sweep_points(widths, lambda w: model_size_point(cfg, w), progress)


def cross_validate(cfg: OverfitConfig, k: int = 5, progress: Progress = None) -> list[dict]:
    """k-fold cross-validation on the small training set (each fold takes a turn as validation)."""
    return sweep_points(range(k), lambda f: cv_fold(cfg, k, f), progress)
