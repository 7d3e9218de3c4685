"""Transforms: values, inverses, log-abs-det-Jacobians and shapes recorded from PyTorch; round trips and
log-det-Jacobians against numeric Jacobians (float64 finite differences); caching; biject_to / transform_to."""
import numpy as np
import pytest

import rtorch
from dist_cases import t
from torch_ref import TorchError, catch, torch_ref

X = [[-1.5, -0.2, 0.3], [0.8, 1.7, 2.5]]  # unconstrained inputs, shape (2, 3)
POS = [[0.5, 1.2, 3.0], [0.1, 2.2, 0.7]]
UNIT = [[0.1, 0.5, 0.9], [0.3, 0.7, 0.05]]

# name -> (builder(L), input, whether the map is invertible for the round trip)
TRANSFORMS = {
    "Exp": (lambda L: L.distributions.ExpTransform(), X, True),
    "Power": (lambda L: L.distributions.PowerTransform(t(L, 2.5)), POS, True),
    "Power_neg": (lambda L: L.distributions.PowerTransform(t(L, [-1.0, 0.5, 3.0])), POS, True),
    "Sigmoid": (lambda L: L.distributions.SigmoidTransform(), X, True),
    "Softplus": (lambda L: L.distributions.SoftplusTransform(), X, True),
    "Tanh": (lambda L: L.distributions.TanhTransform(), X, True),
    "Abs": (lambda L: L.distributions.AbsTransform(), X, False),
    "Affine": (lambda L: L.distributions.AffineTransform(t(L, 0.5), t(L, [-2.0, 1.0, 3.0])), X, True),
    "Affine_scalar": (lambda L: L.distributions.AffineTransform(1.0, -3.0), X, True),
    "Affine_event": (lambda L: L.distributions.AffineTransform(t(L, 0.5), t(L, [2.0, 1.0, 3.0]), event_dim=1), X, True),
    "StickBreaking": (lambda L: L.distributions.StickBreakingTransform(), X, True),
    "Softmax": (lambda L: L.distributions.SoftmaxTransform(), X, False),
    "CorrCholesky": (lambda L: L.distributions.CorrCholeskyTransform(), X, True),
    # these two drop the upper triangle: no round trip for a full input
    "LowerCholesky": (lambda L: L.distributions.LowerCholeskyTransform(), [[1.0, 2.0], [-0.5, 0.3]], False),
    "PositiveDefinite": (lambda L: L.distributions.PositiveDefiniteTransform(), [[0.2, 5.0], [-0.5, 0.3]], False),
    "Reshape": (lambda L: L.distributions.ReshapeTransform((3,), (3, 1)), X, True),
    "Independent": (lambda L: L.distributions.IndependentTransform(L.distributions.ExpTransform(), 1), X, True),
    "Compose": (lambda L: L.distributions.ComposeTransform([L.distributions.AffineTransform(0.0, 2.0),
                                                            L.distributions.SigmoidTransform(),
                                                            L.distributions.PowerTransform(t(L, 2.0))]), X, True),
    "Compose_event": (lambda L: L.distributions.ComposeTransform([L.distributions.ExpTransform(),
                                                                  L.distributions.StickBreakingTransform()]), X, True),
    "Inverse_sigmoid": (lambda L: L.distributions.SigmoidTransform().inv, UNIT, True),
    "Cat": (lambda L: L.distributions.CatTransform([L.distributions.ExpTransform(),
                                                    L.distributions.AffineTransform(1.0, 2.0)], dim=1, lengths=[2, 1]),
            X, True),
    "Stack": (lambda L: L.distributions.StackTransform([L.distributions.ExpTransform(),
                                                        L.distributions.TanhTransform()], dim=0), X, True),
    "CDF": (lambda L: L.distributions.CumulativeDistributionTransform(L.distributions.Normal(t(L, 0.5), t(L, 2.0))),
            X, True),
    "Identity": (lambda L: L.distributions.identity_transform, X, True),
}


def _plain(r):
    if isinstance(r, TorchError):
        return TorchError(r.type, "")
    if hasattr(r, "detach"):
        return r.detach().numpy()
    if isinstance(r, (tuple, list)) and not isinstance(r, str):
        return tuple(int(v) for v in r)
    return r


