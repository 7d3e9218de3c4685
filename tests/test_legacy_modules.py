"""CrossMapLRN2d (Lua Torch's channel LRN with its own backward) and LinearCrossEntropyLoss, against PyTorch."""
import numpy as np
import pytest

import rtorch
from helpers import assert_close
from torch_ref import catch, torch_ref


@pytest.mark.parametrize("size", [2, 3, 4, 5, 8])
def test_cross_map_lrn2d_forward_and_backward_match_torch(size):
    rng = np.random.default_rng(size)
    x = rng.standard_normal((2, 6, 3, 2))
    g = rng.standard_normal((2, 6, 3, 2))

    def torch_side(torch):
        t = torch.tensor(x, requires_grad=True)
        y = torch.nn.CrossMapLRN2d(size, alpha=0.3, beta=0.6, k=1.5)(t)
        y.backward(torch.tensor(g))
        return y, t.grad

    ref_y, ref_g = torch_ref(torch_side)
    t = rtorch.tensor(x, requires_grad=True)
    y = rtorch.nn.CrossMapLRN2d(size, alpha=0.3, beta=0.6, k=1.5)(t)
    y.backward(rtorch.tensor(g))
    assert_close(y, ref_y, rtol=1e-12, atol=1e-12)
    assert_close(t.grad, ref_g, rtol=1e-12, atol=1e-12)


def test_cross_map_lrn2d_few_channels_and_errors():
    x = np.random.default_rng(0).standard_normal((1, 2, 2, 2)).astype(np.float32)
    ref = torch_ref(lambda torch: torch.nn.CrossMapLRN2d(5)(torch.tensor(x)))
    assert_close(rtorch.nn.CrossMapLRN2d(5)(rtorch.tensor(x)), ref, rtol=1e-6, atol=1e-6)
    err = torch_ref(lambda torch: catch(torch.nn.CrossMapLRN2d(3), torch.zeros(2, 3, 4)))
    with pytest.raises(ValueError) as e:
        rtorch.nn.CrossMapLRN2d(3)(rtorch.zeros(2, 3, 4))
    assert (type(e.value).__name__, str(e.value)) == (err.type, err.message)
    assert repr(rtorch.nn.CrossMapLRN2d(3)) == torch_ref(lambda torch: repr(torch.nn.CrossMapLRN2d(3)))


@pytest.mark.parametrize("bias,out_features,reduction", [(False, (), "mean"), (True, (), "sum"),
                                                          (True, (3,), "none")])
def test_linear_cross_entropy_loss_matches_torch(bias, out_features, reduction):
    rng = np.random.default_rng(1)
    n, d, c = 4, 6, 5
    x = rng.standard_normal((n, d))
    w = rng.standard_normal((c * int(np.prod(out_features, dtype=np.int64)), d))
    b = rng.standard_normal(w.shape[0])
    target = rng.integers(0, c, (n, *out_features))
    target[0] = -100 if reduction != "none" else target[0]

    def run(torch):
        m = torch.nn.LinearCrossEntropyLoss(d, c, out_features=out_features, bias=bias, dtype=torch.float64,
                                            reduction=reduction, label_smoothing=0.1)
        with torch.no_grad():
            m.linear.weight.copy_(torch.tensor(w))
            if bias:
                m.linear.bias.copy_(torch.tensor(b))
        xt = torch.tensor(x, requires_grad=True)
        loss = m(xt, torch.tensor(target))
        loss.sum().backward()
        return loss, xt.grad, m.linear.weight.grad

    ref = torch_ref(run)
    got = run(rtorch)
    for a, r in zip(got, ref):
        assert_close(a, r, rtol=1e-10, atol=1e-12)


def test_linear_cross_entropy_loss_checks_and_repr():
    with pytest.raises(RuntimeError, match=r"expected weight shape to be \(5,\), got \(4,\)"):
        rtorch.nn.LinearCrossEntropyLoss(3, 5, weight=rtorch.ones(4))
    with pytest.raises(RuntimeError, match=r"expected label_smoothing to be in range \[0, 1\], got 1.5"):
        rtorch.nn.LinearCrossEntropyLoss(3, 5, label_smoothing=1.5)
    assert repr(rtorch.nn.LinearCrossEntropyLoss(3, 5, bias=True)) == torch_ref(
        lambda torch: repr(torch.nn.LinearCrossEntropyLoss(3, 5, bias=True)))
