"""nn.functional losses: mse, l1, smooth_l1, huber, nll, cross_entropy (fused on the CPU), binary cross entropy (with
logits), kl_div; and composed from tensor ops: cosine/hinge embedding, margin ranking, (multi)margin, multilabel
margin / soft margin, soft margin, triplet margin (with distance), Poisson and Gaussian NLL."""
import math

import rtorch
from rtorch.nn._functional.activation import logsigmoid
from rtorch.nn._functional.distance import pairwise_distance
from rtorch.nn._functional._util import _get_reduction, _grad_fn_name, _named, reduce as _reduce


def _size(t):
    """A shape as PyTorch's messages print it (``torch.Size([2, 3])``: programs run as ``import rtorch as torch``)."""
    return f"torch.Size({list(t.shape)})"


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    r"""Cosine embedding loss: pulls pairs labelled 1 together, pushes pairs labelled -1 apart.

    The loss is :math:`1 - \cos(x_1, x_2)` for ``target == 1`` and :math:`\max(0, \cos(x_1, x_2) - \text{margin})`
    for ``target == -1``.

    Args:
        input1 (Tensor): (N, D) or (D,).
        input2 (Tensor): same shape as ``input1``.
        target (Tensor): (N,) or 0-d of 1 / -1.
        margin (float): in [-1, 1]. Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> x = rtorch.tensor([[1.0, 0.0], [1.0, 0.0]])
        >>> rtorch.nn.functional.cosine_embedding_loss(x, rtorch.tensor([[0.0, 1.0], [1.0, 0.0]]),
        ...                                            rtorch.tensor([1.0, -1.0]))
        tensor(1.)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    eps = 1e-12  # PyTorch's EPSILON for this loss: keeps the norms of zero vectors positive
    dim = input1.dim() - 1
    prod = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    cos = prod / (mag1 * mag2).sqrt()
    zeros = cos.new_zeros(())
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    out = rtorch.where(target == 1, pos, zeros) + rtorch.where(target == -1, neg, zeros)
    return _reduce(out, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    r"""Hinge embedding loss for ``target`` in {1, -1}.

    The loss is :math:`x` where the target is 1 and :math:`\max(0, \text{margin} - x)` where it is -1.

    Args:
        input (Tensor): any shape (typically distances).
        target (Tensor): same shape, of 1 / -1.
        margin (float): Default: 1.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.hinge_embedding_loss(rtorch.tensor([0.3, 0.2]), rtorch.tensor([1.0, -1.0]))
        tensor(0.5500)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    zeros = input.new_zeros(())
    margin_clamp = (margin - input).clamp_min(0)
    out = rtorch.where(target != 1, margin_clamp, zeros) + rtorch.where(target != -1, input, zeros)
    return _reduce(out, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    r"""Ranking loss :math:`\max(0, -y (x_1 - x_2) + \text{margin})`.

    ``target`` 1 asks for ``input1`` ranked higher, -1 for ``input2``.

    Args:
        input1 (Tensor): (N,) or 0-d.
        input2 (Tensor): same shape.
        target (Tensor): same shape, of 1 / -1.
        margin (float): Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.margin_ranking_loss(rtorch.tensor([1.0]), rtorch.tensor([2.0]), rtorch.tensor([1.0]))
        tensor(1.)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {_size(input1)}, input2: {_size(input2)}, target: {_size(target)} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    r"""Two-class logistic loss :math:`\log(1 + e^{-y x})` for ``target`` in {1, -1}.

    Args:
        input (Tensor): any shape.
        target (Tensor): same shape.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.soft_margin_loss(rtorch.tensor([0.0]), rtorch.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    return _reduce((-target * input).exp().log1p(), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    r"""Multi-label one-versus-all logistic loss, averaged over the C classes of each sample.

    Args:
        input (Tensor): (N, C) or (C,).
        target (Tensor): same shape, of 0 / 1.
        weight (Tensor, optional): (C,) per-class weights.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.multilabel_soft_margin_loss(rtorch.zeros(1, 2), rtorch.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.size(-1)  # a 0-d input fails here with PyTorch's IndexError
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


def _margin_batch(input):
    """(input as (N, C), whether it was 0-d/1-D) after PyTorch's shape check for the multi-class margin losses."""
    if input.dim() > 2 or (input.dim() == 2 and input.shape[1] == 0) or (input.dim() == 1 and input.numel() == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    vector = input.dim() <= 1
    return (input.reshape(1, -1) if vector else input), vector


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    r"""Multi-class hinge loss.

    For each sample, the mean over classes :math:`j \ne y` of :math:`\max(0, \text{margin} - x_y + x_j)^p`
    (times ``weight[y]``).

    Args:
        input (Tensor): (N, C) or (C,).
        target (Tensor): (N,) or 0-d/1-element class indices in [0, C).
        p (int): 1 or 2. Default: 1.
        margin (float): Default: 1.
        weight (Tensor, optional): (C,) per-class weights.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.multi_margin_loss(rtorch.tensor([[0.1, 0.2, 0.4, 0.8]]), rtorch.tensor([3]))
        tensor(0.3250)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _check_reduction(reduction)
    x, vector = _margin_batch(input)
    n, c = x.shape
    if (vector and target.numel() != 1) or (not vector and (target.dim() > 1 or target.numel() != n)):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    y = target.reshape(n, 1).to(rtorch.int64)
    if n and (bool((y < 0).any()) or bool((y >= c).any())):
        raise RuntimeError("target out of range")
    xy = x.gather(1, y)
    z = (margin - xy + x).clamp_min(0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight.index_select(0, y.reshape(-1)).reshape(n, 1)
    not_y = rtorch.arange(c, device=x.device).reshape(1, c) != y
    loss = rtorch.where(not_y, z, z.new_zeros(())).sum(1) / c
    if vector and reduction == "none":
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    r"""Multi-label hinge loss.

    ``target`` holds each sample's class indices, ended by the first -1; the loss sums
    :math:`\max(0, 1 - (x_j - x_k))` over its target classes j and non-target classes k, divided by C.

    Args:
        input (Tensor): (N, C) or (C,).
        target (Tensor): int64, same shape, class indices padded with -1.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.multilabel_margin_loss(rtorch.tensor([[0.1, 0.2, 0.4, 0.8]]),
        ...                                             rtorch.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x, vector = _margin_batch(input)
    n, c = x.shape
    if tuple(target.shape) != tuple(input.shape) and not (vector and target.numel() == c and target.dim() <= 1):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    t = target.reshape(n, c).to(rtorch.int64)
    if n and (bool((t < -1).any()) or bool((t >= c).any())):
        raise RuntimeError("argument #2 'target' is out of range")
    valid = (t != -1).to(rtorch.int64).cumprod(1) > 0        # the targets before the first -1
    safe_t = rtorch.where(valid, t, t.new_zeros(()))
    onehot = (safe_t.unsqueeze(2) == rtorch.arange(c, device=x.device).reshape(1, 1, c)) & valid.unsqueeze(2)
    is_target = onehot.any(1)                                 # (N, C)
    xt = x.gather(1, safe_t)                                  # x at each target slot (N, C)
    hinge = (1 - xt.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0)   # slot j against class k
    keep = valid.unsqueeze(2) & ~is_target.unsqueeze(1)
    loss = rtorch.where(keep, hinge, hinge.new_zeros(())).sum((1, 2)) / c
    if vector and reduction == "none":
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    r"""Triplet loss :math:`\max(d(a, p) - d(a, n) + \text{margin}, 0)` with the p-norm pairwise distance.

    Args:
        anchor (Tensor): (N, D) or (D,).
        positive (Tensor): same shape.
        negative (Tensor): same shape.
        margin (float): greater than 0. Default: 1.
        p (float): the norm degree. Default: 2.
        eps (float): added to differences (see :func:`pairwise_distance`). Default: 1e-6.
        swap (bool): use :math:`\min(d(a, n), d(p, n))` as the negative distance. Default: ``False``.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> a = rtorch.tensor([[0.0, 0.0]])
        >>> rtorch.nn.functional.triplet_margin_loss(a, rtorch.tensor([[3.0, 4.0]]), rtorch.tensor([[0.0, 1.0]]),
        ...                                          eps=0.0)
        tensor(5.)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")

    def dist(a, b):
        return pairwise_distance(a, b, p, eps)

    return _triplet(anchor, positive, negative, dist, margin, swap, reduction)


def _triplet(anchor, positive, negative, dist, margin, swap, reduction):
    a_dim, p_dim, n_dim = anchor.dim(), positive.dim(), negative.dim()
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = rtorch.minimum(d_neg, dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    r"""Triplet loss with a custom distance: :math:`\max(d(a, p) - d(a, n) + \text{margin}, 0)`.

    Args:
        anchor (Tensor): any shape the distance accepts.
        positive (Tensor): same number of dimensions.
        negative (Tensor): same number of dimensions.
        distance_function (callable, optional): (Tensor, Tensor) -> Tensor of distances; default
            :func:`pairwise_distance`.
        margin (float): greater than 0. Default: 1.
        swap (bool): use :math:`\min(d(a, n), d(p, n))` as the negative distance. Default: ``False``.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> a = rtorch.tensor([[0.0, 0.0]])
        >>> rtorch.nn.functional.triplet_margin_with_distance_loss(
        ...     a, rtorch.tensor([[1.0, 0.0]]), rtorch.tensor([[3.0, 0.0]]),
        ...     distance_function=lambda x, y: (x - y).abs().sum(-1))
        tensor(0.)
    """
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, distance_function or pairwise_distance, margin, swap, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    r"""Poisson negative log likelihood of ``target`` for the rate ``input`` (or ``exp(input)``).

    The constant :math:`\log(y!)` is dropped unless ``full`` (Stirling's approximation).

    Args:
        input (Tensor): the rate or its log.
        target (Tensor): counts, same shape.
        log_input (bool): ``input`` is the log-rate. Default: ``True``.
        full (bool): add the Stirling term for targets > 1. Default: ``False``.
        eps (float): added to the rate before the log when ``log_input=False``. Default: 1e-8.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.poisson_nll_loss(rtorch.tensor([0.0]), rtorch.tensor([2.0]))
        tensor(1.)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        safe = rtorch.where(target > 1, target, target.new_ones(()))
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + rtorch.where(target > 1, stirling, stirling.new_zeros(()))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    r"""Negative log likelihood of ``target`` under Gaussians of mean ``input`` and variance ``var``:
    :math:`\frac12 (\log \max(\text{var}, \epsilon) + (x - y)^2 / \max(\text{var}, \epsilon))` (+ const if ``full``).

    Args:
        input (Tensor): the means, (N, *) or (*).
        target (Tensor): samples, same shape.
        var (Tensor or float): positive variances: same shape as ``input``, one dimension short of it, with a single
            dimension of size 1, or a float.
        full (bool): include :math:`\frac12 \log 2\pi`. Default: ``False``.
        eps (float): the lower clamp of ``var`` (the clamp passes gradients through). Default: 1e-6.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.

    Example::

        >>> rtorch.nn.functional.gaussian_nll_loss(rtorch.tensor([0.0]), rtorch.tensor([2.0]), rtorch.tensor([1.0]))
        tensor(2.)
    """
    if not isinstance(var, (rtorch.Tensor, float, int)) or isinstance(var, bool):
        raise TypeError(f"gaussian_nll_loss(): argument 'var' (position 3) must be Tensor or float, not "
                        f"{type(var).__name__}")
    if not isinstance(var, rtorch.Tensor):
        var = float(var)
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * rtorch.ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.dim() == var.dim() and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    # PyTorch clamps a clone in place under no_grad: the value is clamped, the gradient passes unchanged.
    var = var + (var.detach().clamp(min=eps) - var.detach())
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---- moved from rtorch/nn/functional.py (dedupe, session 6)
@_grad_fn_name("MseLossBackward0")
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    r"""Mean squared error :math:`(x - y)^2`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    diff = input - target
    loss = diff * diff
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    r"""Mean absolute error :math:`|x - y|`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


@_grad_fn_name("SmoothL1LossBackward0")
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    r"""Quadratic below ``beta``, linear above: :math:`0.5 d^2/\beta` or :math:`d - 0.5\beta`."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise ValueError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    # One elementwise row (its backward one fused pass) instead of a where over five ops.
    return _reduce(rtorch._rtorch._activation(input - target, "smooth_l1", float(beta)), reduction)


@_grad_fn_name("HuberLossBackward0")
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    r"""Quadratic below ``delta``, linear above: :math:`0.5 d^2` or :math:`\delta(d - 0.5\delta)`."""
    d = (input - target).abs()
    loss = rtorch.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _check_class_target(input, target):
    """PyTorch's nll_loss shape checks: target is ``(N, d1, ...)`` for input ``(N, C, d1, ...)``."""
    if input.dim() == 1:
        if target.dim() > 1 or (target.dim() == 1 and target.shape[0] != 1):
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {tuple(target.shape)}")
        return
    if target.dim() >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]}).")
    expected = [input.shape[0], *input.shape[2:]]
    if list(target.shape) != expected:
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")


def _class_last(input, target):
    """Flatten ``(N, C, d1, ...)`` / ``(C,)`` input to ``(M, C)`` and target to ``(M,)``."""
    _check_class_target(input, target)
    if input.dim() == 1:
        return input.unsqueeze(0), target.reshape(1)
    if input.dim() > 2:
        input = input.movedim(1, -1) if hasattr(input, "movedim") else input.permute(
            0, *range(2, input.dim()), 1)
    return input.reshape(-1, input.shape[-1]), target.reshape(-1)


def _fused_class_loss(input, target, weight):
    """Whether the native kernels (``_rtorch.cross_entropy_loss`` / ``nll_loss``) may take this loss:
    float input, integer class indices on the input's device, and a class weight that needs no
    gradient (the kernel gives it none). They return None where the device has no fused kernel,
    and the tensor-op path below runs instead."""
    return (input.dtype.is_floating_point and not target.dtype.is_floating_point and target.dtype != rtorch.bool
            and target.device == input.device
            and (weight is None or (weight.device == input.device and not weight.requires_grad)))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100,
             reduce=None, reduction="mean"):
    r"""Negative log likelihood loss for log-probabilities ``input`` and class indices ``target``.

    The loss of row :math:`n` is :math:`-w_{y_n} x_{n, y_n}` (0 where :math:`y_n` is ``ignore_index``);
    ``mean`` divides the sum by :math:`\sum_n w_{y_n}` over the rows not ignored.

    Shape:
        - input: :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, ...)`
        - target: :math:`()`, :math:`(N)` or :math:`(N, d_1, ...)`, integers in :math:`[0, C)`
        - output: a scalar, or the target's shape for ``reduction="none"``

    Example:
        >>> logp = rtorch.tensor([[-0.5, -1.0], [-2.0, -0.1]])
        >>> round(F.nll_loss(logp, rtorch.tensor([0, 1])).item(), 4)
        0.3
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if input.dim() == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if _fused_class_loss(input, target, weight):
        _check_class_target(input, target)
        fused = rtorch._rtorch.nll_loss(input, target, weight, ignore_index, reduction)
        if fused is not None:
            return fused
    else:
        _check_class_target(input, target)
    since = rtorch._rtorch._graph_seq()
    name = "NllLoss2DBackward0" if input.dim() > 2 else "NllLossBackward0"
    target_shape = tuple(target.shape)
    logp, tgt = _class_last(input, target)
    valid = tgt != ignore_index
    safe = tgt.masked_fill(~valid, 0)
    picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    w = valid.to(logp.dtype)
    if weight is not None:
        w = w * weight.index_select(0, safe)
    loss = -picked * w
    if reduction == "none":
        return _named(loss.reshape(target_shape), name, since)
    if reduction == "sum":
        return _named(loss.sum(), name, since)
    if reduction == "mean":
        return _named(loss.sum() / w.sum(), name, since)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    r"""Cross entropy between logits ``input`` and class indices or class probabilities ``target``.

    With class indices, row :math:`n` contributes
    :math:`(1-\epsilon) w_{y_n} (\mathrm{lse}_n - x_{n,y_n}) + \frac{\epsilon}{C} \sum_c w_c (\mathrm{lse}_n - x_{n,c})`
    (:math:`\epsilon` = ``label_smoothing``, :math:`\mathrm{lse}_n = \log \sum_c e^{x_{n,c}}`), 0 where
    :math:`y_n` is ``ignore_index``; ``mean`` divides the sum by :math:`\sum_n w_{y_n}` over the rows
    not ignored, as PyTorch does. On the CPU this is one fused kernel (and one for the backward).

    Shape:
        - input: :math:`(C)`, :math:`(N, C)` or :math:`(N, C, d_1, ...)`
        - target: class indices of shape :math:`()`, :math:`(N)` or :math:`(N, d_1, ...)`, or
          class probabilities of the input's shape
        - output: a scalar, or the target's shape (without C) for ``reduction="none"``

    Example:
        >>> x = rtorch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
        >>> round(F.cross_entropy(x, rtorch.tensor([0, 2])).item(), 4)
        0.6691
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.dim() == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if _fused_class_loss(input, target, weight):
        _check_class_target(input, target)
        fused = rtorch._rtorch.cross_entropy_loss(input, target, weight, ignore_index, label_smoothing, reduction)
        if fused is not None:
            return fused
    class_dim = 0 if input.dim() == 1 else 1
    n_classes = input.shape[class_dim]
    logp = input.log_softmax(class_dim)
    w_shape = [1] * input.dim()
    w_shape[class_dim] = n_classes
    w_b = None if weight is None else weight.reshape(w_shape)

    if target.dtype.is_floating_point:  # class probabilities
        if label_smoothing > 0:
            target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
        prod = logp * target if w_b is None else logp * target * w_b
        if reduction == "none":
            return -prod.sum(class_dim)
        if reduction == "sum":
            return -prod.sum()
        if reduction == "mean":
            return -prod.sum() / (input.numel() / n_classes)
        raise ValueError(f"{reduction} is not a valid value for reduction")

    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0.0:
        return nll
    smooth = -(logp if w_b is None else logp * w_b).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        valid = (~ignored).reshape(-1)
        if weight is None:
            denom = valid.to(smooth.dtype).sum()
        else:
            safe = target.reshape(-1).masked_fill(~valid, 0)
            denom = (weight.index_select(0, safe) * valid.to(weight.dtype)).sum()
        smooth = smooth.sum() / denom
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1.0 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


@_grad_fn_name("BinaryCrossEntropyBackward0")
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    r"""Binary cross entropy between probabilities ``input`` and ``target`` (logs clamped at -100)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({list(target.shape)}) that is different to the input size "
            f"({list(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    log_p = input.log().clamp(min=-100.0)
    log_q = (1.0 - input).log().clamp(min=-100.0)
    loss = -(target * log_p + (1.0 - target) * log_q)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    r"""Returns the Kullback-Leibler divergence ``target * (log(target) - input)`` for log-probabilities ``input``.

    With ``log_target=True``, ``target`` holds log-probabilities too. ``reduction='batchmean'`` divides
    the sum by the batch size (the mathematically correct KL); ``'mean'`` averages over elements.
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # xlogy: 0 * log(0) counts as 0.
        safe = rtorch.where(target > 0, target, rtorch.ones_like(target))
        loss = target * safe.log() - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() > 0 else 1)
    if reduction in ("mean", "sum", "none"):
        return _reduce(loss, reduction)
    raise ValueError(f"{reduction} is not a valid value for reduction")


@_grad_fn_name("BinaryCrossEntropyWithLogitsBackward0")
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    r"""Sigmoid followed by binary cross entropy, computed stably from logits ``input``."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({list(target.shape)}) must be the same as input size ({list(input.shape)})"
        )
    # softplus(-x) = log(1 + exp(-x)) = -log_sigmoid(x): one stable row, its backward one fused pass
    log_sig = rtorch._rtorch._activation(input, "log_sigmoid")
    if pos_weight is not None:
        log_weight = (pos_weight - 1.0) * target + 1.0
        loss = (1.0 - target) * input - log_weight * log_sig
    else:
        loss = (1.0 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


__all__ = ["cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "poisson_nll_loss", "gaussian_nll_loss"]
__all__ += ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
            "binary_cross_entropy", "kl_div", "binary_cross_entropy_with_logits"]
