"""Functions PyTorch removed in 1.9 but still defines, so that old programs fail with a message that says what
replaces them (`@composite`): lstsq, symeig, eig, solve, matrix_rank. Each raises PyTorch's RuntimeError."""
from __future__ import annotations

from .._composite import composite

__all__ = ["lstsq", "symeig", "eig", "solve", "matrix_rank"]

_REMOVED = "This function was deprecated since version 1.9 and is now removed. "


@composite()
def lstsq(input, A, *args, **kwargs):
    """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.lstsq`.

    Example::

        >>> rtorch.lstsq(rtorch.eye(2), rtorch.eye(2))  # doctest: +SKIP
        RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
        "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition in the returned tuple "
        "(although it returns other information about the problem).\n\n"
        "To get the QR decomposition consider using `torch.linalg.qr`.\n\n"
        "The returned solution in `torch.lstsq` stored the residuals of the solution in the last m - n columns of "
        "the returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field 'residuals' of "
        "the returned named tuple.\n\n"
        "The unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\n"
        "should be replaced with:\nX = torch.linalg.lstsq(A, B).solution")


@composite()
def symeig(input, *args, **kwargs):
    """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.eigh`.

    Example::

        >>> rtorch.symeig(rtorch.eye(2))  # doctest: +SKIP
        RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "The default behavior has changed from using the upper triangular portion of the matrix by "
        "default to using the lower triangular portion.\n\n"
        "L, _ = torch.symeig(A, upper=upper) should be replaced with:\n"
        "L = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\n"
        "L, V = torch.symeig(A, eigenvectors=True) should be replaced with:\n"
        "L, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')")


@composite()
def eig(input, *args, **kwargs):
    """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to ``torch.linalg.eig``.

    Example::

        >>> rtorch.eig(rtorch.eye(2))  # doctest: +SKIP
        RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "`torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real "
        "tensors mimicking complex tensors.\n\n"
        "L, _ = torch.eig(A) should be replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\n"
        "L, V = torch.eig(A, eigenvectors=True) should be replaced with:\nL_complex, V_complex = torch.linalg.eig(A)")


@composite()
def solve(input, A, *args, **kwargs):
    """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.solve`.

    Example::

        >>> rtorch.solve(rtorch.eye(2), rtorch.eye(2))  # doctest: +SKIP
        RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED + "`torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has its "
        "arguments reversed and does not return the LU factorization.\n\n"
        "To get the LU factorization see `torch.lu`, which can be used with `torch.lu_solve` or `torch.lu_unpack`.\n"
        "X = torch.solve(B, A).solution should be replaced with:\nX = torch.linalg.solve(A, B)")


@composite(method=False)
def matrix_rank(input, *args, **kwargs):
    """Removed in PyTorch 1.9: raises ``RuntimeError`` pointing to :func:`rtorch.linalg.matrix_rank`.

    Example::

        >>> rtorch.matrix_rank(rtorch.eye(2))  # doctest: +SKIP
        RuntimeError: This function was deprecated since version 1.9 and is now removed. ...
    """
    raise RuntimeError(
        _REMOVED.rstrip() + "\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter "
        "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")
