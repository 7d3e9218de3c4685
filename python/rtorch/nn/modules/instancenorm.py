"""Instance normalisation layers: InstanceNorm1d/2d/3d (optional affine parameters and running statistics)."""
import warnings

from rtorch.nn import functional as F
from rtorch.nn.modules.batchnorm import _NormBase

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_NormBase):
    """Shared forward of the instance-norm layers; ``_dims`` is the input rank with a batch dimension."""

    _dims = 3

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        """Normalises each channel of each sample of ``input`` over its spatial elements."""
        d = input.dim()
        if d not in (self._dims - 1, self._dims):
            raise ValueError(f"expected {self._dims - 1}D or {self._dims}D input (got {d}D input)")
        channel_dim = d - self._dims + 1
        if input.shape[channel_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={channel_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.shape[channel_dim]}.")
            warnings.warn(f"input's size at dim={channel_dim} does not match num_features. You can silence this "
                          f"warning by not passing in num_features, which is not used because affine=False")
        unbatched = d == self._dims - 1
        x = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats, self.momentum
                              if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    r"""Instance normalisation of (N, C, L) or (C, L) inputs, per sample and channel.

    Args:
        num_features (int): C.
        eps (float): added to the variance. Default: 1e-5.
        momentum (float): running statistics update factor. Default: 0.1.
        affine (bool): learn a per-channel scale and shift. Default: ``False``.
        track_running_stats (bool): keep running statistics (used in eval mode). Default: ``False``.
        bias (bool): learn the shift too (with ``affine``). Default: ``True``.
    """

    _dims = 3


class InstanceNorm2d(_InstanceNorm):
    r"""Instance normalisation of (N, C, H, W) or (C, H, W) inputs; arguments as :class:`InstanceNorm1d`."""

    _dims = 4


class InstanceNorm3d(_InstanceNorm):
    r"""Instance normalisation of (N, C, D, H, W) or (C, D, H, W) inputs; arguments as :class:`InstanceNorm1d`."""

    _dims = 5
