"""rtorch.backends: switches that change how kernels compute (``backends.cuda.matmul.allow_tf32``), and PyTorch's
``cudnn`` / ``mps`` modules (rtorch has neither backend; their flags are accepted and their queries say so)."""
from . import cuda, cudnn, mps  # noqa: F401
