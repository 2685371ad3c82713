"""Adam / AdamW / SGD updates for the tiny demo models, without ``torch.optim``.

Why: in torch 2.13 every ``torch.optim`` optimizer's ``step()`` runs through
``torch.optim.optimizer._use_grad_for_differentiable``, which does ``import torch._dynamo`` on the
first call even in eager mode (and ``zero_grad`` is wrapped in ``torch._disable_dynamo``, which
imports it too). That import costs about 1.5 CPU-seconds: a third of a demo's 5 s cold-start
budget (issue 15; bench/demo_cold_start.py). These classes perform the same arithmetic as
torch's single-tensor CPU path (``torch.optim.adam._single_tensor_adam`` and
``torch.optim.sgd._single_tensor_sgd``, the path torch picks for CPU tensors: foreach and fused
default to off there), operation for operation, so a seeded run gives the same weights.
tests/models/test_optim.py checks that against ``torch.optim`` step by step.
Only the options the demos use are supported (no amsgrad, no momentum, no maximize).
"""

from __future__ import annotations


class _Optimizer:
    def __init__(self, params, lr: float):
        self.params = [p for p in params if p.requires_grad]
        self.lr = float(lr)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.detach_().zero_()


class SGD(_Optimizer):
    """Plain SGD (no momentum): p -= lr * (grad + weight_decay * p)."""

    def __init__(self, params, lr: float, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.weight_decay = float(weight_decay)

    def step(self) -> None:
        import torch

        with torch.no_grad():
            for p in self.params:
                if p.grad is None:
                    continue
                grad = p.grad if self.weight_decay == 0 else p.grad.add(p, alpha=self.weight_decay)
                p.add_(grad, alpha=-self.lr)


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient, as ``torch.optim.Adam``."""

    decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.beta1, self.beta2 = float(betas[0]), float(betas[1])
        self.eps, self.weight_decay = float(eps), float(weight_decay)
        self.state: dict[int, dict] = {}

    def step(self) -> None:
        import torch

        with torch.no_grad():
            live = [p for p in self.params if p.grad is not None]
            steps = {self.state[id(p)]["step"] if id(p) in self.state else 0 for p in live}
            if len(live) > 1 and len(steps) == 1:
                self._update_all(torch, live)       # the usual case: every parameter at one step
            else:
                for p in live:
                    self._update(torch, p)

    def _update_all(self, torch, params: list) -> None:
        """The same operations as :meth:`_update`, each applied to every parameter in one
        ``torch._foreach_*`` call: elementwise, so bit-identical, without a Python pass per tensor
        (a fifth of the NLP demo's 200 training steps went there; bench/demo_cold_start.py)."""
        states = []
        for p in params:
            st = self.state.get(id(p))
            if st is None:
                st = self.state[id(p)] = {"step": 0,
                                          "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                                          "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
            st["step"] += 1
            states.append(st)
        grads = [p.grad for p in params]
        if self.weight_decay != 0:
            if self.decoupled:
                torch._foreach_mul_(params, 1 - self.lr * self.weight_decay)
            else:
                grads = torch._foreach_add(grads, params, alpha=self.weight_decay)
        exp_avgs = [st["exp_avg"] for st in states]
        exp_avg_sqs = [st["exp_avg_sq"] for st in states]
        torch._foreach_lerp_(exp_avgs, grads, 1 - self.beta1)
        torch._foreach_mul_(exp_avg_sqs, self.beta2)
        torch._foreach_addcmul_(exp_avg_sqs, grads, grads, value=1 - self.beta2)
        step = float(states[0]["step"])
        step_size = self.lr / (1 - self.beta1 ** step)
        bias_correction2_sqrt = (1 - self.beta2 ** step) ** 0.5
        denom = torch._foreach_sqrt(exp_avg_sqs)
        torch._foreach_div_(denom, bias_correction2_sqrt)
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(params, exp_avgs, denom, value=-step_size)

    def _update(self, torch, p) -> None:
        st = self.state.get(id(p))
        if st is None:
            st = {"step": 0, "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                  "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
            self.state[id(p)] = st
        st["step"] += 1
        grad = p.grad
        if self.weight_decay != 0:
            if self.decoupled:
                p.mul_(1 - self.lr * self.weight_decay)
            else:
                grad = grad.add(p, alpha=self.weight_decay)
        st["exp_avg"].lerp_(grad, 1 - self.beta1)
        st["exp_avg_sq"].mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
        # torch keeps the step count as a float32 tensor and reads it back as a Python float
        step = float(st["step"])
        step_size = self.lr / (1 - self.beta1 ** step)
        bias_correction2_sqrt = (1 - self.beta2 ** step) ** 0.5
        denom = (st["exp_avg_sq"].sqrt() / bias_correction2_sqrt).add_(self.eps)
        p.addcdiv_(st["exp_avg"], denom, value=-step_size)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019): decoupled decay, ``torch.optim.AdamW``'s default 0.01."""

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)


def torch_sgd(params, lr: float):
    """Plain SGD that *is* a ``torch.optim.SGD`` (opacus' ``make_private`` wraps only a
    ``torch.optim`` optimizer) but whose ``add_param_group``, ``step`` and ``zero_grad`` skip
    torch's dynamo wrappers: the DP-SGD demo then runs without importing ``torch._dynamo``
    (0.6 CPU-s of the medical page's cold start, bench/demo_cold_start.py). Same update as
    ``torch.optim.SGD`` without momentum or weight decay: ``p -= lr * grad``."""
    return _plain_torch_sgd()(params, lr=lr)


def _plain_torch_sgd():
    global _PLAIN_TORCH_SGD
    if _PLAIN_TORCH_SGD is None:
        import torch

        class PlainTorchSGD(torch.optim.SGD):
            def add_param_group(self, param_group: dict) -> None:
                params = param_group["params"]
                param_group["params"] = [params] if isinstance(params, torch.Tensor) else list(params)
                for key, value in self.defaults.items():
                    param_group.setdefault(key, value)
                self.param_groups.append(param_group)

            def step(self, closure=None):
                with torch.no_grad():
                    for group in self.param_groups:
                        for p in group["params"]:
                            if p.grad is not None:
                                p.add_(p.grad, alpha=-group["lr"])

            def zero_grad(self, set_to_none: bool = True) -> None:
                for group in self.param_groups:
                    for p in group["params"]:
                        if set_to_none:
                            p.grad = None
                        elif p.grad is not None:      # as torch.optim.Optimizer.zero_grad
                            if p.grad.grad_fn is not None:
                                p.grad.detach_()
                            else:
                                p.grad.requires_grad_(False)
                            p.grad.zero_()

        _PLAIN_TORCH_SGD = PlainTorchSGD
    return _PLAIN_TORCH_SGD


_PLAIN_TORCH_SGD = None
