"""Sampling: rtorch.poisson / binomial / _standard_gamma / _sample_dirichlet and every distribution's sample()
checked statistically (moments within a few standard errors over 1e5 draws, Kolmogorov-Smirnov / chi-square
tests against SciPy with fixed seeds); generator reproducibility; gradients of log_prob and rsample."""
import math
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import rtorch
from dist_cases import DISTS

stats = pytest.importorskip("scipy.stats")
special = pytest.importorskip("scipy.special")

D = rtorch.distributions
N = 100_000


def _gen(seed):
    g = rtorch.Generator()
    g.manual_seed(seed)
    return g


def _moments_ok(x, mean, var, k=5.0):
    """Sample mean and variance within ``k`` standard errors of ``mean`` and ``var``."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    m = x.mean()
    assert abs(m - mean) <= k * math.sqrt(var / n) + 1e-12, (m, mean)
    dev2 = (x - m) ** 2
    assert abs(dev2.mean() - var) <= k * dev2.std() / math.sqrt(n) + 1e-12, (dev2.mean(), var)


# ------------------------------------------------------------------ the composed samplers
@pytest.mark.parametrize("rate", [0.0, 0.3, 4.0, 9.99, 10.0, 57.5, 1e4])
def test_poisson_moments_and_pmf(rate):
    x = rtorch.poisson(rtorch.full((N,), rate, dtype=rtorch.float64), generator=_gen(1)).numpy()
    assert np.all(x == np.floor(x)) and np.all(x >= 0)
    _moments_ok(x, rate, rate)
    if 0 < rate < 100:
        # chi-square over the values with an expected count >= 20
        ks = np.arange(int(rate + 8 * math.sqrt(rate) + 10))
        expected = stats.poisson(rate).pmf(ks) * N
        keep = expected >= 20
        observed = np.array([(x == k).sum() for k in ks])[keep]
        chi2 = ((observed - expected[keep]) ** 2 / expected[keep]).sum()
        assert stats.chi2(keep.sum()).sf(chi2) > 1e-4


@pytest.mark.parametrize("n,p", [(5, 0.3), (20, 0.45), (100, 0.3), (1000, 0.93), (7, 1.0), (0, 0.5), (50, 0.0),
                                 (3, 0.9)])
def test_binomial_moments_and_pmf(n, p):
    x = rtorch.binomial(rtorch.full((N,), float(n)), rtorch.full((N,), p), generator=_gen(2)).numpy()
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= n and np.all(x == np.floor(x))
    _moments_ok(x, n * p, n * p * (1 - p))
    if 0 < p < 1:
        ks = np.arange(n + 1)
        expected = stats.binom(n, p).pmf(ks) * N
        keep = expected >= 20
        observed = np.array([(x == k).sum() for k in ks])[keep]
        chi2 = ((observed - expected[keep]) ** 2 / expected[keep]).sum()
        assert stats.chi2(max(1, keep.sum() - 1)).sf(chi2) > 1e-4


def test_binomial_broadcasts_and_rejects_bad_input():
    out = rtorch.binomial(rtorch.tensor([[5.0], [10.0]]), rtorch.tensor([0.0, 1.0, 1.0]))
    assert out.tolist() == [[0.0, 5.0, 5.0], [0.0, 10.0, 10.0]]
    with pytest.raises(ValueError, match="floating-point dtypes for count"):
        rtorch.binomial(rtorch.tensor([5]), rtorch.tensor([0.5]))
    with pytest.raises(ValueError, match="prob"):
        rtorch.binomial(rtorch.tensor([5.0]), rtorch.tensor([1.5]))
    with pytest.raises(ValueError, match="count"):
        rtorch.binomial(rtorch.tensor([-1.0]), rtorch.tensor([0.5]))
    with pytest.raises(RuntimeError, match="non-negative"):
        rtorch.poisson(rtorch.tensor([-1.0]))
    with pytest.raises(NotImplementedError, match="Long"):
        rtorch.poisson(rtorch.tensor([1, 2]))
    assert rtorch.poisson(rtorch.zeros(0, 3)).shape == (0, 3)
    assert rtorch.binomial(rtorch.zeros(0), rtorch.zeros(0)).shape == (0,)
    assert rtorch.poisson(rtorch.tensor(3.0)).shape == ()


@pytest.mark.parametrize("alpha", [0.02, 0.05, 0.5, 1.0, 2.5, 30.0, 1e4])  # below ~0.01, draws pile up at tiny
def test_standard_gamma_ks(alpha):
    x = rtorch._standard_gamma(rtorch.full((N,), alpha, dtype=rtorch.float64), generator=_gen(3)).numpy()
    assert np.all(x > 0)
    assert stats.kstest(x, stats.gamma(alpha).cdf).pvalue > 1e-4


def test_standard_gamma_edge_values():
    x = rtorch._standard_gamma(rtorch.tensor([0.0, -1.0, 2.0]))
    assert x[0].item() == x[1].item() == rtorch.finfo(rtorch.float32).tiny and x[2].item() > 0
    assert rtorch._standard_gamma(rtorch.zeros(0)).shape == (0,)
    with pytest.raises(NotImplementedError):
        rtorch._standard_gamma(rtorch.tensor([1, 2]))


def test_standard_gamma_gradient_is_the_implicit_one():
    # dx/dalpha = -(dF/dalpha)(x; alpha) / pdf(x; alpha), with dF/dalpha from SciPy by finite differences
    from rtorch._ops.variates import _standard_gamma_grad
    alpha = np.array([0.05, 0.5, 2.0, 10.0, 300.0])
    x = np.array([1e-8, 0.3, 1.7, 12.0, 280.0])
    h = 1e-6 * alpha
    dF = (special.gammainc(alpha + h, x) - special.gammainc(alpha - h, x)) / (2 * h)
    expected = -dF / stats.gamma(alpha).pdf(x)
    ours = _standard_gamma_grad(rtorch.tensor(alpha), rtorch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-4)


def test_sample_dirichlet_on_the_simplex_with_right_means():
    conc = rtorch.tensor([0.3, 1.0, 4.0], dtype=rtorch.float64)
    x = rtorch._sample_dirichlet(conc.expand(N, 3), generator=_gen(4)).numpy()
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-12)
    a0 = conc.sum().item()
    for i, a in enumerate(conc.tolist()):
        _moments_ok(x[:, i], a / a0, a * (a0 - a) / (a0 ** 2 * (a0 + 1)))


def test_generator_reproducibility_and_global_seed():
    for f in (lambda g: rtorch.poisson(rtorch.full((50,), 20.0), generator=g),
              lambda g: rtorch.binomial(rtorch.full((50,), 40.0), rtorch.full((50,), 0.4), generator=g),
              lambda g: rtorch._standard_gamma(rtorch.full((50,), 0.7), generator=g)):
        assert rtorch.equal(f(_gen(11)), f(_gen(11)))
        assert not rtorch.equal(f(_gen(11)), f(_gen(12)))
    rtorch.manual_seed(5)
    a = D.Gamma(rtorch.ones(20), 1.0).sample()
    rtorch.manual_seed(5)
    assert rtorch.equal(a, D.Gamma(rtorch.ones(20), 1.0).sample())


def test_samplers_from_several_threads():
    # each thread has its own generator: streams stay independent and reproducible
    results = {}

    def work(seed):
        results[seed] = rtorch.poisson(rtorch.full((2000,), 15.0), generator=_gen(seed)).numpy()

    threads = [threading.Thread(target=work, args=(s,)) for s in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for s in range(6):
        np.testing.assert_array_equal(results[s], rtorch.poisson(rtorch.full((2000,), 15.0), generator=_gen(s)).numpy())


# ------------------------------------------------------------------ every distribution's sample()
# name -> SciPy distribution of one batch element (or None: moments only)
KS = {
    "Normal": lambda: stats.norm(0.3, 1.5), "Exponential": lambda: stats.expon(scale=1 / 0.5),
    "Gamma": lambda: stats.gamma(0.5, scale=1.0), "Chi2": lambda: stats.chi2(1.0), "Beta": lambda: stats.beta(0.5, 0.5),
    "Uniform": lambda: stats.uniform(0.0, 1.0), "LogNormal": lambda: stats.lognorm(1.0, scale=1.0),
    "HalfNormal": lambda: stats.halfnorm(scale=1.0), "HalfCauchy": lambda: stats.halfcauchy(scale=1.0),
    "Cauchy": lambda: stats.cauchy(0.0, 1.0), "Laplace": lambda: stats.laplace(0.0, 1.0),
    "Gumbel": lambda: stats.gumbel_r(0.0, 1.0), "StudentT": lambda: stats.t(0.5, 0.0, 1.0),
    "Pareto": lambda: stats.pareto(0.5, scale=1.0), "Weibull": lambda: stats.weibull_min(0.5, scale=1.0),
    "InverseGamma": lambda: stats.invgamma(1.5, scale=1.0), "FisherSnedecor": lambda: stats.f(1.0, 2.0),
    "VonMises": lambda: stats.vonmises(0.5, loc=0.0), "GeneralizedPareto": lambda: stats.genpareto(0.0, 0.0, 1.0),
}


@pytest.mark.parametrize("name", sorted(KS))
def test_sample_ks_against_scipy(name):
    rtorch.manual_seed(7)
    d = DISTS[name][0](rtorch)
    x = d.sample((N,)).reshape(N, -1)[:, 0].double().numpy()
    assert stats.kstest(x, KS[name]().cdf).pvalue > 1e-4


CONTINUOUS_WITH_CDF = ["Kumaraswamy", "ContinuousBernoulli", "Weibull", "TransformedDistribution"]


@pytest.mark.parametrize("name", CONTINUOUS_WITH_CDF)
def test_sample_ks_against_own_cdf(name):
    # no SciPy counterpart: the sample's empirical CDF against the distribution's cdf (itself checked vs PyTorch)
    rtorch.manual_seed(8)
    d = DISTS[name][0](rtorch)
    x = d.sample((N,)).double()
    first = x.reshape(N, -1)[:, 0].numpy()
    cdf_of = lambda v: d.cdf(rtorch.tensor(np.asarray(v)).reshape(-1, 1).expand(-1, d.batch_shape[0]).double())[:, 0].numpy()  # noqa: E731
    assert stats.kstest(first, cdf_of).pvalue > 1e-4


MOMENT_CASES = ["Bernoulli_probs", "Binomial", "Binomial_logits", "Geometric", "NegativeBinomial", "Poisson",
                "Categorical", "OneHotCategorical", "Multinomial", "Dirichlet", "MultivariateNormal_cov",
                "MultivariateNormal_prec", "LowRankMultivariateNormal", "Independent", "Gamma", "Beta", "Normal",
                "Exponential", "Laplace", "Gumbel", "Kumaraswamy", "ContinuousBernoulli", "InverseGamma",
                "MixtureSameFamily", "MixtureSameFamily_mvn", "Wishart", "LogNormal", "Uniform", "StudentT"]


@pytest.mark.parametrize("name", MOMENT_CASES)
def test_sample_moments_match_mean_and_variance(name):
    rtorch.manual_seed(9)
    d = DISTS[name][0](rtorch)
    x = d.sample((N,)).double().numpy().reshape(N, -1)
    if name.startswith("Categorical"):
        probs = d.probs.numpy()
        counts = np.stack([(x == k).mean(0) for k in range(probs.shape[-1])], -1)
        np.testing.assert_allclose(counts, probs, atol=5 * np.sqrt(0.25 / N))
        return
    mean = np.broadcast_to(d.mean.double().numpy(), d.batch_shape + d.event_shape).reshape(-1)
    var = np.broadcast_to(d.variance.double().numpy(), d.batch_shape + d.event_shape).reshape(-1)
    for j in range(x.shape[1]):
        if np.isfinite(mean[j]) and np.isfinite(var[j]) and var[j] > 0:
            _moments_ok(x[:, j], mean[j], var[j], k=6.0)


def test_lkj_and_wishart_samples_are_in_support():
    rtorch.manual_seed(10)
    L = D.LKJCholesky(4, rtorch.tensor([0.5, 3.0])).sample((200,))
    assert L.shape == (200, 2, 4, 4) and bool(D.constraints.corr_cholesky.check(L).all())
    W = D.Wishart(rtorch.tensor(5.0), rtorch.eye(3)).sample((50,))
    assert bool(D.constraints.positive_definite.check(W).all())
    # LKJ(eta = 1) on 2x2 matrices: the correlation is uniform on (-1, 1)
    r = D.LKJCholesky(2, 1.0).sample((N,))[:, 1, 0].double().numpy()
    assert stats.kstest(r, stats.uniform(-1, 2).cdf).pvalue > 1e-4


def test_relaxed_distributions_sample_in_support():
    rtorch.manual_seed(11)
    for name in ("RelaxedBernoulli", "RelaxedOneHotCategorical", "LogisticNormal"):
        d = DISTS[name][0](rtorch)
        x = d.rsample((1000,))
        assert bool(d.support.check(x).all())
    # a low temperature concentrates the relaxed Bernoulli at its endpoints with P(~1) = probs
    x = D.RelaxedBernoulli(rtorch.tensor(0.05), rtorch.tensor([0.3])).sample((N,)).numpy()
    assert abs((x > 0.5).mean() - 0.3) < 5 * math.sqrt(0.21 / N)


# ------------------------------------------------------------------ gradients
GRAD_CASES = {
    "Normal": (lambda a, b: D.Normal(a, b), [0.3, -1.0], [1.5, 0.5], [0.1, 2.0]),
    "Gamma": (lambda a, b: D.Gamma(a, b), [0.7, 3.0], [1.2, 0.4], [0.5, 4.0]),
    "Beta": (lambda a, b: D.Beta(a, b), [0.7, 3.0], [1.2, 0.4], [0.3, 0.8]),
    "StudentT": (lambda a, b: D.StudentT(a, 0.5, b), [2.5, 7.0], [1.2, 0.4], [0.3, -2.0]),
    "Laplace": (lambda a, b: D.Laplace(a, b), [0.3, -1.0], [1.5, 0.5], [0.1, 2.0]),
    "Gumbel": (lambda a, b: D.Gumbel(a, b), [0.3, -1.0], [1.5, 0.5], [0.1, 2.0]),
    "Weibull": (lambda a, b: D.Weibull(a, b), [0.7, 3.0], [1.2, 0.4], [0.5, 4.0]),
    "Kumaraswamy": (lambda a, b: D.Kumaraswamy(a, b), [0.7, 3.0], [1.2, 0.4], [0.3, 0.8]),
    "VonMises": (lambda a, b: D.VonMises(a, b), [0.3, -1.0], [1.5, 0.5], [0.1, 2.0]),
    "LogNormal": (lambda a, b: D.LogNormal(a, b), [0.3, -1.0], [1.5, 0.5], [0.1, 2.0]),
    "FisherSnedecor": (lambda a, b: D.FisherSnedecor(a, b), [2.5, 7.0], [1.2, 4.0], [0.3, 2.0]),
    "ContinuousBernoulli": (lambda a, b: D.ContinuousBernoulli(a.sigmoid() * 0.9 + 0.05 + 0 * b), [0.3, -1.0],
                            [1.0, 1.0], [0.1, 0.7]),
    "Binomial": (lambda a, b: D.Binomial(10, logits=a + 0 * b), [0.3, -1.0], [1.0, 1.0], [3.0, 7.0]),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_log_prob_gradcheck(name):
    build, a, b, v = GRAD_CASES[name]
    value = rtorch.tensor(v, dtype=rtorch.float64)

    def f(a_, b_):
        return build(a_, b_).log_prob(value)

    args = (rtorch.tensor(a, dtype=rtorch.float64, requires_grad=True),
            rtorch.tensor(b, dtype=rtorch.float64, requires_grad=True))
    assert rtorch.autograd.gradcheck(f, args, eps=1e-6, atol=1e-5, rtol=1e-4)


def test_mvn_log_prob_gradcheck():
    loc = rtorch.tensor([0.5, -1.0], dtype=rtorch.float64, requires_grad=True)
    tril = rtorch.tensor([[1.5, 0.0], [0.4, 0.8]], dtype=rtorch.float64, requires_grad=True)
    value = rtorch.tensor([[0.1, 0.2], [1.0, -2.0]], dtype=rtorch.float64)
    assert rtorch.autograd.gradcheck(lambda l_, s_: D.MultivariateNormal(l_, scale_tril=s_.tril()).log_prob(value),
                                     (loc, tril), eps=1e-6, atol=1e-5)


def _f64(x):
    return rtorch.tensor(x, dtype=rtorch.float64)


# name -> (distribution from one parameter tensor, that parameter's value)
RSAMPLE_CASES = {
    "Normal": (lambda p: D.Normal(p, _f64([1.5, 0.5])), [0.3, -1.0]),
    "Normal_scale": (lambda p: D.Normal(_f64([0.3, -1.0]), p), [1.5, 0.5]),
    "LogNormal": (lambda p: D.LogNormal(_f64([0.3, -1.0]), p), [1.5, 0.5]),
    "Laplace": (lambda p: D.Laplace(_f64([0.3, -1.0]), p), [1.5, 0.5]),
    "Gumbel": (lambda p: D.Gumbel(p, _f64([1.5, 0.5])), [0.3, -1.0]),
    "Uniform": (lambda p: D.Uniform(_f64([0.0, -1.0]), p), [1.5, 0.5]),
    "Exponential": (lambda p: D.Exponential(p), [1.5, 0.5]),
    "Cauchy": (lambda p: D.Cauchy(_f64([0.3, -1.0]), p), [1.5, 0.5]),
    "Kumaraswamy": (lambda p: D.Kumaraswamy(p, _f64([2.0, 0.7])), [1.5, 0.5]),
    "MultivariateNormal": (lambda p: D.MultivariateNormal(_f64([0.5, -1.0]), scale_tril=p.tril()),
                           [[1.5, 0.0], [0.4, 0.8]]),
    "LowRankMultivariateNormal": (lambda p: D.LowRankMultivariateNormal(_f64([0.5, -1.0]), p, _f64([0.5, 2.0])),
                                  [[1.0], [0.3]]),
    "RelaxedOneHotCategorical": (lambda p: D.RelaxedOneHotCategorical(_f64(0.7), logits=p), [0.2, -0.4, 1.0]),
    "ContinuousBernoulli": (lambda p: D.ContinuousBernoulli(p), [0.2, 0.8]),
}


@pytest.mark.parametrize("name", sorted(RSAMPLE_CASES))
def test_rsample_pathwise_gradient_by_finite_differences(name):
    # a fixed seed makes rsample a deterministic function of the parameter: compare its gradient with FD
    build, p0 = RSAMPLE_CASES[name]
    p0 = _f64(p0)

    def draw(p):
        rtorch.manual_seed(3)
        x = build(p).rsample((5,))
        return (x * rtorch.linspace(0.5, 1.5, x.shape[-1], dtype=rtorch.float64)).sum()

    p = p0.clone().requires_grad_()
    draw(p).backward()
    eps = 1e-6
    fd = np.zeros(p.numel())
    for i in range(p.numel()):
        d = rtorch.zeros(p.numel(), dtype=p.dtype)
        d[i] = eps
        d = d.reshape(p.shape)
        fd[i] = (draw(p0 + d).item() - draw(p0 - d).item()) / (2 * eps)
    np.testing.assert_allclose(p.grad.reshape(-1).numpy(), fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make,dmean", [
    # d/dalpha E[X] = 1/rate for Gamma(alpha, rate)
    (lambda a: D.Gamma(a, rtorch.tensor(2.0, dtype=rtorch.float64)), lambda a: 0.5),
    # d/dalpha E[X] = beta / (alpha + beta)^2 for Beta(alpha, beta = 3)
    (lambda a: D.Beta(a, rtorch.tensor(3.0, dtype=rtorch.float64)), lambda a: 3.0 / (a + 3.0) ** 2),
    # d/dalpha_0 E[X_0] = (a0 - a_0) / a0^2 for Dirichlet([alpha, 2, 1])
    (lambda a: D.Dirichlet(rtorch.stack([a, rtorch.tensor(2.0, dtype=rtorch.float64),
                                         rtorch.tensor(1.0, dtype=rtorch.float64)])), lambda a: 3.0 / (a + 3.0) ** 2),
])
@pytest.mark.parametrize("alpha", [0.4, 2.5])
def test_reparameterized_gradient_is_unbiased(make, dmean, alpha):
    # the implicit reparameterisation gradient, averaged over draws, is the derivative of the mean
    rtorch.manual_seed(12)
    a = rtorch.tensor(alpha, dtype=rtorch.float64, requires_grad=True)
    x = make(a).rsample((N,))
    first = x[:, 0] if x.dim() > 1 else x
    first.mean().backward()
    rtorch.manual_seed(12)
    a2 = rtorch.tensor(alpha, dtype=rtorch.float64, requires_grad=True)
    x2 = make(a2).rsample((N,))
    per = rtorch.autograd.grad((x2[:, 0] if x2.dim() > 1 else x2).sum(), a2)[0]
    assert abs(a.grad.item() - per.item() / N) < 1e-9
    # standard error of the mean gradient from the per-sample gradients
    a3 = rtorch.tensor(alpha, dtype=rtorch.float64, requires_grad=True)
    rtorch.manual_seed(12)
    x3 = make(a3).rsample((2000,))
    grads = [rtorch.autograd.grad((x3[i, 0] if x3.dim() > 1 else x3[i]), a3, retain_graph=True)[0].item()
             for i in range(0, 2000, 10)]
    se = np.std(grads) / math.sqrt(N)
    assert abs(a.grad.item() - dmean(alpha)) < 6 * se + 1e-6, (a.grad.item(), dmean(alpha), se)


# ------------------------------------------------------------------ hypothesis: broadcasting shapes
@settings(deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3), seed=st.integers(0, 99))
def test_normal_and_gamma_log_prob_broadcast_like_scipy(shapes, seed):
    rng = np.random.default_rng(seed)
    s_loc, s_scale, s_val = shapes.input_shapes
    loc = rng.standard_normal(s_loc)
    scale = rng.uniform(0.2, 3.0, s_scale)
    val = rng.standard_normal(s_val)
    d = D.Normal(rtorch.tensor(loc), rtorch.tensor(scale))
    assert tuple(d.batch_shape) == np.broadcast_shapes(s_loc, s_scale)
    lp = d.log_prob(rtorch.tensor(val))
    np.testing.assert_allclose(lp.numpy(), stats.norm(loc, scale).logpdf(val), rtol=1e-10, atol=1e-12)
    conc = rng.uniform(0.2, 5.0, s_loc)
    x = rng.uniform(0.1, 4.0, s_val)
    g = D.Gamma(rtorch.tensor(conc), rtorch.tensor(scale))
    np.testing.assert_allclose(g.log_prob(rtorch.tensor(x)).numpy(), stats.gamma(conc, scale=1 / scale).logpdf(x),
                               rtol=1e-8, atol=1e-10)
    b = D.Beta(rtorch.tensor(conc), rtorch.tensor(scale))
    u = rng.uniform(0.05, 0.95, s_val)
    np.testing.assert_allclose(b.log_prob(rtorch.tensor(u)).numpy(), stats.beta(conc, scale).logpdf(u),
                               rtol=1e-8, atol=1e-10)
    assert d.sample((2,)).shape == (2,) + tuple(d.batch_shape)


@settings(deadline=None)
@given(batch=st.lists(st.integers(0, 3), max_size=2), k=st.integers(1, 5), seed=st.integers(0, 99))
def test_categorical_log_prob_like_numpy(batch, k, seed):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal(tuple(batch) + (k,))
    c = D.Categorical(logits=rtorch.tensor(logits))
    idx = rng.integers(0, k, tuple(batch))
    lp = c.log_prob(rtorch.tensor(idx))
    ref = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    np.testing.assert_allclose(lp.numpy(), np.take_along_axis(ref, idx[..., None], -1)[..., 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c.entropy().numpy(), -(np.exp(ref) * ref).sum(-1), rtol=1e-10, atol=1e-12)


def test_hostile_parameters_never_hang():
    # unvalidated NaN / infinite parameters give NaN / inf draws instead of endless rejection loops
    x = rtorch._standard_gamma(rtorch.tensor([math.inf, 2.0]))
    assert math.isinf(x[0].item()) and x[1].item() > 0
    v = D.VonMises(rtorch.tensor([0.0, 0.0]), rtorch.tensor([math.nan, 1e8]), validate_args=False).sample()
    assert math.isnan(v[0].item()) and abs(v[1].item()) < 0.01
    assert rtorch.poisson(rtorch.tensor([1e15])).item() > 9e14
    assert rtorch.binomial(rtorch.tensor([1e12]), rtorch.tensor([0.3])).item() > 2.9e11
    with pytest.raises(RuntimeError):
        rtorch.poisson(rtorch.tensor([math.nan]))


def test_generator_argument_is_checked():
    for call in (lambda: rtorch.poisson(rtorch.ones(2), generator=3),
                 lambda: rtorch.binomial(rtorch.ones(2), rtorch.ones(2), generator="g"),
                 lambda: rtorch._standard_gamma(rtorch.ones(2), generator=1.5)):
        with pytest.raises(TypeError, match="argument 'generator'"):
            call()


def test_distributions_from_several_threads():
    # log_prob / entropy / KL / lazy properties computed concurrently agree with the single-threaded answers
    d = D.Categorical(logits=rtorch.tensor([[0.1, 0.5, -1.0], [2.0, 0.0, 0.3]], dtype=rtorch.float64))
    q = D.Categorical(logits=rtorch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], dtype=rtorch.float64))
    value = rtorch.tensor([2, 0])
    expected = (d.log_prob(value).numpy(), d.entropy().numpy(), D.kl_divergence(d, q).numpy())
    errors = []

    def work():
        try:
            for _ in range(20):
                fresh = D.Categorical(logits=d.logits)
                got = (fresh.log_prob(value).numpy(), fresh.entropy().numpy(), D.kl_divergence(fresh, q).numpy())
                for a, b in zip(got, expected):
                    np.testing.assert_allclose(a, b, rtol=1e-12)
                assert fresh.sample((50,)).shape == (50, 2)
        except Exception as e:  # collected: an assertion in a thread would otherwise be lost
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
