"""Helpers that now serve several callers (dedupe, session 6): each case runs through every caller, so a bug in
the shared code shows in all of them (optim `_gather`, distributions `_params` / `_half`, nn pooling bases)."""
import math
import types

import numpy as np
import pytest

import rtorch
import rtorch.distributions as D
import rtorch.nn as nn
from rtorch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli


# ---- Optimizer._gather: Adam, Adamax, RAdam, Adadelta, Adagrad
GATHERED = [(rtorch.optim.Adam, {}, ("exp_avg", "exp_avg_sq")),
            (rtorch.optim.Adam, {"amsgrad": True}, ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")),
            (rtorch.optim.Adamax, {}, ("exp_avg", "exp_inf")),
            (rtorch.optim.RAdam, {}, ("exp_avg", "exp_avg_sq")),
            (rtorch.optim.Adadelta, {}, ("square_avg", "acc_delta")),
            (rtorch.optim.Adagrad, {"initial_accumulator_value": 0.25}, ("sum",))]


@pytest.mark.parametrize("cls,kw,buffers", GATHERED, ids=lambda v: getattr(v, "__name__", str(v)))
def test_gather_skips_gradless_params_and_makes_state_in_order(cls, kw, buffers):
    a, b, c = (rtorch.ones(3, requires_grad=True) for _ in range(3))
    opt = cls([a, b, c], lr=0.1, **kw)
    (a * 2).sum().backward()
    (c * 3).sum().backward()
    opt.step()
    assert list(opt.state[a]) == ["step", *buffers] and list(opt.state[c]) == ["step", *buffers]
    assert b not in opt.state or not opt.state[b] or cls is rtorch.optim.Adagrad  # Adagrad makes state in __init__
    assert float(opt.state[a]["step"]) == 1.0 and opt.state[a]["step"].dtype == rtorch.float32
    np.testing.assert_array_equal(b.detach().numpy(), np.ones(3))  # no gradient: untouched
    assert not np.allclose(a.detach().numpy(), 1.0) and not np.allclose(c.detach().numpy(), 1.0)
    if cls is rtorch.optim.Adagrad:
        np.testing.assert_allclose(opt.state[a]["sum"].numpy(), 0.25 + 4.0)  # filled, then grad^2 added


def test_gather_with_no_gradients_is_a_no_op():
    p = rtorch.ones(2, requires_grad=True)
    opt = rtorch.optim.Adamax([p])
    opt.step()
    assert not opt.state[p]


@pytest.mark.parametrize("cls,name", [(rtorch.optim.Adamax, "Adamax"), (rtorch.optim.RAdam, "RAdam")])
def test_gather_refuses_sparse_gradients_by_name(cls, name):
    # (a dense tensor's .grad cannot hold a sparse one in rtorch: a stand-in parameter carries it)
    opt = cls([rtorch.zeros(2, requires_grad=True)])
    sparse = types.SimpleNamespace(grad=rtorch.sparse_coo_tensor(rtorch.tensor([[1]]), rtorch.ones(1), (2,)))
    with pytest.raises(RuntimeError, match=f"{name} does not support sparse gradients"):
        opt._update_group({**opt.param_groups[0], "params": [sparse]})


# ---- distributions/_params.py: count_and_probs_or_logits, BinaryProbsLogits, _expand_params' _param
@pytest.mark.parametrize("cls", [D.Binomial, D.NegativeBinomial])
def test_count_and_probs_or_logits(cls):
    d = cls(rtorch.tensor([3, 4]), logits=rtorch.tensor([[0.0], [1.0]], dtype=rtorch.float64))
    assert d.total_count.dtype == rtorch.float64 and d.total_count.shape == (2, 2)  # broadcast, count retyped
    assert d.batch_shape == (2, 2) and d.param_shape == (2, 2) and "probs" not in vars(d)
    np.testing.assert_allclose(d.probs.numpy(), 1 / (1 + np.exp(-np.array([[0.0, 0.0], [1.0, 1.0]]))))
    assert cls(2, probs=rtorch.tensor(0.25)).logits.item() == pytest.approx(math.log(0.25 / 0.75))
    for args in ({}, {"probs": rtorch.tensor(0.5), "logits": rtorch.tensor(0.0)}):
        with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
            cls(2, **args)


BINARY = [lambda **kw: D.Bernoulli(**kw), lambda **kw: D.Binomial(3, **kw), lambda **kw: D.NegativeBinomial(3, **kw),
          lambda **kw: LogitRelaxedBernoulli(rtorch.tensor(0.5), **kw),
          lambda **kw: D.ContinuousBernoulli(**kw), lambda **kw: D.Categorical(**kw)]


@pytest.mark.parametrize("make", BINARY, ids=["Bernoulli", "Binomial", "NegativeBinomial", "LogitRelaxedBernoulli",
                                              "ContinuousBernoulli", "Categorical"])
@pytest.mark.parametrize("given", ["probs", "logits"])
def test_expand_keeps_the_given_parameter(make, given):
    value = rtorch.tensor([0.2, 0.7]) if given == "probs" else rtorch.tensor([-1.0, 0.5])
    d = make(**{given: value})
    e = d.expand((3, *d.batch_shape))
    assert e._param is vars(e)[given] and e.param_shape == (3, 2)
    other = "logits" if given == "probs" else "probs"
    np.testing.assert_allclose(getattr(e, other).numpy(), np.broadcast_to(getattr(d, other).numpy(), (3, 2)),
                               rtol=1e-6)


# ---- distributions/_half.py: HalfNormal, HalfCauchy
@pytest.mark.parametrize("cls,base", [(D.HalfNormal, D.Normal), (D.HalfCauchy, D.Cauchy)])
def test_half_distributions_fold_their_base(cls, base):
    scale = rtorch.tensor([0.5, 2.0], dtype=rtorch.float64)
    h, b = cls(scale), base(0.0, scale)
    x = rtorch.tensor([0.3, 1.7], dtype=rtorch.float64)
    np.testing.assert_allclose(h.log_prob(x).numpy(), b.log_prob(x).numpy() + math.log(2))
    np.testing.assert_allclose(h.cdf(x).numpy(), 2 * b.cdf(x).numpy() - 1)
    np.testing.assert_allclose(h.icdf(h.cdf(x)).numpy(), x.numpy(), rtol=1e-9)
    np.testing.assert_allclose(h.entropy().numpy(), b.entropy().numpy() - math.log(2))
    assert cls(scale, validate_args=False).log_prob(rtorch.tensor([-0.5, 1.0], dtype=rtorch.float64))[0] == -math.inf
    assert h.scale is h.base_dist.scale and rtorch.equal(h.mode, rtorch.zeros(2, dtype=rtorch.float64))
    e = h.expand((3, 2))
    assert type(e) is cls and e.batch_shape == (3, 2)


def test_half_cauchy_takes_a_python_number_as_pytorch_does():
    assert D.HalfCauchy(rtorch.tensor(1.0)).log_prob(1.0).item() == pytest.approx(math.log(2 / (2 * math.pi)))


# ---- nn.modules.pooling: AvgPool2d/3d through _AvgPoolDivisorNd
@pytest.mark.parametrize("cls,shape", [(nn.AvgPool2d, (1, 1, 4, 4)), (nn.AvgPool3d, (1, 1, 4, 4, 4))])
def test_avg_pool_divisor_override(cls, shape):
    x = rtorch.ones(*shape)
    m = cls(2, divisor_override=2)
    assert m.stride == 2 and m.divisor_override == 2
    window = 2 ** (len(shape) - 2)
    np.testing.assert_allclose(m(x).numpy(), np.full(m(x).shape, window / 2))
    np.testing.assert_allclose(cls(2, stride=1)(x).numpy(), 1.0)
