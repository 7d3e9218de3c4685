"""Shared cases for the distribution tests: one builder per distribution (a function of the library, rtorch or
PyTorch, so the same construction runs in both) and a value inside its support for log_prob / cdf."""
import numpy as np

F64 = "float64"


def t(L, x):
    """A float64 tensor of ``x`` in library ``L``."""
    return L.tensor(np.asarray(x, dtype=np.float64))


def _spd(L, n=3, batch=()):
    a = np.arange(1, n * n + 1, dtype=np.float64).reshape(n, n) / 7.0
    m = a @ a.T + n * np.eye(n)
    return t(L, np.broadcast_to(m, batch + (n, n)).copy())


# name -> (builder(L) -> distribution, value(s) inside the support (float64 list), icdf probabilities or None)
DISTS = {
    "Normal": (lambda L: L.distributions.Normal(t(L, [0.3, -1.0, 2.0]), t(L, [1.5, 0.5, 2.0])), [0.1, -1.5, 7.0], True),
    "Normal_scalar": (lambda L: L.distributions.Normal(0.5, 2.0), 1.25, True),
    "Uniform": (lambda L: L.distributions.Uniform(t(L, [0.0, -2.0]), t(L, [1.0, 3.0])), [0.25, 2.5], True),
    "Bernoulli_probs": (lambda L: L.distributions.Bernoulli(probs=t(L, [0.2, 0.5, 0.9])), [1.0, 0.0, 1.0], False),
    "Bernoulli_logits": (lambda L: L.distributions.Bernoulli(logits=t(L, [-3.0, 0.0, 40.0])), [0.0, 1.0, 1.0], False),
    "Categorical": (lambda L: L.distributions.Categorical(probs=t(L, [[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])), [2.0, 1.0],
                    False),
    "Categorical_logits": (lambda L: L.distributions.Categorical(logits=t(L, [[1.0, -2.0, 0.5, 3.0]])), [3.0], False),
    "OneHotCategorical": (lambda L: L.distributions.OneHotCategorical(t(L, [0.1, 0.2, 0.7])), [0.0, 0.0, 1.0], False),
    "Binomial": (lambda L: L.distributions.Binomial(10, t(L, [0.2, 0.5, 0.95])), [3.0, 5.0, 10.0], False),
    "Binomial_logits": (lambda L: L.distributions.Binomial(t(L, [4.0, 7.0]), logits=t(L, [0.3, -1.0])), [2.0, 0.0],
                        False),
    "Multinomial": (lambda L: L.distributions.Multinomial(6, t(L, [0.2, 0.3, 0.5])), [1.0, 2.0, 3.0], False),
    "Geometric": (lambda L: L.distributions.Geometric(t(L, [0.2, 0.7])), [3.0, 0.0], False),
    "NegativeBinomial": (lambda L: L.distributions.NegativeBinomial(t(L, [3.0, 0.5]), t(L, [0.4, 0.8])), [2.0, 5.0],
                         False),
    "Poisson": (lambda L: L.distributions.Poisson(t(L, [0.5, 4.0, 30.0])), [0.0, 3.0, 28.0], False),
    "Exponential": (lambda L: L.distributions.Exponential(t(L, [0.5, 2.0])), [1.5, 0.1], True),
    "Gamma": (lambda L: L.distributions.Gamma(t(L, [0.5, 2.0, 9.0]), t(L, [1.0, 3.0, 0.5])), [0.3, 1.0, 20.0], False),
    "Chi2": (lambda L: L.distributions.Chi2(t(L, [1.0, 4.0])), [0.5, 3.0], False),
    "Beta": (lambda L: L.distributions.Beta(t(L, [0.5, 2.0, 3.0]), t(L, [0.5, 5.0, 1.0])), [0.1, 0.3, 0.9], False),
    "Beta_scalar": (lambda L: L.distributions.Beta(2.0, 3.0), 0.25, False),
    "Dirichlet": (lambda L: L.distributions.Dirichlet(t(L, [[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])),
                  [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], False),
    "MultivariateNormal_cov": (lambda L: L.distributions.MultivariateNormal(t(L, [0.5, -1.0, 2.0]), _spd(L)),
                               [1.0, 0.0, 1.5], False),
    "MultivariateNormal_tril": (lambda L: L.distributions.MultivariateNormal(
        t(L, [[0.0, 0.0], [1.0, -1.0]]), scale_tril=t(L, [[2.0, 0.0], [0.5, 1.5]])), [[0.3, 0.4], [1.0, 2.0]], False),
    "MultivariateNormal_prec": (lambda L: L.distributions.MultivariateNormal(t(L, [0.5, -1.0, 2.0]),
                                                                             precision_matrix=_spd(L)),
                                [1.0, 0.0, 1.5], False),
    "LowRankMultivariateNormal": (lambda L: L.distributions.LowRankMultivariateNormal(
        t(L, [0.0, 1.0, -1.0]), t(L, [[1.0, 0.5], [0.0, 2.0], [-1.0, 0.3]]), t(L, [0.5, 1.0, 2.0])),
        [0.5, 0.5, 0.5], False),
    "Independent": (lambda L: L.distributions.Independent(
        L.distributions.Normal(t(L, [[0.0, 1.0], [2.0, 3.0]]), t(L, [[1.0, 2.0], [0.5, 1.0]])), 1),
        [[0.5, 1.5], [2.5, 3.0]], False),
    "LogNormal": (lambda L: L.distributions.LogNormal(t(L, [0.0, 1.0]), t(L, [1.0, 0.5])), [0.5, 3.0], True),
    "HalfNormal": (lambda L: L.distributions.HalfNormal(t(L, [1.0, 2.0])), [0.5, 3.0], True),
    "HalfCauchy": (lambda L: L.distributions.HalfCauchy(t(L, [1.0, 2.0])), [0.5, 3.0], True),
    "Cauchy": (lambda L: L.distributions.Cauchy(t(L, [0.0, 1.0]), t(L, [1.0, 0.5])), [0.5, -3.0], True),
    "Laplace": (lambda L: L.distributions.Laplace(t(L, [0.0, 1.0]), t(L, [1.0, 0.5])), [0.5, -3.0], True),
    "Gumbel": (lambda L: L.distributions.Gumbel(t(L, [0.0, 1.0]), t(L, [1.0, 0.5])), [0.5, -1.0], True),
    "StudentT": (lambda L: L.distributions.StudentT(t(L, [0.5, 1.5, 3.0, 10.0]), t(L, [0.0, 1.0, 0.0, -1.0]),
                                                    t(L, [1.0, 2.0, 0.5, 1.0])), [0.5, -3.0, 0.1, 2.0], False),
    "Pareto": (lambda L: L.distributions.Pareto(t(L, [1.0, 2.0, 0.5]), t(L, [0.5, 1.5, 3.0])), [1.5, 2.0, 4.0], True),
    "Weibull": (lambda L: L.distributions.Weibull(t(L, [1.0, 2.0]), t(L, [0.5, 3.0])), [0.7, 2.5], True),
    "Kumaraswamy": (lambda L: L.distributions.Kumaraswamy(t(L, [0.5, 2.0]), t(L, [0.7, 3.0])), [0.3, 0.6], True),
    "InverseGamma": (lambda L: L.distributions.InverseGamma(t(L, [1.5, 3.0]), t(L, [1.0, 2.0])), [0.5, 1.5], False),
    "FisherSnedecor": (lambda L: L.distributions.FisherSnedecor(t(L, [1.0, 5.0, 8.0]), t(L, [2.0, 5.0, 10.0])),
                       [0.5, 1.2, 2.0], False),
    "VonMises": (lambda L: L.distributions.VonMises(t(L, [0.0, 1.0]), t(L, [0.5, 10.0])), [0.5, 1.2], False),
    "ContinuousBernoulli": (lambda L: L.distributions.ContinuousBernoulli(t(L, [0.2, 0.5, 0.9])), [0.3, 0.5, 0.7],
                            True),
    "ContinuousBernoulli_logits": (lambda L: L.distributions.ContinuousBernoulli(logits=t(L, [-2.0, 0.001, 3.0])),
                                   [0.3, 0.5, 0.7], True),
    "LogisticNormal": (lambda L: L.distributions.LogisticNormal(t(L, [0.0, 1.0]), t(L, [1.0, 0.5])), [0.2, 0.5, 0.3],
                       False),
    "RelaxedBernoulli": (lambda L: L.distributions.RelaxedBernoulli(t(L, 0.7), t(L, [0.2, 0.6])), [0.3, 0.9], False),
    "RelaxedOneHotCategorical": (lambda L: L.distributions.RelaxedOneHotCategorical(t(L, 0.7), t(L, [0.2, 0.3, 0.5])),
                                 [0.1, 0.2, 0.7], False),
    # float32: PyTorch's GeneralizedPareto compares with a float32 zero and fails for float64 parameters
    "GeneralizedPareto": (lambda L: L.distributions.GeneralizedPareto(L.tensor([0.0, 1.0, 0.0]), L.tensor([1.0, 2.0, 0.5]),
                                                                      L.tensor([0.0, 0.3, -0.2])), [0.5, 2.0, 1.0], True),
    "LKJCholesky": (lambda L: L.distributions.LKJCholesky(3, t(L, [0.5, 2.0])),
                    np.linalg.cholesky(np.array([[1.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.0]])).tolist(),
                    False),
    "Wishart": (lambda L: L.distributions.Wishart(t(L, [4.0, 6.0]), _spd(L, 3, (2,))),
                (np.eye(3) * 2 + 0.5).tolist(), False),
    "MixtureSameFamily": (lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(t(L, [0.3, 0.7])), L.distributions.Normal(t(L, [-1.0, 2.0]), t(L, [0.5, 1.0]))),
        [0.5], False),
    "MixtureSameFamily_mvn": (lambda L: L.distributions.MixtureSameFamily(
        L.distributions.Categorical(t(L, [0.3, 0.7])),
        L.distributions.Independent(L.distributions.Normal(t(L, [[-1.0, 0.0], [2.0, 1.0]]), t(L, [[0.5, 1.0], [1.0, 2.0]])),
                                    1)), [[0.5, 0.2]], False),
    "TransformedDistribution": (lambda L: L.distributions.TransformedDistribution(
        L.distributions.Normal(t(L, [0.0, 1.0]), t(L, [1.0, 2.0])),
        [L.distributions.AffineTransform(1.0, -2.0), L.distributions.ExpTransform()]), [0.5, 2.0], True),
}
