"""Dropout layers: elementwise (Dropout), channel-wise (Dropout1d/2d/3d) and SELU-preserving alpha dropout."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    """The common constructor and ``extra_repr`` of the dropout layers (PyTorch's ``_DropoutNd``)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    r"""During training, zero elements with probability ``p`` and scale the rest by :math:`1/(1-p)`.

    Args:
        p: probability of an element to be zeroed. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def forward(self, input):
        """Applies dropout to ``input`` in training mode; returns it unchanged in eval mode."""
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    r"""Randomly zeroes whole channels of a ``(N, C, L)`` or ``(C, L)`` input during training (``torch.nn.Dropout1d``).

    Each channel is zeroed with probability ``p``; the rest are scaled by :math:`1/(1-p)`.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def forward(self, input):
        """Applies channel-wise dropout in training mode; returns ``input`` unchanged in eval mode."""
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    r"""Randomly zeroes whole channels of a ``(N, C, H, W)`` input during training (``torch.nn.Dropout2d``).

    Each channel is zeroed with probability ``p``; the rest are scaled by :math:`1/(1-p)`.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def forward(self, input):
        """Applies channel-wise dropout in training mode; returns ``input`` unchanged in eval mode."""
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    r"""Randomly zeroes whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input during training.

    As ``torch.nn.Dropout3d``: each channel is zeroed with probability ``p``; the rest are scaled by :math:`1/(1-p)`.

    Args:
        p: probability of a channel to be zeroed. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def forward(self, input):
        """Applies channel-wise dropout in training mode; returns ``input`` unchanged in eval mode."""
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    r"""Applies alpha dropout, for self-normalising (SELU) networks, as ``torch.nn.AlphaDropout``.

    Dropped elements take SELU's negative saturation value and an affine map keeps zero mean and unit variance.

    Args:
        p: probability of an element to be dropped. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def forward(self, input):
        """Applies alpha dropout in training mode; returns ``input`` unchanged in eval mode."""
        return F.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    r"""Alpha dropout of whole channels, as in ``torch.nn.FeatureAlphaDropout`` (see :class:`AlphaDropout`).

    Args:
        p: probability of a channel to be dropped. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def forward(self, input):
        """Applies channel-wise alpha dropout in training mode; returns ``input`` unchanged in eval mode."""
        return F.feature_alpha_dropout(input, self.p, self.training, self.inplace)
