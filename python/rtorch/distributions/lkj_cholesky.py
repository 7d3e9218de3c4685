"""LKJCholesky: the LKJ distribution over Cholesky factors of correlation matrices."""
import math

import rtorch

from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    r"""The LKJ distribution of the lower Cholesky factor ``L`` of a ``dim x dim`` correlation matrix:
    ``p(L) ~ prod_i L_ii^(dim - i + 2 (concentration - 1))`` (Lewandowski, Kurowicka & Joe, 2009), sampled by
    the onion method.

    Args:
        dim (int): the matrix size, >= 2.
        concentration (float or Tensor): the shape, > 0 (1: uniform over correlation matrices).
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> L = LKJCholesky(3, 0.5).sample()
        >>> bool(((L @ L.T).diagonal() - 1).abs().max() < 1e-5)
        True
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        batch_shape = self.concentration.size()
        event_shape = rtorch.Size((dim, dim))
        # the onion method draws each row's squared norm of the off-diagonal part from a Beta
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = rtorch.arange(self.dim - 1, dtype=self.concentration.dtype, device=self.concentration.device)
        offset = rtorch.cat([offset.new_zeros((1,)), offset])
        beta_conc1 = offset + 0.5
        beta_conc0 = marginal_conc.unsqueeze(-1) - 0.5 * offset
        self._beta = Beta(beta_conc1, beta_conc0)
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = rtorch.Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=rtorch.Size()):
        with rtorch.no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u_normal = rtorch.randn(self._extended_shape(sample_shape), dtype=y.dtype, device=y.device).tril(-1)
            norm = u_normal.norm(dim=-1, keepdim=True)
            u_hypersphere = u_normal / rtorch.where(norm > 0, norm, rtorch.ones_like(norm))  # row 0 has no entries
            w = rtorch.sqrt(y) * u_hypersphere
            eps = rtorch.finfo(w.dtype).tiny
            diag_elems = rtorch.clamp(1 - rtorch.sum(w ** 2, dim=-1), min=eps).sqrt()
            return w + rtorch.diag_embed(diag_elems)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = rtorch.arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = rtorch.sum(order * diag_elems.log(), dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = rtorch.lgamma(alpha) * dm1
        numerator = rtorch.mvlgamma(alpha - 0.5, dm1)
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized_log_pdf - (pi_constant + numerator - denominator)
