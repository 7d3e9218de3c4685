"""kl_divergence: PyTorch's table of closed-form pairs (values recorded from PyTorch), dispatch over subclasses,
register_kl, NotImplementedError for missing pairs, and Monte Carlo checks of the cross-family formulas."""
import numpy as np
import pytest

import rtorch
from dist_cases import _spd, t
from torch_ref import TorchError, catch, torch_ref


def _pairs(L):
    """name -> (p builder, q builder) for one instance of each class appearing in the KL table."""
    D = L.distributions
    N = lambda a, b: D.Normal(t(L, a), t(L, b))  # noqa: E731
    return {
        "Bernoulli": (lambda: D.Bernoulli(t(L, [0.3, 0.9])), lambda: D.Bernoulli(t(L, [0.5, 0.2]))),
        "Beta": (lambda: D.Beta(t(L, [1.5, 2.0]), t(L, [2.0, 0.5])), lambda: D.Beta(t(L, [3.0, 1.0]), t(L, [1.0, 2.0]))),
        "Binomial": (lambda: D.Binomial(t(L, [5.0, 5.0]), t(L, [0.3, 0.6])),
                     lambda: D.Binomial(t(L, [5.0, 5.0]), t(L, [0.5, 0.2]))),
        "Categorical": (lambda: D.Categorical(t(L, [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])),
                        lambda: D.Categorical(t(L, [[0.3, 0.3, 0.4], [0.5, 0.25, 0.25]]))),
        "Cauchy": (lambda: D.Cauchy(t(L, [0.0, 1.0]), t(L, [1.0, 2.0])), lambda: D.Cauchy(t(L, [0.5, -1.0]), t(L, [2.0, 1.0]))),
        "ContinuousBernoulli": (lambda: D.ContinuousBernoulli(t(L, [0.2, 0.7])),
                                lambda: D.ContinuousBernoulli(t(L, [0.6, 0.4]))),
        "Dirichlet": (lambda: D.Dirichlet(t(L, [[1.0, 2.0, 3.0], [0.5, 0.5, 2.0]])),
                      lambda: D.Dirichlet(t(L, [[2.0, 2.0, 2.0], [1.0, 3.0, 1.0]]))),
        "Exponential": (lambda: D.Exponential(t(L, [0.5, 2.0])), lambda: D.Exponential(t(L, [1.0, 3.0]))),
        "Gamma": (lambda: D.Gamma(t(L, [2.0, 0.5]), t(L, [1.0, 3.0])), lambda: D.Gamma(t(L, [1.5, 2.0]), t(L, [2.0, 1.0]))),
        "Geometric": (lambda: D.Geometric(t(L, [0.3, 0.6])), lambda: D.Geometric(t(L, [0.5, 0.2]))),
        "Gumbel": (lambda: D.Gumbel(t(L, [0.0, 1.0]), t(L, [1.0, 2.0])), lambda: D.Gumbel(t(L, [0.5, -1.0]), t(L, [2.0, 1.0]))),
        "HalfNormal": (lambda: D.HalfNormal(t(L, [1.0, 2.0])), lambda: D.HalfNormal(t(L, [2.0, 0.5]))),
        "Independent": (lambda: D.Independent(N([[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [0.5, 1.0]]), 1),
                        lambda: D.Independent(N([[1.0, 1.0], [0.0, 3.0]], [[2.0, 1.0], [1.0, 1.0]]), 1)),
        "Laplace": (lambda: D.Laplace(t(L, [0.0, 1.0]), t(L, [1.0, 2.0])), lambda: D.Laplace(t(L, [0.5, -1.0]), t(L, [2.0, 1.0]))),
        "LowRankMultivariateNormal": (
            lambda: D.LowRankMultivariateNormal(t(L, [0.0, 1.0, -1.0]), t(L, [[1.0], [0.5], [0.0]]), t(L, [0.5, 1.0, 2.0])),
            lambda: D.LowRankMultivariateNormal(t(L, [1.0, 0.0, 0.0]), t(L, [[0.3, 1.0], [0.0, 1.0], [1.0, 0.2]]),
                                                t(L, [1.0, 2.0, 0.5]))),
        "MultivariateNormal": (lambda: D.MultivariateNormal(t(L, [0.5, -1.0, 2.0]), _spd(L)),
                               lambda: D.MultivariateNormal(t(L, [0.0, 0.0, 1.0]), scale_tril=t(L, [[2.0, 0.0, 0.0],
                                                                                               [0.5, 1.0, 0.0],
                                                                                               [0.1, -0.3, 1.5]]))),
        "Normal": (lambda: N([0.3, -1.0], [1.5, 0.5]), lambda: N([0.0, 1.0], [1.0, 2.0])),
        "OneHotCategorical": (lambda: D.OneHotCategorical(t(L, [0.2, 0.3, 0.5])),
                              lambda: D.OneHotCategorical(t(L, [0.5, 0.25, 0.25]))),
        "Pareto": (lambda: D.Pareto(t(L, [1.0, 2.0]), t(L, [2.5, 3.0])), lambda: D.Pareto(t(L, [0.5, 3.0]), t(L, [1.5, 2.0]))),
        "Poisson": (lambda: D.Poisson(t(L, [2.0, 5.0])), lambda: D.Poisson(t(L, [3.0, 1.0]))),
        "TransformedDistribution": (lambda: D.TransformedDistribution(N([0.0, 1.0], [1.0, 2.0]), [D.ExpTransform()]),
                                    lambda: D.TransformedDistribution(N([1.0, 0.0], [2.0, 1.0]), [D.ExpTransform()])),
        "Uniform": (lambda: D.Uniform(t(L, [0.1, 0.2]), t(L, [0.9, 0.8])), lambda: D.Uniform(t(L, [-1.0, 0.3]), t(L, [2.0, 1.0]))),
        # subclasses and Bregman: dispatch reaches the registered base pairs
        "Chi2": (lambda: D.Chi2(t(L, [1.0, 3.0])), lambda: D.Chi2(t(L, [2.0, 5.0]))),
        "LogNormal": (lambda: D.LogNormal(t(L, [0.0, 1.0]), t(L, [1.0, 2.0])), lambda: D.LogNormal(t(L, [1.0, 0.0]), t(L, [2.0, 1.0]))),
        "HalfCauchy": (lambda: D.HalfCauchy(t(L, [1.0, 2.0])), lambda: D.HalfCauchy(t(L, [2.0, 0.5]))),
        "Kumaraswamy": (lambda: D.Kumaraswamy(t(L, [1.0, 2.0]), t(L, [2.0, 1.0])),
                        lambda: D.Kumaraswamy(t(L, [2.0, 2.0]), t(L, [2.0, 1.0]))),
        "Wishart": (lambda: D.Wishart(t(L, [4.0, 5.0]), _spd(L, 3, (2,))),
                    lambda: D.Wishart(t(L, [6.0, 4.0]), t(L, np.broadcast_to(np.eye(3), (2, 3, 3)).copy()))),
        "StudentT": (lambda: D.StudentT(t(L, [3.0, 4.0])), lambda: D.StudentT(t(L, [2.0, 5.0]))),
    }


# every pair of PyTorch 2.15's table, plus dispatch through subclasses and a missing pair
TABLE = [
    ("Bernoulli", "Bernoulli"), ("Bernoulli", "Poisson"), ("Beta", "Beta"), ("Beta", "ContinuousBernoulli"),
    ("Beta", "Exponential"), ("Beta", "Gamma"), ("Beta", "Normal"), ("Beta", "Pareto"), ("Beta", "Uniform"),
    ("Binomial", "Binomial"), ("Categorical", "Categorical"), ("Cauchy", "Cauchy"),
    ("ContinuousBernoulli", "ContinuousBernoulli"), ("ContinuousBernoulli", "Exponential"),
    ("ContinuousBernoulli", "Normal"), ("ContinuousBernoulli", "Pareto"), ("ContinuousBernoulli", "Uniform"),
    ("Dirichlet", "Dirichlet"), ("Exponential", "Beta"), ("Exponential", "ContinuousBernoulli"),
    ("Exponential", "Exponential"), ("Exponential", "Gamma"), ("Exponential", "Gumbel"), ("Exponential", "Normal"),
    ("Exponential", "Pareto"), ("Exponential", "Uniform"), ("Gamma", "Beta"), ("Gamma", "ContinuousBernoulli"),
    ("Gamma", "Exponential"), ("Gamma", "Gamma"), ("Gamma", "Gumbel"), ("Gamma", "Normal"), ("Gamma", "Pareto"),
    ("Gamma", "Uniform"), ("Geometric", "Geometric"), ("Gumbel", "Beta"), ("Gumbel", "ContinuousBernoulli"),
    ("Gumbel", "Exponential"), ("Gumbel", "Gamma"), ("Gumbel", "Gumbel"), ("Gumbel", "Normal"), ("Gumbel", "Pareto"),
    ("Gumbel", "Uniform"), ("HalfNormal", "HalfNormal"), ("Independent", "Independent"), ("Laplace", "Beta"),
    ("Laplace", "ContinuousBernoulli"), ("Laplace", "Exponential"), ("Laplace", "Gamma"), ("Laplace", "Laplace"),
    ("Laplace", "Normal"), ("Laplace", "Pareto"), ("Laplace", "Uniform"),
    ("LowRankMultivariateNormal", "LowRankMultivariateNormal"), ("LowRankMultivariateNormal", "MultivariateNormal"),
    ("MultivariateNormal", "LowRankMultivariateNormal"), ("MultivariateNormal", "MultivariateNormal"),
    ("Normal", "Beta"), ("Normal", "ContinuousBernoulli"), ("Normal", "Exponential"), ("Normal", "Gamma"),
    ("Normal", "Gumbel"), ("Normal", "Laplace"), ("Normal", "Normal"), ("Normal", "Pareto"), ("Normal", "Uniform"),
    ("OneHotCategorical", "OneHotCategorical"), ("Pareto", "Beta"), ("Pareto", "ContinuousBernoulli"),
    ("Pareto", "Exponential"), ("Pareto", "Gamma"), ("Pareto", "Normal"), ("Pareto", "Pareto"), ("Pareto", "Uniform"),
    ("Poisson", "Bernoulli"), ("Poisson", "Binomial"), ("Poisson", "Poisson"),
    ("TransformedDistribution", "TransformedDistribution"), ("Uniform", "Beta"), ("Uniform", "ContinuousBernoulli"),
    ("Uniform", "Exponential"), ("Uniform", "Gamma"), ("Uniform", "Gumbel"), ("Uniform", "Normal"),
    ("Uniform", "Pareto"), ("Uniform", "Uniform"),
    ("Chi2", "Chi2"), ("Chi2", "Exponential"), ("LogNormal", "LogNormal"), ("HalfCauchy", "HalfCauchy"),
    ("Kumaraswamy", "Kumaraswamy"), ("Wishart", "Wishart"), ("Cauchy", "Normal"), ("StudentT", "StudentT"),
    ("Normal", "MultivariateNormal"),
]


def _kl(L, a, b):
    pairs = _pairs(L)
    p, q = pairs[a][0](), pairs[b][1]()
    r = catch(L.distributions.kl_divergence, p, q)
    return TorchError(r.type, "") if isinstance(r, TorchError) else r.detach().numpy()


@pytest.mark.parametrize("a,b", TABLE, ids=[f"{a}-{b}" for a, b in TABLE])
def test_kl_matches_torch(a, b):
    ref = torch_ref(lambda torch: _kl(torch, a, b))
    ours = _kl(rtorch, a, b)
    if isinstance(ref, TorchError):
        assert isinstance(ours, TorchError) and ours.type == ref.type, (ours, ref)
        return
    assert not isinstance(ours, TorchError), ours
    ref = np.asarray(ref, dtype=np.float64)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-9)


