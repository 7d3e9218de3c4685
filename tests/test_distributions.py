"""rtorch.distributions against PyTorch (recorded): log_prob, cdf, icdf, moments, entropy, shapes, supports and
validation errors of every distribution; the Distribution base's machinery (expand, sample shapes, validation)."""
import math

import numpy as np
import pytest

import rtorch
from dist_cases import DISTS, t
from torch_ref import TorchError, catch, torch_ref

PROBS = [0.05, 0.3, 0.5, 0.7, 0.95]


def _value(L, name):
    return t(L, DISTS[name][1])


def _icdf_probs(L, d):
    """Probabilities shaped like the batch, for icdf."""
    n = max(1, math.prod(d.batch_shape))
    p = np.resize(np.array(PROBS), n).reshape(tuple(d.batch_shape))
    return t(L, p)


def _plain(x):
    """Tensors as NumPy arrays, Sizes as tuples."""
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        return x.detach().numpy()
    if isinstance(x, tuple):
        return tuple(x)
    return x


def summary(L, name):
    """Everything a distribution answers for the case: each entry a value or the exception it raised."""
    build, _, has_icdf = DISTS[name]
    d = build(L)
    v = _value(L, name)
    queries = {
        "batch_shape": lambda: tuple(d.batch_shape), "event_shape": lambda: tuple(d.event_shape),
        "log_prob": lambda: d.log_prob(v), "mean": lambda: d.mean, "variance": lambda: d.variance,
        "stddev": lambda: d.stddev, "mode": lambda: d.mode, "entropy": lambda: d.entropy(),
        "cdf": lambda: d.cdf(v), "has_rsample": lambda: bool(d.has_rsample),
        "has_enumerate_support": lambda: bool(d.has_enumerate_support),
        "enumerate_support": lambda: d.enumerate_support(), "enumerate_support_noexpand":
            lambda: d.enumerate_support(expand=False),
        "sample_shape": lambda: tuple(d.sample((2, 3)).shape),
        "expand_shape": lambda: tuple(d.expand((4,) + tuple(d.batch_shape)).batch_shape),
        "expand_log_prob": lambda: d.expand((2,) + tuple(d.batch_shape)).log_prob(v),
        "support_event_dim": lambda: d.support.event_dim, "support_discrete": lambda: d.support.is_discrete,
        "perplexity": lambda: d.perplexity(),
    }
    if has_icdf:
        queries["icdf"] = lambda: d.icdf(_icdf_probs(L, d))
    out = {}
    for key, fn in queries.items():
        r = catch(fn)
        out[key] = TorchError(r.type, "") if isinstance(r, TorchError) else _plain(r)
    return out


@pytest.mark.parametrize("name", sorted(DISTS))
def test_distribution_matches_torch(name):
    ref = torch_ref(lambda torch: summary(torch, name))
    ours = summary(rtorch, name)
    assert set(ours) == set(ref)
    for key in ref:
        r, o = ref[key], ours[key]
        if isinstance(r, TorchError):
            assert isinstance(o, TorchError) and o.type == r.type, (key, o, r)
        elif isinstance(r, np.ndarray):
            assert not isinstance(o, TorchError), (key, o)
            o = np.asarray(o)
            assert o.shape == r.shape, (key, o.shape, r.shape)
            if name == "Kumaraswamy" and key == "mode":  # PyTorch 2.15's formula is NaN everywhere
                continue
            if r.ndim:  # 0-d results come back from the fixture as Python numbers
                assert o.dtype == r.dtype, (key, o.dtype, r.dtype)
            # float64 cases agree to ~1e-7 (lgamma / Bessel functions differ in the last digits)
            tol = 1e-6 if o.dtype == np.float64 else 2e-5
            np.testing.assert_allclose(o, r, rtol=tol, atol=tol, err_msg=f"{name}.{key}")
        else:
            assert o == r, (key, o, r)


