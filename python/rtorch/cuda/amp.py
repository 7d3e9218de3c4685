"""``torch.cuda.amp`` (deprecated spellings of ``rtorch.amp`` bound to CUDA)."""
from .. import float16 as _float16
from ..amp import custom_bwd, custom_fwd  # noqa: F401
from ..amp._device_aliases import device_amp

autocast, GradScaler = device_amp("cuda", _float16)

__all__ = ["autocast", "GradScaler", "custom_fwd", "custom_bwd"]
