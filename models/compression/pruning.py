"""Pruning with ``torch.nn.utils.prune``: unstructured (single weights) and structured (whole
hidden neurons, after which the layers are sliced so the dense model really is smaller)."""

from __future__ import annotations

import copy

from models.compression.training import linears, mlp, train


def prune_unstructured(teacher, amount: float, X, y, finetune_epochs: int, seed: int):
    """Zero the ``amount`` smallest-|w| weights of every Linear layer, fine-tune with the mask on.

    Returns (fine-tuned pruned model, pruned model before fine-tuning)."""
    import torch
    import torch.nn.utils.prune as prune

    model = copy.deepcopy(teacher)
    for lin in linears(model):
        prune.l1_unstructured(lin, name="weight", amount=amount)
    before = copy.deepcopy(teacher)
    with torch.no_grad():  # the pruned weights before any fine-tuning, for the "before" accuracy
        for lb, lm in zip(linears(before), linears(model)):
            lb.weight.copy_(lm.weight)
    if finetune_epochs:
        train(model, X, y, finetune_epochs, seed + 101, lr=1e-3)  # the mask stays applied
    for lin in linears(model):
        prune.remove(lin, "weight")  # make the zeros permanent (drops weight_orig and the mask)
    return model, before


def shrink_to_live_neurons(model):
    """A smaller MLP holding only the hidden neurons with a non-zero incoming weight row, and
    the matching columns of the next layer: the same function, fewer bytes and FLOPs."""
    import torch

    lins = linears(model)
    sizes = [lins[0].in_features]
    keep_prev = torch.arange(lins[0].in_features)
    new_w = []
    for i, lin in enumerate(lins):
        W, b = lin.weight.detach()[:, keep_prev], lin.bias.detach()  # W: (out, kept inputs)
        if i < len(lins) - 1:
            keep = torch.nonzero(W.abs().sum(1) > 0).flatten()
            if len(keep) == 0:
                keep = torch.tensor([0])
            W, b = W[keep], b[keep]
            keep_prev = keep
        sizes.append(W.shape[0])
        new_w.append((W, b))
    small = mlp(sizes)
    with torch.no_grad():
        for lin, (W, b) in zip(linears(small), new_w):
            lin.weight.copy_(W)
            lin.bias.copy_(b)
    return small.eval()


def prune_structured(teacher, amount: float, X, y, finetune_epochs: int, seed: int):
    """Remove the ``amount`` share of hidden neurons with the smallest L2 norm, slice the layers,
    then fine-tune the smaller model.

    Returns (fine-tuned small model, small model before fine-tuning)."""
    import torch
    import torch.nn.utils.prune as prune

    model = copy.deepcopy(teacher)
    for lin in linears(model)[:-1]:  # the output layer keeps its 10 classes
        prune.ln_structured(lin, name="weight", amount=amount, n=2, dim=0)
        prune.remove(lin, "weight")
        with torch.no_grad():  # a removed neuron must not pass its bias through the ReLU either
            lin.bias[lin.weight.abs().sum(1) == 0] = 0.0
    before = shrink_to_live_neurons(model)
    small = shrink_to_live_neurons(model)
    if finetune_epochs:
        train(small, X, y, finetune_epochs, seed + 202, lr=1e-3)
    return small, before