def test_kumaraswamy_mode_is_the_density_peak():
    # rtorch computes ((a - 1) / (a b - 1))^(1 / a); check it maximises the density
    d = rtorch.distributions.Kumaraswamy(rtorch.tensor([2.0, 3.0], dtype=rtorch.float64),
                                         rtorch.tensor([3.0, 1.5], dtype=rtorch.float64))
    m = d.mode
    for eps in (1e-3, -1e-3):
        assert bool((d.log_prob(m) > d.log_prob(m + eps)).all())
    assert bool(rtorch.distributions.Kumaraswamy(0.5, 2.0).mode.isnan())


# ------------------------------------------------------------------ validation errors (messages from PyTorch)
ERRORS = {
    "normal_scale": lambda L: L.distributions.Normal(L.tensor([0.0, 1.0]), L.tensor([1.0, -1.0])),
    "normal_value": lambda L: L.distributions.Normal(L.zeros(3), L.ones(3)).log_prob(L.zeros(2)),
    "normal_not_tensor": lambda L: L.distributions.Normal(0.0, 1.0).log_prob(0.5),
    "event_shape": lambda L: L.distributions.Dirichlet(L.ones(3)).log_prob(L.ones(2) / 2),
    "exp_support": lambda L: L.distributions.Exponential(L.tensor([1.0])).log_prob(L.tensor([-1.0])),
    "bernoulli_both": lambda L: L.distributions.Bernoulli(probs=L.tensor(0.5), logits=L.tensor(0.0)),
    "bernoulli_none": lambda L: L.distributions.Bernoulli(),
    "bernoulli_value": lambda L: L.distributions.Bernoulli(L.tensor([0.5])).log_prob(L.tensor([0.5])),
    "categorical_0d": lambda L: L.distributions.Categorical(L.tensor(0.5)),
    "categorical_value": lambda L: L.distributions.Categorical(L.ones(3)).log_prob(L.tensor(3)),
    "uniform_order": lambda L: L.distributions.Uniform(L.tensor([1.0]), L.tensor([0.0])),
    "uniform_support": lambda L: L.distributions.Uniform(L.tensor([0.0]), L.tensor([1.0])).log_prob(L.tensor([1.5])),
    "gamma_conc": lambda L: L.distributions.Gamma(L.tensor([-1.0]), L.tensor([1.0])),
    "beta_value": lambda L: L.distributions.Beta(L.tensor([1.0]), L.tensor([1.0])).log_prob(L.tensor([1.5])),
    "dirichlet_simplex": lambda L: L.distributions.Dirichlet(L.ones(3)).log_prob(L.tensor([0.5, 0.5, 0.5])),
    "dirichlet_0d": lambda L: L.distributions.Dirichlet(L.tensor(1.0)),
    "mvn_loc_0d": lambda L: L.distributions.MultivariateNormal(L.tensor(0.0), L.eye(1)),
    "mvn_two": lambda L: L.distributions.MultivariateNormal(L.zeros(2), L.eye(2), scale_tril=L.eye(2)),
    "mvn_not_pd": lambda L: L.distributions.MultivariateNormal(L.zeros(2), L.tensor([[1.0, 2.0], [2.0, 1.0]])),
    "mvn_1d_cov": lambda L: L.distributions.MultivariateNormal(L.zeros(2), L.ones(2)),
    "independent_ndims": lambda L: L.distributions.Independent(L.distributions.Normal(L.zeros(2), 1.0), 2),
    "binomial_count": lambda L: L.distributions.Binomial(L.tensor([2.5]), L.tensor([0.5])),
    "poisson_value": lambda L: L.distributions.Poisson(L.tensor([1.0])).log_prob(L.tensor([1.5])),
    "geometric_zero": lambda L: L.distributions.Geometric(L.tensor([0.0])),
    "multinomial_count": lambda L: L.distributions.Multinomial(L.tensor(3), L.ones(3)),
    "lowrank_factor": lambda L: L.distributions.LowRankMultivariateNormal(L.zeros(3), L.ones(2, 1), L.ones(3)),
    "lkj_dim": lambda L: L.distributions.LKJCholesky(1),
    "mixture_type": lambda L: L.distributions.MixtureSameFamily(L.distributions.Normal(0.0, 1.0),
                                                                L.distributions.Normal(L.zeros(2), 1.0)),
    "mixture_k": lambda L: L.distributions.MixtureSameFamily(L.distributions.Categorical(L.ones(3)),
                                                             L.distributions.Normal(L.zeros(2), 1.0)),
    "transformed_bad": lambda L: L.distributions.TransformedDistribution(L.distributions.Normal(0.0, 1.0), 3),
    "kl_missing": lambda L: L.distributions.kl_divergence(L.distributions.Cauchy(0.0, 1.0),
                                                          L.distributions.Normal(0.0, 1.0)),
    "cache_size": lambda L: L.distributions.ExpTransform(cache_size=2),
    "reshape_numel": lambda L: L.distributions.ReshapeTransform((2, 3), (4,)),
    "validate_default": lambda L: L.distributions.Distribution.set_default_validate_args(3),
    "wishart_df": lambda L: L.distributions.Wishart(L.tensor([1.0]), L.eye(3)),
}