def test_table_is_pytorchs():
    from rtorch.distributions.kl import _KL_REGISTRY
    ours = sorted(f"{p.__name__}-{q.__name__}" for p, q in _KL_REGISTRY)
    ref = torch_ref(lambda torch: sorted(f"{p.__name__}-{q.__name__}"
                                         for p, q in torch.distributions.kl._KL_REGISTRY))
    assert ours == list(ref)


@pytest.mark.parametrize("a,b", [("Beta", "Normal"), ("Gamma", "Gumbel"), ("Uniform", "Beta"), ("Normal", "Laplace"),
                                 ("Exponential", "Gamma"), ("Pareto", "Exponential"), ("Uniform", "Pareto"),
                                 ("Gamma", "Exponential"), ("Normal", "Gumbel"), ("Uniform", "Gumbel")])
def test_cross_family_kl_matches_monte_carlo(a, b):
    # KL(p || q) = E_p[log p(X) - log q(X)]: 2e5 draws, within 5 standard errors
    rtorch.manual_seed(0)
    D = rtorch.distributions
    make = {"Beta": lambda: D.Beta(t(rtorch, 2.0), t(rtorch, 3.0)), "Normal": lambda: D.Normal(t(rtorch, 0.4), t(rtorch, 1.3)),
            "Gamma": lambda: D.Gamma(t(rtorch, 2.5), t(rtorch, 1.5)), "Gumbel": lambda: D.Gumbel(t(rtorch, 0.5), t(rtorch, 2.0)),
            "Uniform": lambda: D.Uniform(t(rtorch, 1.2), t(rtorch, 1.7)) if b == "Pareto" else D.Uniform(t(rtorch, 0.2), t(rtorch, 0.7)),
            "Laplace": lambda: D.Laplace(t(rtorch, -0.3), t(rtorch, 0.8)),
            "Exponential": lambda: D.Exponential(t(rtorch, 1.7)),
            "Pareto": lambda: D.Pareto(t(rtorch, 1.0), t(rtorch, 3.5))}
    p, q = make[a](), make[b]()
    x = p.sample((200000,))
    diff = (p.log_prob(x) - q.log_prob(x)).numpy()
    est, se = diff.mean(), diff.std() / np.sqrt(diff.size)
    exact = D.kl_divergence(p, q).item()
    assert abs(est - exact) < 5 * se + 1e-9, (est, exact, se)


