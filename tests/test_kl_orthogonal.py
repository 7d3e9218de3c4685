"""F.kl_div / nn.KLDivLoss and nn.init.orthogonal_ against NumPy (and PyTorch when installed)."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F

RNG = np.random.default_rng(5)


def np_kl(inp, tgt, reduction, log_target):
    if log_target:
        loss = np.exp(tgt) * (tgt - inp)
    else:
        loss = np.where(tgt > 0, tgt * np.log(np.where(tgt > 0, tgt, 1.0)), 0.0) - tgt * inp
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean(), "batchmean": loss.sum() / inp.shape[0]}[reduction]


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_numpy_and_gradcheck(reduction, log_target):
    logits = RNG.standard_normal((4, 6))
    inp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    tgt = RNG.dirichlet(np.ones(6), size=4)
    tgt[0, 2] = 0.0  # 0 * log 0 counts as 0
    if log_target:
        tgt = np.log(tgt + 1e-3)
    out = F.kl_div(rtorch.tensor(inp), rtorch.tensor(tgt), reduction=reduction, log_target=log_target)
    np.testing.assert_allclose(out.numpy(), np_kl(inp, tgt, reduction, log_target), rtol=1e-12, atol=1e-12)
    x = rtorch.tensor(inp, requires_grad=True)
    assert rtorch.autograd.gradcheck(
        lambda a: F.kl_div(a, rtorch.tensor(tgt), reduction=reduction, log_target=log_target), (x,))
    mod = nn.KLDivLoss(reduction=reduction, log_target=log_target)
    np.testing.assert_allclose(mod(rtorch.tensor(inp), rtorch.tensor(tgt)).numpy(), out.numpy())
    assert not np.isnan(out.numpy()).any()


def test_kl_div_bad_reduction():
    with pytest.raises(ValueError, match="valid value"):
        F.kl_div(rtorch.zeros(2, 2), rtorch.zeros(2, 2), reduction="avg")


def test_kl_div_parity_with_torch():
    torch = pytest.importorskip("torch")
    inp, tgt = RNG.standard_normal((3, 5)), RNG.random((3, 5))
    for red in ("sum", "mean", "batchmean", "none"):
        a = F.kl_div(rtorch.tensor(inp), rtorch.tensor(tgt), reduction=red).numpy()
        b = torch.nn.functional.kl_div(torch.tensor(inp), torch.tensor(tgt), reduction=red).numpy()
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 5), (3, 8), (8, 3), (4, 2, 3)])
def test_orthogonal_init(shape):
    rtorch.manual_seed(0)
    w = rtorch.empty(*shape, dtype=rtorch.float64)
    assert nn.init.orthogonal_(w, gain=2.0) is w
    m = w.numpy().reshape(shape[0], -1)
    rows, cols = m.shape
    gram = m @ m.T if rows <= cols else m.T @ m
    np.testing.assert_allclose(gram, 4.0 * np.eye(min(rows, cols)), atol=1e-10)
    # Different seeds give different matrices; the same seed the same one.
    rtorch.manual_seed(0)
    again = nn.init.orthogonal_(rtorch.empty(*shape, dtype=rtorch.float64), gain=2.0)
    assert rtorch.equal(again, w)
    rtorch.manual_seed(1)
    assert not rtorch.equal(nn.init.orthogonal_(rtorch.empty(*shape, dtype=rtorch.float64), gain=2.0), w)


def test_orthogonal_rejects_1d():
    with pytest.raises(ValueError, match="2 or more"):
        nn.init.orthogonal_(rtorch.empty(4))