def _error(fn, L):
    r = catch(fn, L)
    return r if isinstance(r, TorchError) else None


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_validation_errors_match_torch(name):
    ref = torch_ref(lambda torch: _error(ERRORS[name], torch))
    ours = _error(ERRORS[name], rtorch)
    assert ref is not None
    assert ours is not None, f"rtorch accepted what PyTorch refused: {ref}"
    assert ours.type == ref.type, (ours, ref)
    want = ref.message.replace("torch.", "rtorch.")
    if "tensor(" in want or "tensor([" in want:
        # the first line names the parameter, the distribution and the constraint; the tensor print may differ
        assert ours.message.split("\n")[0] == want.split("\n")[0], (ours.message, want)
    else:
        assert ours.message == want, (ours.message, want)


def test_validate_args_off_skips_checks():
    d = rtorch.distributions.Normal(rtorch.tensor([0.0]), rtorch.tensor([-1.0]), validate_args=False)
    assert bool(d.log_prob(rtorch.tensor([0.0])).isnan().all())
    old = rtorch.distributions.Distribution._validate_args
    try:
        rtorch.distributions.Distribution.set_default_validate_args(False)
        rtorch.distributions.Normal(rtorch.tensor([0.0]), rtorch.tensor([-1.0]))
    finally:
        rtorch.distributions.Distribution.set_default_validate_args(old)
    with pytest.raises(ValueError):
        rtorch.distributions.Normal(rtorch.tensor([0.0]), rtorch.tensor([-1.0]))


# ------------------------------------------------------------------ base machinery
def test_sample_shapes_and_dtypes():
    D = rtorch.distributions
    n = D.Normal(rtorch.zeros(2, 3), 1.0)
    assert n.sample().shape == (2, 3) and n.sample((4,)).shape == (4, 2, 3) and n.sample([0]).shape == (0, 2, 3)
    assert n.rsample(rtorch.Size([5, 1])).shape == (5, 1, 2, 3)
    c = D.Categorical(rtorch.ones(2, 4))
    s = c.sample((7,))
    assert s.shape == (7, 2) and s.dtype == rtorch.int64 and int(s.max()) < 4
    assert c.sample((0,)).shape == (0, 2)
    m = D.MultivariateNormal(rtorch.zeros(5, 3), rtorch.eye(3))
    assert m.sample((2,)).shape == (2, 5, 3) and m.log_prob(m.sample((2,))).shape == (2, 5)
    assert D.Normal(0.0, 1.0).sample().shape == () and D.Normal(0.0, 1.0).sample().dtype == rtorch.float32
    assert D.Normal(rtorch.zeros(2, dtype=rtorch.float64), 1.0).sample().dtype == rtorch.float64
    assert D.Dirichlet(rtorch.ones(4)).sample((3,)).shape == (3, 4)
    with pytest.warns(UserWarning):
        assert D.Normal(0.0, 1.0).sample_n(3).shape == (3,)


