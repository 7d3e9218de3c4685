"""Loss layers: MSE, L1, CrossEntropy, NLL, BCE, BCEWithLogits, SmoothL1, Huber."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = [
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
    "SmoothL1Loss", "HuberLoss",
]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = F._get_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    r"""Mean squared error between ``input`` and ``target``; ``reduction`` in ``'none'|'mean'|'sum'``."""

    def forward(self, input, target):
        """Returns the mean squared error between ``input`` and ``target`` (same shape), reduced per ``reduction``."""
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    r"""Mean absolute error between ``input`` and ``target``."""

    def forward(self, input, target):
        """Returns the mean absolute error between ``input`` and ``target`` (same shape), reduced per ``reduction``."""
        return F.l1_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    r"""Negative log likelihood loss for log-probabilities and class-index targets."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        """Returns the negative log likelihood of the class indices ``target`` under log-probabilities ``input``."""
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    r"""Cross entropy between unnormalised logits and class indices or class probabilities."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        """Returns the cross entropy between logits ``input`` (N, C, *) and class indices or probabilities."""
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    r"""Binary cross entropy between probabilities ``input`` and ``target``."""

    def forward(self, input, target):
        """Returns the binary cross entropy between the probabilities ``input`` and ``target`` (same shape)."""
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    r"""Sigmoid layer and binary cross entropy in one numerically stable loss."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        """Returns the binary cross entropy between ``sigmoid(input)`` and ``target`` (same shape), computed stably."""
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class SmoothL1Loss(_Loss):
    r"""Squared term when the absolute error is below ``beta``, L1 term otherwise."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        """Returns the smooth L1 loss between ``input`` and ``target`` (same shape)."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    r"""Squared term when the absolute error is below ``delta``, delta-scaled L1 term otherwise."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        """Returns the Huber loss between ``input`` and ``target`` (same shape)."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    r"""Kullback-Leibler divergence between log-probabilities ``input`` and ``target``."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        """Returns the KL divergence of ``target`` from the log-probabilities ``input``."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


# ------------------------------------------- losses composed in nn._functional (nnfunc, session 3)
class CosineEmbeddingLoss(_Loss):
    r"""Cosine embedding loss: :math:`1 - \cos` for pairs labelled 1, :math:`\max(0, \cos - \text{margin})` for -1.

    Args:
        margin (float): in [-1, 1]. Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        """Returns the loss of the pairs (``input1``, ``input2``) labelled by ``target`` (1 / -1)."""
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    r"""Hinge embedding loss: :math:`x` for target 1, :math:`\max(0, \text{margin} - x)` for target -1.

    Args:
        margin (float): Default: 1.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        """Returns the hinge embedding loss of ``input`` for the labels ``target`` (1 / -1)."""
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    r"""Ranking loss :math:`\max(0, -y (x_1 - x_2) + \text{margin})`.

    Args:
        margin (float): Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        """Returns the ranking loss of ``input1`` against ``input2`` for the labels ``target`` (1 / -1)."""
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    r"""Two-class logistic loss :math:`\log(1 + e^{-y x})`.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def forward(self, input, target):
        """Returns the soft margin loss of ``input`` for the labels ``target`` (1 / -1)."""
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    r"""Multi-label one-versus-all logistic loss, averaged over the classes.

    Args:
        weight (Tensor, optional): (C,) per-class weights.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def forward(self, input, target):
        """Returns the loss of ``input`` (N, C) for the 0 / 1 labels ``target``."""
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    r"""Multi-label hinge loss; ``target`` holds class indices ended by -1.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def forward(self, input, target):
        """Returns the loss of ``input`` (N, C) for the class-index lists ``target``."""
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    r"""Multi-class hinge loss :math:`\max(0, \text{margin} - x_y + x_j)^p` averaged over the classes.

    Args:
        p (int): 1 or 2. Default: 1.
        margin (float): Default: 1.
        weight (Tensor, optional): (C,) per-class weights.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D "
                             f"instead")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        """Returns the loss of ``input`` (N, C) for the class indices ``target``."""
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)


class TripletMarginLoss(_Loss):
    r"""Triplet loss :math:`\max(d(a, p) - d(a, n) + \text{margin}, 0)` with the p-norm distance.

    Args:
        margin (float): Default: 1.
        p (float): the norm degree. Default: 2.
        eps (float): added to differences. Default: 1e-6.
        swap (bool): use the distance swap. Default: ``False``.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        """Returns the triplet loss of (``anchor``, ``positive``, ``negative``)."""
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    r"""Triplet loss with a custom distance function (default :class:`PairwiseDistance`).

    Args:
        distance_function (callable, optional): (Tensor, Tensor) -> distances.
        margin (float): greater than 0. Default: 1.
        swap (bool): use the distance swap. Default: ``False``.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                             f"instead")
        from rtorch.nn.modules.distance import PairwiseDistance
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        """Returns the triplet loss of (``anchor``, ``positive``, ``negative``) under ``distance_function``."""
        return F.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                   distance_function=self.distance_function, margin=self.margin,
                                                   swap=self.swap, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    r"""Poisson negative log likelihood of ``target`` for the rate ``input`` (or its log).

    Args:
        log_input (bool): ``input`` is the log-rate. Default: ``True``.
        full (bool): add the Stirling term. Default: ``False``.
        eps (float): added to the rate before the log when ``log_input=False``. Default: 1e-8.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        """Returns the Poisson NLL of ``target`` for the (log-)rates ``log_input``."""
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    r"""Gaussian negative log likelihood of ``target`` for the means ``input`` and variances ``var``.

    Args:
        full (bool): include the constant term. Default: ``False``.
        eps (float): the lower clamp of ``var``. Default: 1e-6.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
    """

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        """Returns the Gaussian NLL of ``target`` for the means ``input`` and variances ``var``."""
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


