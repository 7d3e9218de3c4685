"""nn.functional linear maps: linear, bilinear, identity."""
import rtorch
from rtorch.nn._functional._util import _named


def linear(input, weight, bias=None):
    r"""Apply :math:`y = xA^T + b`."""
    since = rtorch._rtorch._graph_seq()
    out = input.matmul(weight.t())
    out = out if bias is None else out + bias
    if input.dim() == 2:  # PyTorch's addmm / mm nodes
        _named(out, "MmBackward0" if bias is None else "AddmmBackward0", since)
    return out


def bilinear(input1, input2, weight, bias=None):
    r"""Apply the bilinear map :math:`y_k = x_1^T A_k x_2 + b_k`.

    Shapes: input1 (*, in1), input2 (*, in2) with the same leading dims; weight (out, in1, in2);
    bias (out,). Returns (*, out).

    Example::

        >>> import rtorch
        >>> import rtorch.nn.functional as F
        >>> F.bilinear(rtorch.tensor([[1.0, 2.0]]), rtorch.tensor([[3.0]]), rtorch.ones(1, 2, 1))
        tensor([[9.]])
    """
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out, in1, in2), got weight of size {list(weight.shape)}")
    if input1.dim() == 0 or input2.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if input1.dim() != input2.dim() or tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    out_f, in1, in2 = tuple(weight.shape)
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {in2}")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_f):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {list(bias.shape)} but "
                           f"expected [{out_f}]")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (M, in1) @ (in1, out * in2) -> (M, out, in2), then contract in2 against x2
    t = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (t * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(lead + (out_f,))


def identity(input):
    r"""Return ``input`` unchanged."""
    return input


__all__ = ["linear", "bilinear", "identity"]
