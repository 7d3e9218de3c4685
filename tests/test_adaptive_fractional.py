"""AdaptiveLogSoftmaxWithLoss (outputs, loss, log_prob, predict and gradients against PyTorch with the same
weights; errors) and fractional max pooling 2-D / 3-D (values, indices and gradients against PyTorch with fixed
random samples, output_ratio, modules, errors)."""
import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref


def _asm_side(lib, x, target, weights):
    m = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True).double()
    with lib.no_grad():
        for (name, p), w in zip(sorted(m.named_parameters()), weights):
            p.copy_(lib.tensor(w))
    xt = lib.tensor(x, requires_grad=True)
    out, loss = m(xt, lib.tensor(target))
    loss.backward()
    grads = [p.grad for _, p in sorted(m.named_parameters())]
    return [out.detach(), loss.detach(), xt.grad, m.log_prob(lib.tensor(x)).detach(),
            m.predict(lib.tensor(x)), m(lib.tensor(x[0]), lib.tensor(target[0]))[0].detach()] + grads


def test_adaptive_log_softmax_matches_torch(rng):
    x = rng.standard_normal((6, 8))
    target = np.array([0, 4, 9, 2, 7, 5])
    shapes = [tuple(p.shape) for _, p in sorted(nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0,
                                                                               head_bias=True).named_parameters())]
    weights = [rng.standard_normal(s) * 0.5 for s in shapes]
    ours, ref = _asm_side(rtorch, x, target, weights), torch_ref(lambda t: _asm_side(t, x, target, weights))
    for a, b in zip(ours, ref):
        assert_close(a, b, rtol=1e-9, atol=1e-10)
    assert np.allclose(np.exp(ours[3].numpy()).sum(1), 1.0)


def test_adaptive_log_softmax_errors():
    for expr in ["AdaptiveLogSoftmaxWithLoss(8, 10, [])", "AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])",
                 "AdaptiveLogSoftmaxWithLoss(8, 10, [3, 10])"]:
        ref = torch_ref(lambda torch: catch(lambda: eval("torch.nn." + expr, {"torch": torch})))
        with pytest.raises(ValueError) as info:
            eval("rtorch.nn." + expr, {"rtorch": rtorch})
        assert str(info.value) == ref.message
    m = nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 5\]"):
        m(rtorch.randn(2, 4), rtorch.tensor([1, 6]))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        m(rtorch.randn(2, 4), rtorch.tensor([[1]]))


FRACTIONAL = [(2, (2, 3, 7, 8), dict(kernel_size=2, output_size=(4, 5))),
              (2, (1, 2, 9, 9), dict(kernel_size=(3, 2), output_ratio=(0.5, 0.5))),
              (2, (3, 6, 7), dict(kernel_size=3, output_size=3)),
              (3, (1, 2, 6, 7, 8), dict(kernel_size=2, output_size=(3, 4, 5))),
              (3, (2, 5, 6, 7), dict(kernel_size=(2, 3, 2), output_ratio=(0.5, 0.6, 0.7)))]


@pytest.mark.parametrize("n,shape,kw", FRACTIONAL, ids=[str(f) for f in FRACTIONAL])
def test_fractional_max_pool_matches_torch(n, shape, kw, rng):
    x = rng.standard_normal(shape)
    nb = shape[0] if len(shape) == n + 2 else 1
    samples = rng.uniform(0, 1, (nb, shape[-n - 1], n))
    fn = f"fractional_max_pool{n}d"
    check_parity(rtorch, lambda lib, v, s: getattr(lib.nn.functional, fn)(v, _random_samples=s, **kw), [x, samples])
    check_parity(rtorch, lambda lib, v, s: getattr(lib.nn.functional, fn)(v, return_indices=True,
                                                                          _random_samples=s, **kw)[1].double(),
                 [x, samples], ())
    x32, s32 = x.astype(np.float32), samples.astype(np.float32)
    ref = torch_ref(lambda torch: getattr(torch.nn.functional, fn)(torch.from_numpy(x32), return_indices=True,
                                                                   _random_samples=torch.from_numpy(s32), **kw)[1])
    assert_close(getattr(F, fn)(rtorch.tensor(x32), return_indices=True, _random_samples=rtorch.tensor(s32),
                                **kw)[1], ref)


def test_fractional_modules_and_random_windows(rng):
    rtorch.manual_seed(0)
    m = nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5), return_indices=True)
    x = rtorch.randn(2, 3, 10, 12)
    v, i = m(x)
    assert v.shape == (2, 3, 5, 6)
    assert_close(v, x.reshape(2, 3, -1).gather(2, i.reshape(2, 3, -1)).reshape(2, 3, 5, 6))
    m3 = nn.FractionalMaxPool3d(2, output_size=(2, 3, 3), _random_samples=rtorch.rand(1, 2, 3))
    assert m3(rtorch.randn(1, 2, 4, 5, 6)).shape == (1, 2, 2, 3, 3)
    with pytest.raises(ValueError, match="requires specifying either an output size, or a pooling ratio"):
        nn.FractionalMaxPool2d(2)
    with pytest.raises(ValueError, match="output_ratio must be between 0 and 1"):
        nn.FractionalMaxPool2d(2, output_ratio=1.5)
    with pytest.raises(ValueError, match="requires specifying either an output_size or an output_ratio"):
        F.fractional_max_pool2d(x, 2)
