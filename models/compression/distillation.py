"""Distillation with scarce labels: a small student trained on the labelled share alone, and the
same student also taught by the teacher's softened outputs on every image (Hinton, Vinyals &
Dean 2015, "Distilling the Knowledge in a Neural Network").

The student sees the labels of only a share of the training images (labels cost money); the
distilled student also learns from the teacher's soft outputs on all of them (the "transfer set"
of Hinton et al. 2015, sec. 2). With every label, a small MLP matches the teacher on digits by
itself, so that setting shows no gain; scarce labels are where it pays.
"""

from __future__ import annotations

import numpy as np

from models.compression.results import CompressionConfig
from models.compression.training import mlp, train


def labelled_subset(n_rows: int, config: CompressionConfig) -> np.ndarray:
    """Boolean mask of the training rows whose labels the students may use (at least 10)."""
    rng = np.random.default_rng(config.seed + 3)
    labelled = np.zeros(n_rows, dtype=bool)
    labelled[rng.permutation(n_rows)[: max(10, int(config.student_label_fraction * n_rows))]] = True
    return labelled


def train_students(teacher, X_tr, y_tr, config: CompressionConfig):
    """(plain student, distilled student), both 64 -> S -> 10, from the same seeded weights."""
    import torch

    labelled = labelled_subset(len(y_tr), config)
    with torch.no_grad():
        t_logits = teacher(torch.from_numpy(X_tr))  # (N, 10)
    sizes = [64, config.student_hidden_units, 10]
    epochs = max(config.epochs, 30)  # a small net needs more passes to converge
    # on the labelled share alone: as many optimiser steps as an epoch count on the full set gives
    plain_epochs = max(epochs, int(epochs / max(config.student_label_fraction, 0.05)))
    torch.manual_seed(config.seed + 2)
    plain = train(mlp(sizes), X_tr[labelled], y_tr[labelled], plain_epochs, config.seed + 2)
    torch.manual_seed(config.seed + 2)
    distilled = train(mlp(sizes), X_tr, y_tr, epochs, config.seed + 2, teacher_logits=t_logits,
                      temperature=config.distill_temperature, alpha=config.distill_alpha,
                      label_mask=torch.from_numpy(labelled))
    return plain, distilled