def test_register_kl_dispatch_and_ambiguity():
    D = rtorch.distributions

    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), MyNormal(1.0, 1.0)
    assert abs(D.kl_divergence(p, q).item() - 0.5) < 1e-6  # inherited Normal-Normal

    @D.register_kl(MyNormal, MyNormal)
    def _mine(p, q):
        return rtorch.tensor(42.0)

    assert D.kl_divergence(p, q).item() == 42.0
    assert abs(D.kl_divergence(D.Normal(0.0, 1.0), q).item() - 0.5) < 1e-6

    class A(D.Normal):
        pass

    class B(D.Normal):
        pass

    @D.register_kl(A, D.Normal)
    def _a(p, q):
        return rtorch.tensor(1.0)

    @D.register_kl(D.Normal, B)
    def _b(p, q):
        return rtorch.tensor(2.0)

    with pytest.warns(RuntimeWarning, match="Ambiguous kl_divergence"):
        D.kl_divergence(A(0.0, 1.0), B(0.0, 1.0))
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)


def test_kl_gradients_flow():
    loc = rtorch.tensor([0.5], dtype=rtorch.float64, requires_grad=True)
    kl = rtorch.distributions.kl_divergence(rtorch.distributions.Normal(loc, 1.0),
                                            rtorch.distributions.Normal(0.0, 1.0))
    kl.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [0.5])  # d/dmu of mu^2 / 2
