"""Lazy modules: LazyLinear, LazyConv*/LazyConvTranspose*, LazyBatchNorm*/LazyInstanceNorm* infer their input
size (in_features, in_channels, num_features) from the first forward, then become the ordinary module."""
import rtorch
from rtorch.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from rtorch.nn.modules.conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from rtorch.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from rtorch.nn.modules.linear import Linear
from rtorch.nn.parameter import UninitializedBuffer, UninitializedParameter, is_lazy

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
           "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
           "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class LazyModuleMixin:
    r"""Mixin of the modules whose parameter shapes are fixed by their first input.

    Until then their parameters are :class:`~rtorch.nn.parameter.UninitializedParameter`; a forward pre-hook
    calls ``initialize_parameters(*input)`` on the first call, after which the module's class becomes
    ``cls_to_become`` (LazyLinear becomes Linear).
    """

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self):
        """Whether a parameter or buffer still waits for the first forward."""
        return any(is_lazy(t) for t in list(self._parameters.values()) + list(self._buffers.values())
                   if t is not None)

    def initialize_parameters(self, *args, **kwargs):
        """Materialize the parameters for the input ``args`` (each lazy module defines it)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")


def _infer_parameters(module, args):
    """The lazy modules' forward pre-hook: materialize, then become the ordinary module."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    r"""A :class:`Linear` whose ``in_features`` is the last dimension of its first input.

    Args:
        out_features (int): the output size.
        bias (bool): learn an additive bias. Default: ``True``.

    Example::

        >>> m = rtorch.nn.LazyLinear(3)
        >>> m(rtorch.ones(2, 5)).shape, type(m).__name__
        (rtorch.Size([2, 3]), 'Linear')
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.out_features = out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        """Initialises the parameters once they have a shape (a no-op before the first forward)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Materializes ``weight`` (out_features, input.shape[-1]) and ``bias``, then initialises them."""
        if self.has_uninitialized_params():
            if input.dim() == 0:
                raise RuntimeError("LazyLinear: the input must have at least 1 dimension (got a 0-d tensor)")
            with rtorch.no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


class _LazyConvMixin(LazyModuleMixin):
    """in_channels from the first input (dim 1, or dim 0 unbatched) for the lazy convolutions."""

    def _lazy_init(self, bias, device, dtype):
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        """Initialises the parameters once they have a shape (a no-op before the first forward)."""
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        """Materializes ``weight`` and ``bias`` for the channels of ``input``, then initialises them."""
        if self.has_uninitialized_params():
            if input.dim() not in (self._n + 1, self._n + 2):
                raise RuntimeError(f"Expected {self._n + 1}D (unbatched) or {self._n + 2}D (batched) input to "
                                   f"{type(self).__name__}, but got input of size: {list(input.shape)}")
            self.in_channels = input.shape[0] if input.dim() == self._n + 1 else input.shape[1]
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups)
            else:
                shape = (self.out_channels, self.in_channels // self.groups)
            with rtorch.no_grad():
                self.weight.materialize((*shape, *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()


def _lazy_conv(base, transposed):
    if transposed:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                     dilation=1, padding_mode="zeros", device=None, dtype=None):
            base.__init__(self, 0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                          padding_mode)
            self.out_channels = out_channels
            self._lazy_init(bias, device, dtype)
    else:
        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            base.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode)
            self.out_channels = out_channels
            self._lazy_init(bias, device, dtype)
    name = "Lazy" + base.__name__
    doc = (f"A :class:`{base.__name__}` whose ``in_channels`` is the channel count of its first input.\n\n"
           f"    The arguments are those of :class:`{base.__name__}` without ``in_channels``.\n")
    return type(name, (_LazyConvMixin, base), {"__init__": __init__, "cls_to_become": base, "__doc__": doc,
                                                "__module__": __name__, "__qualname__": name})


LazyConv1d = _lazy_conv(Conv1d, False)
LazyConv2d = _lazy_conv(Conv2d, False)
LazyConv3d = _lazy_conv(Conv3d, False)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d, True)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d, True)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d, True)


class _LazyNormMixin(LazyModuleMixin):
    """num_features from the first input for the lazy batch and instance norms."""

    def _lazy_init(self, device, dtype):
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if self.bias is not None or self._lazy_bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = rtorch.tensor(0, dtype=rtorch.int64, device=device)

    def reset_parameters(self):
        """Initialises the parameters and statistics once they have a shape (a no-op before the first forward)."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Materializes the parameters and running statistics for the channels of ``input``."""
        if self.has_uninitialized_params():
            if input.dim() < 2:
                raise ValueError(f"{type(self).__name__}: expected at least 2D input (got {input.dim()}D input)")
            self.num_features = input.shape[1]  # dim 1 even for an unbatched instance norm input, as PyTorch
            with rtorch.no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    if self.bias is not None:
                        self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    dev, dt = self.running_mean.device, self.running_mean.dtype
                    self.running_mean = rtorch.zeros(self.num_features, device=dev, dtype=dt)
                    self.running_var = rtorch.ones(self.num_features, device=dev, dtype=dt)
                self.reset_parameters()


def _lazy_norm(base, affine_default, track_default):
    def __init__(self, eps=1e-5, momentum=0.1, affine=affine_default, track_running_stats=track_default,
                 device=None, dtype=None, *, bias=True):
        base.__init__(self, 0, eps, momentum, False, False, bias=bias)
        self.affine = affine
        self.track_running_stats = track_running_stats
        self._lazy_bias = bias
        self._lazy_init(device, dtype)
    name = "Lazy" + base.__name__
    doc = (f"A :class:`{base.__name__}` whose ``num_features`` is the channel count of its first input.\n\n"
           f"    The arguments are those of :class:`{base.__name__}` without ``num_features``.\n")
    return type(name, (_LazyNormMixin, base), {"__init__": __init__, "cls_to_become": base, "__doc__": doc,
                                                "__module__": __name__, "__qualname__": name})


LazyBatchNorm1d = _lazy_norm(BatchNorm1d, True, True)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, True, True)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, True, True)
# PyTorch's lazy instance norms default to affine=True, track_running_stats=True (unlike InstanceNorm*d).
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, True, True)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, True, True)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, True, True)
