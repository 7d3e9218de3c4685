"""MultivariateNormal: the Gaussian over vectors, parameterised by a covariance, precision or Cholesky factor."""
import math

import rtorch

from . import constraints
from .distribution import Distribution
from .utils import _standard_normal, lazy_property

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat, bvec):
    """Matrix-vector products broadcast over batch dims: ``(*, n, m) x (*, m) -> (*, n)``."""
    return rtorch.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """``|L^{-1} x|^2`` for lower-triangular ``L (*, n, n)`` and ``x (..., *, n)`` (batch dims broadcast).

    ``L`` is broadcast to ``x``'s batch shape before one batched triangular solve.
    """
    batch = rtorch.broadcast_shapes(tuple(bL.shape[:-2]), tuple(bx.shape[:-1]))
    n = bx.shape[-1]
    L = bL.expand(tuple(batch) + (n, n))
    x = bx.expand(tuple(batch) + (n,)).unsqueeze(-1)
    return rtorch.linalg.solve_triangular(L, x, upper=False).squeeze(-1).pow(2).sum(-1)


def _precision_to_scale_tril(P):
    """The lower Cholesky factor of ``P^{-1}`` without forming the inverse (Cholesky of the flipped matrix)."""
    Lf = rtorch.linalg.cholesky(rtorch.flip(P, (-2, -1)))
    L_inv = rtorch.transpose(rtorch.flip(Lf, (-2, -1)), -2, -1)
    Id = rtorch.eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return rtorch.linalg.solve_triangular(L_inv, Id, upper=False)


class MultivariateNormal(Distribution):
    r"""The multivariate normal distribution with mean ``loc`` and a positive-definite covariance.

    The covariance is given as ``covariance_matrix``, ``precision_matrix`` (its inverse) or ``scale_tril``
    (its lower Cholesky factor).

    Args:
        loc (Tensor): the mean ``(*, n)``.
        covariance_matrix (Tensor): positive-definite covariance ``(*, n, n)``.
        precision_matrix (Tensor): positive-definite precision ``(*, n, n)``.
        scale_tril (Tensor): lower-triangular factor with positive diagonal ``(*, n, n)`` (the most efficient).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> m = MultivariateNormal(rtorch.zeros(2), rtorch.eye(2))
        >>> m.sample().shape
        rtorch.Size([2])
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        for name, matrix in (("scale_tril", scale_tril), ("covariance_matrix", covariance_matrix),
                             ("precision_matrix", precision_matrix)):
            if matrix is None:
                continue
            if matrix.dim() < 2:
                label = "scale_tril matrix" if name == "scale_tril" else name  # PyTorch's wording
                raise ValueError(f"{label} must be at least two-dimensional, with optional leading batch dimensions")
            batch_shape = rtorch.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1]))
            self.__dict__[name] = matrix.expand(tuple(batch_shape) + (-1, -1))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        event_shape = self.loc.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = rtorch.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_params(MultivariateNormal, batch_shape, _instance,
                                  ("loc", "covariance_matrix", "precision_matrix", "scale_tril"))
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        return new

    def _full(self, matrix):
        return matrix.expand(tuple(self._batch_shape) + tuple(self._event_shape) + tuple(self._event_shape))

    @lazy_property
    def scale_tril(self):
        """The lower Cholesky factor of the covariance."""
        return self._full(self._unbroadcasted_scale_tril)

    @lazy_property
    def covariance_matrix(self):
        """The covariance matrix."""
        L = self._unbroadcasted_scale_tril
        return self._full(rtorch.matmul(L, L.mT))

    @lazy_property
    def precision_matrix(self):
        """The precision (inverse covariance) matrix."""
        return self._full(rtorch.cholesky_inverse(self._unbroadcasted_scale_tril))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(tuple(self._batch_shape) + tuple(self._event_shape))

    def rsample(self, sample_shape=rtorch.Size()):
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + M) - half_log_det

    def entropy(self):
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + half_log_det
        if len(self._batch_shape) == 0:
            return H
        return H.expand(self._batch_shape)
