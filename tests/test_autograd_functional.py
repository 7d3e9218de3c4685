"""rtorch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) against PyTorch's answers.

The cases live in tests/fixtures/autograd_functional_cases.py; PyTorch's results are recorded in
tests/fixtures/autograd_functional.json (so this runs without PyTorch), and compared live when torch is importable.
"""
import builtins
import json
import pathlib
import sys

import numpy as np
import pytest

import rtorch

FIX = pathlib.Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIX))
from autograd_functional_cases import CASES, ERRORS, SETUP, encode  # noqa: E402

RECORDED = json.loads((FIX / "autograd_functional.json").read_text())


def _env(torch_mod):
    env = {"torch": torch_mod, "AF": torch_mod.autograd.functional}
    exec(SETUP, env)
    return env


def _assert_same(got, want, path="result"):
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: nesting differs"
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(g, w, f"{path}[{i}]")
        return
    assert got["shape"] == want["shape"], f"{path}: shape {got['shape']} != {want['shape']}"
    np.testing.assert_allclose(got["values"], want["values"], rtol=1e-12, atol=1e-12, err_msg=path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    got = encode(eval(CASES[name], _env(rtorch)))
    _assert_same(got, RECORDED["results"][name])
    try:
        import torch
    except ImportError:
        return
    _assert_same(got, encode(eval(CASES[name], _env(torch))))


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_pytorch(name):
    cls, msg = RECORDED["errors"][name]
    with pytest.raises(getattr(builtins, cls)) as info:
        eval(ERRORS[name], _env(rtorch))
    assert str(info.value).replace("rtorch.Size", "Size") == msg


def test_create_graph_and_inputs_left_alone():
    x = rtorch.tensor([1.0, 2.0], dtype=rtorch.float64, requires_grad=True)
    AF = rtorch.autograd.functional
    assert not AF.jacobian(lambda a: a ** 3, x).requires_grad
    j = AF.jacobian(lambda a: a ** 3, x, create_graph=True)
    assert j.requires_grad
    j.sum().backward()  # d/dx of sum(diag(3 x^2)) = 6 x reaches the caller's leaf
    assert x.grad.tolist() == [6.0, 12.0]
    out, v = AF.vjp(lambda a: a * 2, x, rtorch.ones(2, dtype=rtorch.float64))
    assert not out.requires_grad and not v.requires_grad and x.grad.tolist() == [6.0, 12.0]


def test_hessian_agrees_with_finite_differences():
    rng = np.random.default_rng(0)
    a0 = rng.standard_normal(4)

    def f(a):
        return (a.sin() * a.roll(1)).sum() + (a ** 2).sum() ** 2

    h = rtorch.autograd.functional.hessian(f, rtorch.tensor(a0))
    assert h.shape == (4, 4) and rtorch.allclose(h, h.t())
    eps = 1e-5

    def grad_at(v):
        t = rtorch.tensor(v, requires_grad=True)
        return rtorch.autograd.grad(f(t), t)[0].numpy()

    num = np.stack([(grad_at(a0 + eps * e) - grad_at(a0 - eps * e)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(h.numpy(), num, rtol=1e-5, atol=1e-6)