__all__ += ["CosineEmbeddingLoss", "HingeEmbeddingLoss", "MarginRankingLoss", "SoftMarginLoss",
            "MultiLabelSoftMarginLoss", "MultiLabelMarginLoss", "MultiMarginLoss", "TripletMarginLoss",
            "TripletMarginWithDistanceLoss", "PoissonNLLLoss", "GaussianNLLLoss"]


class CTCLoss(_Loss):
    r"""Connectionist Temporal Classification loss (see :func:`rtorch.nn.functional.ctc_loss`).

    Args:
        blank (int): the blank label. Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
        zero_infinity (bool): replace infinite losses and their gradients by 0. Default: ``False``.
    """

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        """Returns the CTC loss of ``targets`` under the frame log-probabilities ``log_probs``."""
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)


class NLLLoss2d(NLLLoss):
    r"""Deprecated alias of :class:`NLLLoss` (warns)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        import warnings

        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and "
                      "see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.", FutureWarning,
                      stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


__all__ += ["CTCLoss", "NLLLoss2d"]


class LinearCrossEntropyLoss(_WeightedLoss):
    r"""Cross entropy of ``target`` and the logits of a linear layer applied to ``input``, in one criterion.

    Owns the linear layer (``self.linear``, weight of shape ``(C * prod(out_features), in_features)``) and
    computes :func:`rtorch.nn.functional.linear_cross_entropy` with it, so the full logits tensor need not be
    kept by the caller.

    Args:
        in_features (int): size of each input sample.
        num_classes (int): number of classes ``C``.
        out_features (tuple of ints, keyword): extra dims ``(d_1, ..., d_K)`` for a K-dimensional loss.
            Default: ``()``.
        bias (bool, keyword): whether the linear layer adds a bias. Default: ``False``.
        device, dtype (keyword): of the linear layer's parameters.
        reduction (str, keyword): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``.
        weight (Tensor, keyword, optional): a rescaling weight for each class, of size ``C``.
        ignore_index (int, keyword, optional): a target class that does not contribute (``-100`` when None).
        label_smoothing (float, keyword): in ``[0, 1]``. Default: ``0.0``.
        options (keyword, optional): passed on to ``linear_cross_entropy``.

    Example::

        >>> loss = rtorch.nn.LinearCrossEntropyLoss(8, 5)
        >>> loss(rtorch.randn(4, 8), rtorch.tensor([0, 1, 4, 2])).shape
        rtorch.Size([])
    """

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction="mean", weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        import math

        from rtorch.nn.modules.linear import Linear

        if not (isinstance(out_features, (tuple, list)) and all(isinstance(d, int) and not isinstance(d, bool)
                                                                for d in out_features)):
            raise TypeError(f"LinearCrossEntropyLoss(): argument 'out_features' must be tuple of ints, "
                            f"not {type(out_features).__name__}")
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight=weight, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = tuple(out_features)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        # Linear keeps 2-D weights; forward views them as (C, *out_features, in_features).
        self.linear = Linear(in_features, math.prod(self.out_features, start=num_classes), bias=bias,
                             device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        """The loss of ``target`` given the logits ``linear(input)``."""
        weight = self.linear.weight.reshape((self.num_classes, *self.out_features, self.linear.in_features))
        bias = None if self.linear.bias is None else self.linear.bias.reshape((self.num_classes, *self.out_features))
        return F.linear_cross_entropy(input, weight, target, linear_bias=bias, weight=self.weight,
                                      reduction=self.reduction, ignore_index=self.ignore_index,
                                      label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")


__all__ += ["LinearCrossEntropyLoss"]
