"""nn.functional sparse lookups: embedding (with max_norm renormalisation) and one_hot."""
import math

import rtorch
from rtorch.nn._functional._util import _grad_fn_name


def _vector_norm(x, p, dim):
    """The p-norm along `dim` (kept), as torch.linalg.vector_norm defines it for p = 0 and +-inf too."""
    if p == 0:  # the count of non-zero elements
        return (x != 0).sum(dim, keepdim=True).to(x.dtype)
    if math.isinf(p):
        return x.abs().amax(dim, keepdim=True) if p > 0 else x.abs().amin(dim, keepdim=True)
    return x.abs().pow(p).sum(dim, keepdim=True).pow(1.0 / p)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    with rtorch.no_grad():
        rows = sorted(set(int(i) for i in input.flatten().tolist()))
        idx = rtorch.tensor(rows, dtype=rtorch.int64, device=weight.device)
        selected = weight.index_select(0, idx)
        norms = _vector_norm(selected, norm_type, 1)
        scale = rtorch.where(norms > max_norm, max_norm / (norms + 1e-7), rtorch.ones_like(norms))
        weight[idx] = selected * scale


@_grad_fn_name("EmbeddingBackward0")
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    r"""Look up rows of ``weight`` at the integer indices ``input``.

    Rows at ``padding_idx`` receive no gradient.
    """
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += weight.shape[0]
        if not 0 <= padding_idx < weight.shape[0]:
            raise ValueError("Padding_idx must be within num_embeddings")
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    flat = input.reshape(-1)
    out = weight.index_select(0, flat)
    if padding_idx is not None:
        keep = (flat != padding_idx).unsqueeze(1)
        out = rtorch.where(keep, out, weight.detach().index_select(0, flat))
    return out.reshape(tuple(input.shape) + (weight.shape[1],))


def one_hot(tensor, num_classes=-1):
    r"""Return an int64 tensor with a 1 at each index of ``tensor`` along a new last dimension."""
    if tensor.dtype != rtorch.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor (got {tensor.dtype}).")
    if tensor.numel() > 0:
        if int(tensor.min().item()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes >= 0 and int(tensor.max().item()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1
    classes = rtorch.arange(num_classes, dtype=rtorch.int64, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


__all__ = ["embedding", "one_hot"]
