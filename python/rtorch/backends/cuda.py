"""``rtorch.backends.cuda.matmul.allow_tf32``: TF32 tensor cores for float32 matmul (off by default,
as in PyTorch since 1.12)."""
from .. import _rtorch


class _MatmulFlags:
    @property
    def allow_tf32(self):
        return _rtorch._cuda_get_allow_tf32()

    @allow_tf32.setter
    def allow_tf32(self, value):
        _rtorch._cuda_set_allow_tf32(bool(value))


matmul = _MatmulFlags()