def summary(L, name):
    build, x, _ = TRANSFORMS[name]
    tr = build(L)
    x = t(L, x)
    y = tr(x)
    out = {"y": _plain(y), "inv": _plain(catch(lambda: tr.inv(y))),
           "ladj": _plain(catch(tr.log_abs_det_jacobian, x, y)),
           "forward_shape": _plain(catch(tr.forward_shape, tuple(x.shape))),
           "inverse_shape": _plain(catch(tr.inverse_shape, tuple(y.shape))),
           "bijective": bool(tr.bijective), "domain_event_dim": tr.domain.event_dim,
           "codomain_event_dim": tr.codomain.event_dim, "sign": _plain(catch(lambda: tr.sign)),
           "in_codomain": _plain(catch(lambda: tr.codomain.check(y)))}
    s = out["sign"]
    if isinstance(s, np.ndarray) or isinstance(s, (int, float)):
        out["sign"] = np.asarray(s, dtype=np.float64)
    return out


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_matches_torch(name):
    ref = torch_ref(lambda torch: summary(torch, name))
    ours = summary(rtorch, name)
    for key in ref:
        r, o = ref[key], ours[key]
        if isinstance(r, TorchError):
            assert isinstance(o, TorchError) and o.type == r.type, (key, o, r)
        elif isinstance(r, np.ndarray):
            assert not isinstance(o, TorchError), (key, o)
            np.testing.assert_allclose(np.asarray(o, dtype=np.float64), r.astype(np.float64), rtol=1e-9, atol=1e-12,
                                       err_msg=f"{name}.{key}")
        else:
            assert o == r, (key, o, r)


def _numeric_jacobian(f, x, eps=1e-6):
    x = x.copy()
    y0 = f(x)
    J = np.zeros((y0.size, x.size))
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = eps
        J[:, i] = (f(x + d) - f(x - d)).ravel() / (2 * eps)
    return J


# (transform, input vector, how the output is read as a vector of the input's dimension)
JACOBIAN_CASES = {
    "Exp": (lambda: rtorch.distributions.ExpTransform(), [0.3], lambda y: y),
    "Sigmoid": (lambda: rtorch.distributions.SigmoidTransform(), [-0.7], lambda y: y),
    "Tanh": (lambda: rtorch.distributions.TanhTransform(), [1.3], lambda y: y),
    "Softplus": (lambda: rtorch.distributions.SoftplusTransform(), [-2.0], lambda y: y),
    "Power": (lambda: rtorch.distributions.PowerTransform(rtorch.tensor(1.7, dtype=rtorch.float64)), [0.6], lambda y: y),
    "Affine": (lambda: rtorch.distributions.AffineTransform(1.0, -2.5), [0.4], lambda y: y),
    "StickBreaking": (lambda: rtorch.distributions.StickBreakingTransform(), [0.3, -1.2, 0.8], lambda y: y[:-1]),
    "CorrCholesky": (lambda: rtorch.distributions.CorrCholeskyTransform(), [0.3, -1.2, 0.8],
                     lambda y: y[np.tril_indices(3, -1)]),
    "Compose": (lambda: rtorch.distributions.ComposeTransform([rtorch.distributions.AffineTransform(0.5, 2.0),
                                                               rtorch.distributions.TanhTransform()]), [0.2],
                lambda y: y),
}


@pytest.mark.parametrize("name", sorted(JACOBIAN_CASES))
def test_log_abs_det_jacobian_matches_numeric_jacobian(name):
    build, x0, read = JACOBIAN_CASES[name]
    tr = build()
    x = np.array(x0, dtype=np.float64)
    f = lambda v: read(tr(rtorch.tensor(v)).numpy())  # noqa: E731
    J = _numeric_jacobian(f, x)
    xt = rtorch.tensor(x)
    ladj = tr.log_abs_det_jacobian(xt, tr(xt)).numpy().sum()
    np.testing.assert_allclose(ladj, np.log(abs(np.linalg.det(J))), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(n for n, c in TRANSFORMS.items() if c[2]))
def test_round_trip(name):
    build, x, _ = TRANSFORMS[name]
    tr = build(rtorch)
    xt = t(rtorch, x)
    back = tr.inv(tr(xt))
    np.testing.assert_allclose(back.numpy(), np.asarray(x), rtol=1e-7, atol=1e-9)


