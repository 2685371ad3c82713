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


def test_the_dp_sgd_optimizer_is_a_torch_sgd_with_the_same_weights():
    opt = _optim.torch_sgd(torch.nn.Linear(3, 1).parameters(), lr=0.1)
    assert isinstance(opt, torch.optim.SGD)            # what opacus' make_private accepts
    for a, b in zip(_train(lambda ps: _optim.torch_sgd(ps, lr=0.1)), _train(lambda ps: torch.optim.SGD(ps, lr=0.1))):
        assert torch.equal(a, b)


def test_the_dp_sgd_demo_runs_without_dynamo_and_matches_torch_optim():
    """The medical page's DP-SGD run (opacus) with the plain SGD: no torch._dynamo import, and the
    same accuracy, noise and epsilon as with torch.optim.SGD (issue 15's cold start)."""
    code = ("import sys, json, torch\nfrom models import medical_privacy as mp\n"
            "if sys.argv[1] == 'torch':\n    mp.torch_sgd = lambda ps, lr: torch.optim.SGD(ps, lr=lr)\n"
            "r = mp.run_dp(mp.DPConfig())\n"
            "print(json.dumps([r.accuracy, r.noise_multiplier, r.epsilon_spent, 'torch._dynamo' in sys.modules]))")
    ours, theirs = (subprocess.run([sys.executable, "-c", code, which], capture_output=True, text=True,
                                   check=True).stdout for which in ("ours", "torch"))
    assert ours.replace("false", "X") == theirs.replace("true", "X")    # same figures; dynamo only with torch's
    assert ours.strip().endswith("false]")
