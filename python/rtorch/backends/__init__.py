"""rtorch.backends: switches that change how kernels compute (``backends.cuda.matmul.allow_tf32``)."""
from . import cuda  # noqa: F401
