"""Training on patient data without pooling it, and what privacy costs in accuracy.

Both demos use the breast-cancer data of :mod:`models.medical` and a logistic-regression model,
so their accuracy can be read against the same non-private, centralised number.

* DP-SGD (Abadi et al. 2016) through opacus: each patient's gradient is clipped to
  ``max_grad_norm`` and Gaussian noise is added to the batch sum; opacus picks the noise
  multiplier that reaches the target (epsilon, delta) after the given epochs (RDP accountant).
  Smaller epsilon = stronger guarantee = more noise = lower accuracy, most visibly on small
  data sets like this one (~400 training patients).
* Federated averaging (McMahan et al. 2017, "FedAvg"), written by hand because it is a few lines:
  each simulated hospital runs local SGD from the global weights, the server averages the
  returned weights by sample count. Hospitals get *non-identical* data: each one's share of
  malignant cases is drawn from a Dirichlet(alpha) (Hsu et al. 2019); small alpha = very skewed
  hospitals. Simplification, stated: feature scaling uses statistics of the pooled training
  data (in practice obtained by a secure aggregate of per-site means and variances).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from models._optim import torch_sgd
from models._config import check, check_ranges
from models._threads import single_threaded
from models.medical import split_scale


# --------------------------------------------------------------------------- DP-SGD (opacus)
@dataclass(frozen=True)
class DPConfig:
    epsilon: float = 1.0          # target privacy budget; math.inf = no privacy (plain SGD)
    delta: float = 1e-3           # < 1 / n_train (~400), the usual rule
    max_grad_norm: float = 1.0    # per-sample clipping bound C
    epochs: int = 20
    batch_size: int = 64          # expected batch (opacus samples each patient with prob. b/n)
    learning_rate: float = 0.5
    seed: int = 0

    def validate(self) -> None:
        check(self, "epsilon", self.epsilon > 0, "> 0 (inf: no privacy)")
        check(self, "delta", 0 < self.delta < 0.01, "(0, 0.01)")
        check_ranges(self, epochs=(1, 200), max_grad_norm=(0.01, 100))


@dataclass(frozen=True)
class DPResult:
    config: DPConfig
    accuracy: float
    majority_accuracy: float
    noise_multiplier: float       # sigma: noise std / clipping bound (0 without privacy)
    epsilon_spent: float          # the accountant's epsilon after training (inf without privacy)


def _torch_setup(seed: int):
    import torch

    # One thread: on a 30-weight model, thread hand-offs cost far more than they save (measured
    # 450x slower per loss call with 2 threads on a busy 2-core box).
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    return torch


@single_threaded
def run_dp(cfg: DPConfig = DPConfig(), data=None) -> DPResult:
    """Train logistic regression with DP-SGD at ``cfg.epsilon``; deterministic for a seed.
    ``data``: ``(X, y, feature names)`` of an upload (models.user_data); None: the bundled biopsies."""
    cfg.validate()
    torch = _torch_setup(cfg.seed)
    from torch.utils.data import DataLoader, TensorDataset

    Xtr, Xte, ytr, yte, _, _ = split_scale(cfg.seed, data=data)
    ds = TensorDataset(torch.tensor(Xtr, dtype=torch.float32), torch.tensor(ytr, dtype=torch.float32))
    gen = torch.Generator().manual_seed(cfg.seed)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, generator=gen)
    model = torch.nn.Linear(Xtr.shape[1], 1)
    opt = torch_sgd(model.parameters(), lr=cfg.learning_rate)   # a torch.optim.SGD, without dynamo
    sigma, eps_spent, engine = 0.0, math.inf, None
    if math.isfinite(cfg.epsilon):
        from opacus import PrivacyEngine
        from opacus.accountants.utils import get_noise_multiplier

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "secure RNG off": fine for a demo, said in the docs
            engine = PrivacyEngine(accountant="rdp")
        # sigma for the target budget; a relative tolerance (opacus' default is 0.01 absolute,
        # which takes seconds of search at epsilon = 10 for no visible difference).
        with warnings.catch_warnings():
            # at very small epsilon the RDP accountant notes its best order is the largest it tries
            warnings.filterwarnings("ignore", message="Optimal order")
            sigma = get_noise_multiplier(
                target_epsilon=cfg.epsilon, target_delta=cfg.delta, sample_rate=1 / len(loader),
                epochs=cfg.epochs, accountant="rdp", epsilon_tolerance=max(0.01, 0.02 * cfg.epsilon))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # opacus warns about secure RNG; a demo does not need it
            model, opt, loader = engine.make_private(
                module=model, optimizer=opt, data_loader=loader, noise_multiplier=sigma,
                max_grad_norm=cfg.max_grad_norm,
                noise_generator=torch.Generator().manual_seed(cfg.seed + 1))
        sigma = float(opt.noise_multiplier)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    with warnings.catch_warnings():
        # opacus' hooks fire a notice on every backward of a model whose inputs need no grad
        warnings.filterwarnings("ignore", message="Full backward hook")
        for _ in range(cfg.epochs):
            for xb, yb in loader:
                if len(xb) == 0:  # Poisson sampling can draw an empty batch
                    continue
                opt.zero_grad()
                loss_fn(model(xb).squeeze(-1), yb).backward()
                opt.step()
    if engine is not None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Optimal order")
            eps_spent = float(engine.get_epsilon(cfg.delta))
    with torch.no_grad():
        logits = model(torch.tensor(Xte, dtype=torch.float32)).squeeze(-1).numpy()
    return DPResult(config=cfg, accuracy=float(((logits > 0).astype(int) == yte).mean()),
                    majority_accuracy=float(max(yte.mean(), 1 - yte.mean())),
                    noise_multiplier=sigma, epsilon_spent=eps_spent)


EPSILON_GRID = (0.05, 0.1, 0.3, 1.0, 3.0, 10.0, math.inf)

# An upload of up to 50,000 rows: DP-SGD's per-sample gradients took 27 s on 50,000 rows here
# (and the page runs it twice, with and without privacy); 5,000 rows answer in about 3 s.
MAX_PRIVACY_ROWS = 5_000


def privacy_rows(data, seed: int, max_rows: int = MAX_PRIVACY_ROWS):
    """``data`` (X, y, names) cut to ``max_rows`` rows drawn at random (seeded), each class kept in
    proportion; unchanged when it is no longer."""
    X, y, names = data
    if len(y) <= max_rows:
        return data
    rng = np.random.default_rng(seed)
    keep = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        keep.append(rng.choice(rows, size=max(2, round(max_rows * len(rows) / len(y))), replace=False))
    keep = np.sort(np.concatenate(keep))
    return X[keep], y[keep], names


# --------------------------------------------------------------------------- FedAvg (by hand)
@dataclass(frozen=True)
class FedConfig:
    n_hospitals: int = 5
    non_iid_alpha: float = 0.3     # Dirichlet concentration of each site's malignant share
    rounds: int = 30
    local_epochs: int = 2
    learning_rate: float = 0.1
    batch_size: int = 16
    seed: int = 0

    def validate(self) -> None:
        check_ranges(self, n_hospitals=(2, 20), non_iid_alpha=(0.01, 100), rounds=(1, 200),
                     local_epochs=(1, 20))


@dataclass(frozen=True)
class FedResult:
    config: FedConfig
    centralised_accuracy: float              # same model and budget, data pooled
    federated_accuracy: float                # after the last round
    local_only_accuracy: tuple[float, ...]   # each hospital's own model on the shared test set
    federated_by_round: tuple[float, ...]
    site_sizes: tuple[int, ...]
    site_malignant_share: tuple[float, ...]
    majority_accuracy: float


def _sgd_logreg(w, X, y, epochs, lr, batch, rng):
    """Mini-batch SGD on the logistic loss; w holds the bias last. Returns new weights."""
    w = w.copy()
    Xb = np.hstack([X, np.ones((len(X), 1))])
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for s in range(0, len(X), batch):
            i = order[s: s + batch]
            p = 1 / (1 + np.exp(-(Xb[i] @ w)))
            w -= lr * Xb[i].T @ (p - y[i]) / len(i)
    return w


def _acc(w, X, y) -> float:
    return float((((X @ w[:-1] + w[-1]) > 0).astype(int) == y).mean())


def partition_non_iid(y, n_sites: int, alpha: float, rng) -> list[np.ndarray]:
    """Split indices over sites: class c's rows are dealt out in Dirichlet(alpha) proportions."""
    sites: list[list[int]] = [[] for _ in range(n_sites)]
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        shares = rng.dirichlet(np.full(n_sites, alpha))
        cuts = (np.cumsum(shares)[:-1] * len(idx)).astype(int)
        for s, part in enumerate(np.split(idx, cuts)):
            sites[s].extend(part.tolist())
    # Every hospital sees at least a few patients (a site with none would not join).
    for s in range(n_sites):
        if len(sites[s]) < 4:
            donor = int(np.argmax([len(v) for v in sites]))
            sites[s].extend(sites[donor][-4:])
            del sites[donor][-4:]
    return [np.array(v, dtype=int) for v in sites]


