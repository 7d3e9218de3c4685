"""rtorch.utils.checkpoint (checkpoint, checkpoint_sequential): the same values and gradients as plain autograd."""
import warnings

import numpy as np
import pytest

import rtorch
from rtorch import nn
from rtorch.utils.checkpoint import checkpoint, checkpoint_sequential


def _block():
    rtorch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 3))


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_gives_plain_gradients_with_dropout(reentrant):
    x0 = np.random.default_rng(1).standard_normal((4, 5))
    ref_model, model = _block(), _block()
    x_ref = rtorch.tensor(x0, dtype=rtorch.float32, requires_grad=True)
    x = rtorch.tensor(x0, dtype=rtorch.float32, requires_grad=True)
    rtorch.manual_seed(5)
    ref_model(x_ref).pow(2).sum().backward()
    rtorch.manual_seed(5)
    out = checkpoint(model, x, use_reentrant=reentrant)
    rtorch.rand(3)  # draws between forward and backward must not change the recomputed dropout mask
    out.pow(2).sum().backward()
    assert rtorch.allclose(x.grad, x_ref.grad, atol=1e-6)
    for p, q in zip(model.parameters(), ref_model.parameters()):
        assert rtorch.allclose(p.grad, q.grad, atol=1e-6)


def test_reentrant_checkpoint_recomputes_in_backward():
    calls = []

    def f(a, scale):
        calls.append(rtorch.is_grad_enabled())
        return (a * scale).sin()

    a = rtorch.tensor([0.1, 0.2, 0.3], dtype=rtorch.float64, requires_grad=True)
    y = checkpoint(f, a, 2.0, use_reentrant=True)
    assert calls == [False] and y.requires_grad
    y.sum().backward()
    assert calls == [False, True]  # run again, with a graph, during backward
    assert rtorch.allclose(a.grad, 2.0 * (2.0 * a.detach()).cos())


def test_checkpoint_requires_grad_rules_and_warnings():
    lin = nn.Linear(3, 2)
    x = rtorch.ones(2, 3)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        y = checkpoint(lin, x)  # PyTorch: reentrant by default, two warnings, output without grad
    msgs = [str(m.message) for m in w]
    assert any("use_reentrant parameter should be passed explicitly" in m for m in msgs)
    assert any("None of the inputs have requires_grad=True" in m for m in msgs)
    assert not y.requires_grad
    assert checkpoint(lin, x, use_reentrant=False).requires_grad  # parameters count in this mode
    with pytest.raises(ValueError, match="Unexpected keyword arguments"):
        checkpoint(lin, x, use_reentrant=True, foo=1)
    with pytest.raises(ValueError, match="determinism_check"):
        checkpoint(lin, x, use_reentrant=False, determinism_check="x")


def test_checkpoint_sequential_matches_the_model():
    model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(5)], nn.Tanh())
    x = rtorch.randn(3, 4, requires_grad=True)
    want = model(x)
    want.sum().backward()
    gx, gw = x.grad.clone(), model[0].weight.grad.clone()
    x.grad = None
    model.zero_grad()
    out = checkpoint_sequential(model, 3, x, use_reentrant=True)
    assert rtorch.allclose(out, want)
    out.sum().backward()
    assert rtorch.allclose(x.grad, gx, atol=1e-6) and rtorch.allclose(model[0].weight.grad, gw, atol=1e-6)
    with pytest.raises(ValueError, match="segments"):
        checkpoint_sequential(model, 0, x, use_reentrant=True)
