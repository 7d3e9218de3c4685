"""Conjugate-transpose views: adjoint (`@composite`) and the Tensor.H / Tensor.mH properties."""
from __future__ import annotations

from .._composite import composite
from .._rtorch import Tensor

__all__ = ["adjoint"]


def _matrix_transpose(self, op, conj=False):
    if self.dim() < 2:
        raise RuntimeError(f"tensor.{op} is only supported on matrices or batches of matrices. Got "
                           f"{self.dim()}-D tensor.")
    t = self.transpose(-2, -1)
    # complex: conjugated too (a copy: rtorch has no conjugate bit)
    return t.conj() if conj and t.is_complex() else t


@composite()
def adjoint(input) -> Tensor:
    """The conjugate transpose of the last two dims (a view for real tensors; complex ones are conjugated by copy).

    Example::

        >>> rtorch.zeros(2, 3).adjoint().shape
        rtorch.Size([3, 2])
    """
    return _matrix_transpose(input, "adjoint()", conj=True)


def _H(self):
    """The conjugate transpose of a matrix (2-D; a 0-d tensor is returned as a view)."""
    if self.dim() == 0:
        return self.view(()).conj() if self.is_complex() else self.view(())
    if self.dim() != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor."
                           f"{' For batches of matrices, consider using tensor.mH' if self.dim() > 2 else ''}")
    return self.transpose(0, 1).conj() if self.is_complex() else self.transpose(0, 1)


def _mH(self):
    """The conjugate transpose of the last two dims (real tensors: ``mT``)."""
    return _matrix_transpose(self, "mH", conj=True)


# Properties are not ops, so they are attached directly (with docstrings, like the native mT).
Tensor.H = property(_H, doc=_H.__doc__)


Tensor.mH = property(_mH, doc=_mH.__doc__)
