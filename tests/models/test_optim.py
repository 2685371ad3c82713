"""models/_optim.py replaces torch.optim on the demos' cold path (issue 15): same weights, no dynamo."""

import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

from models import _optim  # noqa: E402


def _train(make_opt, steps: int = 25):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    opt = make_opt(model.parameters())
    x, y = torch.randn(32, 6), torch.randint(0, 3, (32,))
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize("ours, theirs", [
    (lambda ps: _optim.Adam(ps, lr=3e-3), lambda ps: torch.optim.Adam(ps, lr=3e-3)),
    (lambda ps: _optim.Adam(ps, lr=1e-2, weight_decay=1e-3),
     lambda ps: torch.optim.Adam(ps, lr=1e-2, weight_decay=1e-3)),
    (lambda ps: _optim.AdamW(ps, lr=3e-3), lambda ps: torch.optim.AdamW(ps, lr=3e-3)),
    (lambda ps: _optim.SGD(ps, lr=0.1), lambda ps: torch.optim.SGD(ps, lr=0.1)),
])
def test_same_weights_as_torch_optim(ours, theirs):
    for a, b in zip(_train(ours), _train(theirs)):
        assert torch.equal(a, b)


def test_a_step_does_not_import_dynamo():
    code = ("import sys, torch\nfrom models import _optim\nm = torch.nn.Linear(3, 1)\n"
            "o = _optim.Adam(m.parameters())\nm(torch.ones(2, 3)).sum().backward()\no.step(); o.zero_grad()\n"
            "print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
