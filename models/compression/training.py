"""The data, the MLPs and the one training loop every compression technique shares."""

from __future__ import annotations

from typing import Sequence

from models import _optim

import numpy as np


def load_digits_split(seed: int, test_fraction: float):
    """Digits scaled to 0..1, stratified split. Returns float32 arrays (X_tr, X_te, y_tr, y_te)."""
    from models._split import train_test_split

    from models.digits_data import digits_flat

    data, target = digits_flat()  # load_digits' arrays without importing sklearn.datasets
    X = (data / 16.0).astype(np.float32)
    y = target.astype(np.int64)
    return train_test_split(X, y, test_size=test_fraction, random_state=seed, stratify=y)


def mlp(sizes: Sequence[int]):
    """Dense layers of the given widths with ReLU between them, e.g. [64, H, H, 10]."""
    import torch.nn as nn

    layers: list = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def linears(model) -> list:
    import torch.nn as nn

    return [m for m in model if isinstance(m, nn.Linear)]


def _loss(logits, y, *, label_mask=None, teacher_logits=None, temperature=4.0, alpha=0.0):
    """Cross-entropy on the labelled rows, blended with the soft-target loss of a teacher."""
    import torch.nn.functional as F

    if label_mask is None:
        loss = F.cross_entropy(logits, y)
    else:  # only the labelled rows give a hard-label loss; the rest learn from the teacher
        m = label_mask
        loss = F.cross_entropy(logits[m], y[m]) if bool(m.any()) else logits.sum() * 0.0
    if teacher_logits is not None and alpha > 0:
        soft_t = F.softmax(teacher_logits / temperature, dim=1)
        log_s = F.log_softmax(logits / temperature, dim=1)
        # T^2 keeps the soft-target gradients on the scale of the hard ones (Hinton 2015, sec. 2)
        kd = F.kl_div(log_s, soft_t, reduction="batchmean") * temperature**2
        loss = alpha * kd + (1 - alpha) * loss
    return loss


def _l1_proximal_step(model, threshold: float) -> None:
    """Soft-threshold every weight matrix: the proximal step of ``threshold * sum|w|``
    (Parikh & Boyd 2014, sec. 6.5.2), which leaves small weights exactly zero."""
    import torch

    with torch.no_grad():
        for lin in linears(model):
            w = lin.weight
            w.copy_(torch.sign(w) * torch.clamp(w.abs() - threshold, min=0.0))


def train(model, X, y, epochs: int, seed: int, *, teacher_logits=None, temperature=4.0, alpha=0.0,
          l1_lambda=0.0, lr=3e-3, batch=128, label_mask=None):
    """Minibatch Adam. With ``teacher_logits``, adds the Hinton et al. soft-target loss;
    with ``l1_lambda``, applies the L1 proximal step after each update."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    opt = _optim.Adam(model.parameters(), lr=lr)
    n = len(Xt)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, batch):
            idx = order[start: start + batch]
            logits = model(Xt[idx])  # (B, 10)
            loss = _loss(logits, yt[idx], label_mask=None if label_mask is None else label_mask[idx],
                         teacher_logits=None if teacher_logits is None else teacher_logits[idx],
                         temperature=temperature, alpha=alpha)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if l1_lambda > 0:
                _l1_proximal_step(model, lr * l1_lambda)
    model.eval()
    return model


def accuracy(model, X, y) -> float:
    import torch

    with torch.no_grad():
        pred = model(torch.from_numpy(X)).argmax(1).numpy()
    return float((pred == y).mean())


def weights(model) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W of shape (in, out), b of shape (out,)) per Linear layer, detached numpy float32."""
    return [
        (lin.weight.detach().numpy().T.copy().astype(np.float32),
         lin.bias.detach().numpy().copy().astype(np.float32))
        for lin in linears(model)
    ]
