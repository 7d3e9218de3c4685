"""Distance layers: PairwiseDistance and CosineSimilarity."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    r"""The p-norm distance :math:`\|x_1 - x_2 + \epsilon\|_p` along the last dimension.

    Args:
        p (float): the norm degree. Default: 2.
        eps (float): added to the difference. Default: 1e-6.
        keepdim (bool): keep the reduced dimension. Default: ``False``.
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        """Returns the distances between ``x1`` and ``x2`` (broadcast) along their last dimension."""
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    r"""Cosine similarity of ``x1`` and ``x2`` along ``dim``.

    Args:
        dim (int): the dimension to reduce. Default: 1.
        eps (float): the lower bound of the norms. Default: 1e-8.
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        """Returns the cosine similarity of ``x1`` and ``x2`` along ``self.dim``."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
