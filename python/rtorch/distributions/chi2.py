"""Chi2: the chi-squared distribution, Gamma(df / 2, 1 / 2)."""
import rtorch

from . import constraints
from .gamma import Gamma

__all__ = ["Chi2"]


class Chi2(Gamma):
    r"""The chi-squared distribution with ``df`` degrees of freedom: ``Gamma(df / 2, rate=1/2)``.

    Args:
        df (float or Tensor): the degrees of freedom, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> bool(Chi2(rtorch.tensor([1.0])).sample() > 0)
        True
    """

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        df = rtorch.as_tensor(df, dtype=rtorch.get_default_dtype()) if not isinstance(df, rtorch.Tensor) else df
        super().__init__(0.5 * df, rtorch.tensor(0.5, dtype=df.dtype, device=df.device).expand(df.shape),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Chi2, _instance)
        return super().expand(batch_shape, new)

    @property
    def df(self):
        """The degrees of freedom."""
        return self.concentration * 2
