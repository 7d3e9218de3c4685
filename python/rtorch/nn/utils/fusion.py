"""nn.utils.fusion: fold an eval-mode batch norm into the convolution or linear layer before it."""
import copy

import rtorch
from rtorch.nn.parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    r"""The (weight, bias) parameters of a convolution followed by a batch norm with these statistics.

    Args:
        conv_w, conv_b: the convolution's weight and bias (``None`` for none).
        bn_rm, bn_rv, bn_eps: the batch norm's running mean, running variance and eps.
        bn_w, bn_b: its affine weight and bias (``None`` for none).
        transpose (bool): the convolution is transposed (output channels on dim 1). Default: ``False``.
    """
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    if conv_b is None:
        conv_b = rtorch.zeros_like(bn_rm)
    if bn_w is None:
        bn_w = rtorch.ones_like(bn_rm)
    if bn_b is None:
        bn_b = rtorch.zeros_like(bn_rm)
    rsqrt = (bn_rv + bn_eps).rsqrt()
    shape = [1, -1] if transpose else [-1, 1]
    shape += [1] * (conv_w.dim() - 2)
    fused_w = (conv_w * (bn_w * rsqrt).reshape(shape)).to(w_dtype)
    fused_b = ((conv_b - bn_rm) * rsqrt * bn_w + bn_b).to(b_dtype)
    return Parameter(fused_w.detach(), conv_w.requires_grad), Parameter(fused_b.detach(), conv_b.requires_grad)


def fuse_conv_bn_eval(conv, bn, transpose=False):
    r"""A copy of ``conv`` whose output equals ``bn(conv(x))`` for the eval-mode ``bn``.

    Example::

        >>> conv, bn = rtorch.nn.Conv2d(2, 3, 1).eval(), rtorch.nn.BatchNorm2d(3).eval()
        >>> fused = rtorch.nn.utils.fuse_conv_bn_eval(conv, bn)
        >>> x = rtorch.randn(1, 2, 4, 4)
        >>> bool(((fused(x) - bn(conv(x))).abs() < 1e-5).all())
        True
    """
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("fuse_conv_bn_eval: the batch norm needs running statistics")
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    r"""The (weight, bias) parameters of a linear layer followed by a batch norm with these statistics."""
    w_dtype = linear_w.dtype
    b_dtype = linear_b.dtype if linear_b is not None else w_dtype
    if linear_b is None:
        linear_b = rtorch.zeros_like(bn_rm)
    if bn_w is None:
        bn_w = rtorch.ones_like(bn_rm)
    if bn_b is None:
        bn_b = rtorch.zeros_like(bn_rm)
    scale = bn_w * (bn_rv + bn_eps).rsqrt()
    fused_w = (linear_w * scale.unsqueeze(-1)).to(w_dtype)
    fused_b = ((linear_b - bn_rm) * scale + bn_b).to(b_dtype)
    return Parameter(fused_w.detach(), linear_w.requires_grad), Parameter(fused_b.detach(), linear_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    r"""A copy of ``linear`` whose output equals ``bn(linear(x))`` for the eval-mode ``bn``."""
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    if not (linear.out_features == bn.num_features or bn.num_features == 1):
        raise AssertionError("To fuse, linear.out_features == bn.num_features or bn.num_features == 1")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("fuse_linear_bn_eval: the batch norm needs running statistics")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused
