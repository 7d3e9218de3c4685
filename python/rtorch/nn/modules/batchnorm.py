"""Batch normalisation layers: BatchNorm1d and BatchNorm2d (running statistics kept as buffers)."""
import rtorch
from rtorch.nn import functional as F
from rtorch.nn.modules.normalization import _AffineNorm

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(_AffineNorm):
    """Shared parameters, buffers, running-statistics update and repr of the batch-norm layers."""

    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self._init_affine(num_features, device, dtype, weight=affine, bias=affine)
        if track_running_stats:
            self.register_buffer("running_mean", rtorch.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", rtorch.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", rtorch.tensor(0, dtype=rtorch.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Resets ``running_mean`` to zeros, ``running_var`` to ones and ``num_batches_tracked`` to 0."""
        if self.track_running_stats:
            with rtorch.no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1.0)
                self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Resets the running statistics and the affine ``weight`` (ones) and ``bias`` (zeros)."""
        self.reset_running_stats()
        super().reset_parameters()

    def _check_input_dim(self, input):
        raise NotImplementedError

    def forward(self, input):
        """Normalises ``input`` per channel (dim 1): batch statistics in training, running ones in eval mode.

        While training with ``track_running_stats``, the running estimates are updated in place.
        """
        self._check_input_dim(input)
        # momentum=None means a cumulative moving average: the factor is 1 / (number of batches seen)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with rtorch.no_grad():
                self.num_batches_tracked.add_(1)
            factor = 1.0 / int(self.num_batches_tracked.item()) if self.momentum is None else self.momentum
        # in eval mode without running statistics, batch statistics are used
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch_stats, factor, self.eps)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    r"""Batch normalisation over a (N, C) or (N, C, L) input, per channel C.

    :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta`, with batch statistics
    while training (and running estimates updated with ``momentum``), running estimates in eval mode.

    Args:
        num_features: the number of channels C
        eps: added to the variance for numerical stability. Default: 1e-5
        momentum: weight of each batch in the running estimates; ``None`` for a cumulative average.
            Default: 0.1
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros). Default: ``True``
        track_running_stats: keep the ``running_mean``, ``running_var`` and ``num_batches_tracked`` buffers;
            if ``False`` batch statistics are used in eval mode too. Default: ``True``

    Example::

        >>> import rtorch
        >>> bn = rtorch.nn.BatchNorm1d(2)
        >>> y = bn(rtorch.tensor([[1.0, 2.0], [3.0, 6.0]]))
        >>> bn.running_mean, bn.running_var
        (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """

    def _check_input_dim(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input of size {list(input.shape)})")


class BatchNorm2d(_BatchNorm):
    r"""Batch normalisation over a (N, C, H, W) input, per channel C.

    The arguments and the buffers are those of :class:`BatchNorm1d`.
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input of size {list(input.shape)})")