def test_cache_returns_the_same_objects():
    D = rtorch.distributions
    tr = D.ExpTransform(cache_size=1)
    x = rtorch.tensor([0.0, 1.0])
    y = tr(x)
    assert tr(x) is y and tr.inv(y) is x
    uncached = D.ExpTransform()
    assert uncached.with_cache(1)._cache_size == 1 and uncached.with_cache(0) is uncached
    # a cached Tanh inverts exactly where atanh would overflow
    th = D.TanhTransform(cache_size=1)
    big = rtorch.tensor([30.0], dtype=rtorch.float64)
    assert th.inv(th(big)) is big
    assert D.TanhTransform().inv(D.TanhTransform()(big)).isinf().all()
    comp = D.ComposeTransform([D.ExpTransform(), D.AffineTransform(1.0, 2.0)], cache_size=1)
    assert comp.inv(comp(x)) is x
    with pytest.raises(NotImplementedError):
        D.Transform().log_abs_det_jacobian(x, x)
    cdf = D.CumulativeDistributionTransform(D.Normal(0.0, 1.0)).with_cache(1)
    assert cdf._cache_size == 1 and cdf.inv.with_cache(0)._cache_size == 0


def test_inverse_and_equality():
    D = rtorch.distributions
    e = D.ExpTransform()
    assert e.inv.inv is e and e.inv == D.ExpTransform().inv and e == D.ExpTransform() and e != D.SigmoidTransform()
    assert D.AffineTransform(1.0, 2.0) == D.AffineTransform(1.0, 2.0) != D.AffineTransform(1.0, 3.0)
    assert repr(e.inv) == "_InverseTransform(ExpTransform())"
    c = D.ComposeTransform([e, D.AffineTransform(0.0, 2.0)])
    assert c.inv.inv is c and "ComposeTransform(" in repr(c)
    with pytest.raises(ValueError):
        D.ExpTransform(cache_size=3)


CONSTRAINTS = {
    "real": lambda C: C.real, "positive": lambda C: C.positive, "nonnegative": lambda C: C.nonnegative,
    "greater_than": lambda C: C.greater_than(2.0), "less_than": lambda C: C.less_than(-1.0),
    "unit_interval": lambda C: C.unit_interval, "interval": lambda C: C.interval(-2.0, 5.0),
    "half_open": lambda C: C.half_open_interval(0.0, 3.0), "simplex": lambda C: C.simplex,
    "real_vector": lambda C: C.real_vector, "independent_positive": lambda C: C.independent(C.positive, 1),
    "lower_cholesky": lambda C: C.lower_cholesky, "positive_definite": lambda C: C.positive_definite,
    "corr_cholesky": lambda C: C.corr_cholesky, "cat": lambda C: C.cat([C.positive, C.real], 1, [2, 1]),
    "stack": lambda C: C.stack([C.positive, C.unit_interval, C.real], 1), "boolean": lambda C: C.boolean,
}


def _registry_summary(L, name, which):
    C = L.distributions.constraints
    reg = getattr(L.distributions, which)
    c = CONSTRAINTS[name](C)
    tr = catch(reg, c)
    if isinstance(tr, TorchError):
        return TorchError(tr.type, "")
    x = t(L, X) if name not in ("lower_cholesky", "positive_definite") else t(L, [[0.3, 0.1], [-0.4, 0.2]])
    y = tr(x)
    return {"y": y.numpy(), "check": c.check(y).numpy(), "ladj": _plain(catch(tr.log_abs_det_jacobian, x, y))}


@pytest.mark.parametrize("which", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_constraint_registry_matches_torch(name, which):
    ref = torch_ref(lambda torch: _registry_summary(torch, name, which))
    ours = _registry_summary(rtorch, name, which)
    if isinstance(ref, TorchError):
        assert isinstance(ours, TorchError) and ours.type == ref.type
        return
    assert bool(np.all(ours["check"])) and np.array_equal(ours["check"], ref["check"])
    np.testing.assert_allclose(ours["y"], ref["y"], rtol=1e-9, atol=1e-12)
    if isinstance(ref["ladj"], TorchError):
        assert isinstance(ours["ladj"], TorchError)
    else:
        np.testing.assert_allclose(ours["ladj"], ref["ladj"], rtol=1e-9, atol=1e-12)


def test_transformed_distribution_log_prob_matches_change_of_variables():
    # Y = exp(2 X + 1) with X ~ N(0, 1): log p_Y(y) = log p_X(x) - log|dy/dx|
    D = rtorch.distributions
    d = D.TransformedDistribution(D.Normal(0.0, 1.0), [D.AffineTransform(1.0, 2.0), D.ExpTransform()])
    y = rtorch.tensor([0.5, 3.0])
    x = (y.log() - 1) / 2
    expected = D.Normal(0.0, 1.0).log_prob(x) - (2 * x + 1) - np.log(2.0)
    np.testing.assert_allclose(d.log_prob(y).numpy(), expected.numpy(), rtol=1e-6)
    assert d.sample((4,)).shape == (4,) and bool((d.sample((100,)) > 0).all())
