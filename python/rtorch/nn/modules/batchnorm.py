"""Batch normalisation layers: BatchNorm1d/2d/3d and SyncBatchNorm (running statistics kept as buffers)."""
import rtorch
from rtorch.nn import functional as F
from rtorch.nn.modules.normalization import _AffineNorm

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


class _NormBase(_AffineNorm):
    """Shared parameters, buffers, running-statistics reset and repr of the batch- and instance-norm layers."""

    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self._init_affine(num_features, device, dtype, weight=affine, bias=affine and bias)
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

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Shared running-statistics update and forward of the batch-norm layers."""

    def _check_input_dim(self, input):
        raise NotImplementedError

    def _factor(self):
        """The running-statistics factor for this step (counting the batch while training)."""
        # momentum=None means a cumulative moving average: the factor is 1 / (number of batches seen)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with rtorch.no_grad():
                self.num_batches_tracked.add_(1)
            factor = 1.0 / int(self.num_batches_tracked.item()) if self.momentum is None else self.momentum
        return factor

    def forward(self, input):
        """Normalises ``input`` per channel (dim 1): batch statistics in training, running ones in eval mode.

        While training with ``track_running_stats``, the running estimates are updated in place.
        """
        self._check_input_dim(input)
        factor = self._factor()
        # in eval mode without running statistics, batch statistics are used
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch_stats, factor, self.eps)


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


class BatchNorm3d(_BatchNorm):
    r"""Batch normalisation over a (N, C, D, H, W) input, per channel C.

    The arguments and the buffers are those of :class:`BatchNorm1d`.
    """

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class _AllReduceSum(rtorch.autograd.Function):
    """Sum a tensor over the ranks of a process group; the gradient is summed the same way (every rank's loss
    depends on the global sum)."""

    @staticmethod
    def forward(ctx, tensor, group):
        ctx.group = group
        out = tensor.clone()
        rtorch.distributed.all_reduce(out, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        rtorch.distributed.all_reduce(grad, group=ctx.group)
        return grad, None


class SyncBatchNorm(_BatchNorm):
    r"""Batch normalisation whose batch statistics are computed over every rank of a process group.

    In training with an initialised process group of more than one rank, the per-channel sum, sum of squares and
    count are all-reduced through :mod:`rtorch.distributed` (gradients too), so every rank normalises with the
    statistics of the global batch; otherwise (one process, eval mode) it is :class:`BatchNorm2d` for any
    (N, C, *) input.

    Args:
        num_features (int): C.
        eps, momentum, affine, track_running_stats, bias: as :class:`BatchNorm1d`.
        process_group (optional): the group to synchronise over. Default: the world.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _world(self):
        dist = rtorch.distributed
        if not (self.training and dist.is_available() and dist.is_initialized()):
            return 1
        return dist.get_world_size(self.process_group)

    def forward(self, input):
        """Normalises ``input`` per channel (dim 1) with the statistics of the batch over all ranks."""
        if self._world() <= 1:
            return super().forward(input)
        self._check_input_dim(input)
        if input.shape[1] != self.num_features:
            raise ValueError(f"SyncBatchNorm: expected {self.num_features} channels, got {input.shape[1]}")
        factor = self._factor()
        dims = [0] + list(range(2, input.dim()))
        count = input.numel() // max(input.shape[1], 1)
        local = rtorch.cat([input.sum(dims), (input * input).sum(dims),
                            input.new_full((1,), float(count))])
        total = _AllReduceSum.apply(local, self.process_group)
        c = self.num_features
        n = total[2 * c]
        mean = total[:c] / n
        var = (total[c:2 * c] / n - mean * mean).clamp_min(0)
        if self.track_running_stats and self.running_mean is not None:
            with rtorch.no_grad():
                nn_ = float(n.item())
                unbiased = var.detach() * (nn_ / max(nn_ - 1, 1))
                self.running_mean.mul_(1 - factor).add_(mean.detach() * factor)
                self.running_var.mul_(1 - factor).add_(unbiased * factor)
        shape = [1, c] + [1] * (input.dim() - 2)
        out = (input - mean.reshape(shape)) * (var + self.eps).rsqrt().reshape(shape)
        if self.weight is not None:
            out = out * self.weight.reshape(shape)
        if self.bias is not None:
            out = out + self.bias.reshape(shape)
        return out

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Returns ``module`` with every batch-norm layer replaced by a SyncBatchNorm holding its state."""
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group, bias=module.bias is not None)
            if module.affine:
                with rtorch.no_grad():
                    out.weight = module.weight
                    out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