def test_expand_shares_parameters_and_scores_alike():
    D = rtorch.distributions
    for d in (D.Normal(rtorch.tensor([0.5]), rtorch.tensor([2.0])), D.Gamma(rtorch.tensor([2.0]), rtorch.tensor([1.0])),
              D.Bernoulli(logits=rtorch.tensor([0.3])), D.Categorical(rtorch.tensor([[0.2, 0.8]]))):
        e = d.expand((3, 1))
        assert e.batch_shape == (3, 1) and type(e) is type(d)
        x = d.sample()
        np.testing.assert_allclose(e.log_prob(x).numpy(), np.broadcast_to(d.log_prob(x).numpy(), (3, 1)), rtol=1e-6)


def test_broadcasting_parameters():
    D = rtorch.distributions
    d = D.Normal(rtorch.zeros(3, 1), rtorch.ones(1, 4))
    assert d.batch_shape == (3, 4)
    lp = d.log_prob(rtorch.zeros(4))
    assert lp.shape == (3, 4)
    np.testing.assert_allclose(lp.numpy(), -0.5 * math.log(2 * math.pi), rtol=1e-6)


def test_custom_subclass_without_expand_raises():
    class MyNormal(rtorch.distributions.Normal):
        def __init__(self, loc):
            super().__init__(loc, 1.0)

    with pytest.raises(NotImplementedError, match="must also define a custom .expand"):
        MyNormal(rtorch.zeros(2)).expand((3, 2))


def test_lazy_probs_logits_roundtrip():
    D = rtorch.distributions
    b = D.Bernoulli(logits=rtorch.tensor([0.0, 2.0]))
    np.testing.assert_allclose(b.probs.numpy(), [0.5, 1 / (1 + math.exp(-2))], rtol=1e-6)
    c = D.Categorical(logits=rtorch.tensor([1.0, 1.0, 2.0]))
    np.testing.assert_allclose(c.probs.sum().item(), 1.0, rtol=1e-6)
    c2 = D.Categorical(probs=rtorch.tensor([1.0, 1.0, 2.0]))  # unnormalised probs are normalised
    np.testing.assert_allclose(c2.probs.numpy(), [0.25, 0.25, 0.5], rtol=1e-6)


def test_constraints_check_and_repr():
    C = rtorch.distributions.constraints
    x = rtorch.tensor([-1.0, 0.0, 0.5, 1.0, float("nan")])
    assert C.real.check(x).tolist() == [True, True, True, True, False]
    assert C.positive.check(x).tolist() == [False, False, True, True, False]
    assert C.nonnegative.check(x).tolist() == [False, True, True, True, False]
    assert C.unit_interval.check(x).tolist() == [False, True, True, True, False]
    assert C.half_open_interval(0.0, 1.0).check(x).tolist() == [False, True, True, False, False]
    assert C.boolean.check(x).tolist() == [False, True, False, True, False]
    assert C.nonnegative_integer.check(rtorch.tensor([-1.0, 0.0, 2.0, 2.5])).tolist() == [False, True, True, False]
    assert C.simplex.check(rtorch.tensor([[0.5, 0.5], [0.5, 0.6]])).tolist() == [True, False]
    assert C.one_hot.check(rtorch.tensor([[0.0, 1.0], [1.0, 1.0]])).tolist() == [True, False]
    assert C.lower_cholesky.check(rtorch.tensor([[1.0, 0.0], [2.0, 1.0]])).item()
    assert not C.lower_cholesky.check(rtorch.tensor([[1.0, 1.0], [2.0, 1.0]])).item()
    assert C.positive_definite.check(rtorch.eye(2)).item()
    assert not C.positive_definite.check(-rtorch.eye(2)).item()
    assert C.independent(C.positive, 1).check(rtorch.tensor([[1.0, 2.0], [1.0, -2.0]])).tolist() == [True, False]
    assert repr(C.positive) == "GreaterThan(lower_bound=0.0)" and repr(C.real) == "Real()"
    assert repr(C.real_vector) == "IndependentConstraint(Real(), 1)"
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(ValueError):
        C.dependent.check(x)
    cat = C.cat([C.positive, C.real], dim=0, lengths=[2, 1])
    assert cat.check(rtorch.tensor([1.0, 2.0, -3.0])).tolist() == [True, True, True]
    st = C.stack([C.positive, C.real], dim=0)
    assert st.check(rtorch.tensor([[1.0], [-1.0]])).tolist() == [[True], [True]]
