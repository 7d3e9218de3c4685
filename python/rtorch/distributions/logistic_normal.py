"""LogisticNormal: a normal vector mapped onto the simplex by stick-breaking."""
from . import constraints
from .independent import Independent
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import StickBreakingTransform

__all__ = ["LogisticNormal"]


class LogisticNormal(TransformedDistribution):
    r"""The logistic-normal distribution: a normal vector mapped onto the simplex by stick-breaking.

    ``StickBreakingTransform()(X)`` for ``X ~ Normal(loc, scale)`` over the last dim: ``K - 1`` normals give a
    point of the ``K``-simplex.

    Args:
        loc (float or Tensor): the mean of the base normal.
        scale (float or Tensor): its standard deviation, > 0.
        validate_args (bool, optional): whether to validate parameters and values.

    Example::

        >>> import rtorch
        >>> LogisticNormal(rtorch.zeros(3), rtorch.ones(3)).sample().shape
        rtorch.Size([4])
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        base_dist = Normal(loc, scale, validate_args=validate_args)
        if not base_dist.batch_shape:
            base_dist = base_dist.expand([1])
        super().__init__(Independent(base_dist, 1), StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LogisticNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def loc(self):
        """The mean of the base normal."""
        return self.base_dist.base_dist.loc

    @property
    def scale(self):
        """The standard deviation of the base normal."""
        return self.base_dist.base_dist.scale
