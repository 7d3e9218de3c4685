"""``rtorch.backends.cuda.matmul.allow_tf32``: TF32 tensor cores for float32 matmul (off by default,
as in PyTorch since 1.12), also set through ``rtorch.set_float32_matmul_precision``."""
import warnings

from .. import _rtorch

__all__ = ["matmul", "set_float32_matmul_precision", "get_float32_matmul_precision"]


class _MatmulFlags:
    @property
    def allow_tf32(self):
        return _rtorch._cuda_get_allow_tf32()

    @allow_tf32.setter
    def allow_tf32(self, value):
        _rtorch._cuda_set_allow_tf32(bool(value))


matmul = _MatmulFlags()


_precision = {"value": "high"}  # the TF32 level last asked for, reported while TF32 is on


def set_float32_matmul_precision(precision):
    r"""Sets the precision of float32 matrix products (as ``torch.set_float32_matmul_precision``).

    ``"highest"`` keeps full float32 (TF32 off); ``"high"`` and ``"medium"`` allow TF32 tensor cores on CUDA
    (rtorch has no bfloat16-based "medium" path, so both mean TF32). Other strings warn and change nothing.

    Args:
        precision (str): ``"highest"``, ``"high"`` or ``"medium"``.

    Example::

        >>> rtorch.set_float32_matmul_precision("high")
        >>> rtorch.get_float32_matmul_precision()
        'high'
        >>> rtorch.set_float32_matmul_precision("highest")
    """
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.")
        return
    if precision != "highest":
        _precision["value"] = precision
    matmul.allow_tf32 = precision != "highest"


def get_float32_matmul_precision():
    """Returns the float32 matmul precision: ``"highest"`` while TF32 is off, else the level last set."""
    return _precision["value"] if matmul.allow_tf32 else "highest"
