"""Dropout layer."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    r"""During training, zero elements with probability ``p`` and scale the rest by :math:`1/(1-p)`.

    Args:
        p: probability of an element to be zeroed. Default: 0.5
        inplace: if ``True``, do the operation in-place. Default: ``False``
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        """Applies dropout to ``input`` in training mode; returns it unchanged in eval mode."""
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        """Returns the layer's settings as shown inside its ``repr``."""
        return f"p={self.p}, inplace={self.inplace}"