@single_threaded
def run_fedavg(cfg: FedConfig = FedConfig(), data=None) -> FedResult:
    """FedAvg vs centralised vs local-only; the same epochs of data touched by each. ``data``: as
    :func:`run_dp` (an upload's rows are spread over the sites by label, as the biopsies are)."""
    cfg.validate()
    Xtr, Xte, ytr, yte, _, _ = split_scale(cfg.seed, data=data)
    rng = np.random.default_rng(cfg.seed)
    sites = partition_non_iid(ytr, cfg.n_hospitals, cfg.non_iid_alpha, rng)
    w0 = np.zeros(Xtr.shape[1] + 1)
    total = sum(len(s) for s in sites)

    w = w0
    by_round = []
    for _ in range(cfg.rounds):
        updates = [_sgd_logreg(w, Xtr[s], ytr[s], cfg.local_epochs, cfg.learning_rate, cfg.batch_size, rng)
                   for s in sites]
        w = sum(len(s) / total * u for s, u in zip(sites, updates))  # weighted average (FedAvg eq. 1)
        by_round.append(_acc(w, Xte, yte))

    epochs = cfg.rounds * cfg.local_epochs
    w_central = _sgd_logreg(w0, Xtr, ytr, epochs, cfg.learning_rate, cfg.batch_size, rng)
    local = tuple(_acc(_sgd_logreg(w0, Xtr[s], ytr[s], epochs, cfg.learning_rate, cfg.batch_size, rng),
                       Xte, yte) for s in sites)
    return FedResult(
        config=cfg, centralised_accuracy=_acc(w_central, Xte, yte), federated_accuracy=by_round[-1],
        local_only_accuracy=local, federated_by_round=tuple(by_round),
        site_sizes=tuple(len(s) for s in sites),
        site_malignant_share=tuple(float(ytr[s].mean()) for s in sites),
        majority_accuracy=float(max(yte.mean(), 1 - yte.mean())),
    )
