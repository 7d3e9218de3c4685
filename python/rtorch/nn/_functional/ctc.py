"""nn.functional.ctc_loss: the connectionist temporal classification loss, the forward (alpha) recursion in log
space vectorized over the batch and the extended label positions, differentiated by autograd."""
import numpy as np

import rtorch
from rtorch.nn._functional._util import reduce as _reduce

# A finite stand-in for log(0): keeps logsumexp and its gradient finite where no alignment reaches a state
# (exp(_NEG - real) underflows to exactly 0, so unreachable states get no gradient).
_NEG = -1e30


def _lengths(v, n, name):
    if isinstance(v, rtorch.Tensor):
        v = v.reshape(-1).tolist()
    elif isinstance(v, int):
        v = [v]
    v = [int(x) for x in v]
    if len(v) != n:
        raise RuntimeError(f"{name} must be of size batch_size")
    return v


def _lse3(a, b, c):
    m = rtorch.maximum(rtorch.maximum(a, b), c)
    return m + ((a - m).exp() + (b - m).exp() + (c - m).exp()).log()


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    r"""The Connectionist Temporal Classification loss.

    The negative log likelihood of ``targets``, summed over all its alignments with the frames of ``log_probs``.

    Args:
        log_probs (Tensor): (T, N, C) or (T, C) log-probabilities (e.g. ``log_softmax`` output).
        targets (Tensor): (N, S) padded targets or the 1-D concatenation of the targets; no ``blank``.
        input_lengths (Tensor or tuple): (N,) frames of each sample.
        target_lengths (Tensor or tuple): (N,) target lengths.
        blank (int): the blank label. Default: 0.
        reduction (str): ``'none'`` | ``'mean'`` (each loss divided by its target length, then the batch mean) |
            ``'sum'``. Default: ``'mean'``.
        zero_infinity (bool): replace infinite losses (impossible alignments) and their gradients by 0.

    Example::

        >>> lp = rtorch.full((2, 1, 2), 0.5).log()
        >>> rtorch.nn.functional.ctc_loss(lp, rtorch.tensor([[1]]), [2], [1], reduction="sum")
        tensor(0.2877)
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.dim() == 1 else targets
    if log_probs.dim() != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.dim()}-D")
    t_max, n, c = log_probs.shape
    in_lens = _lengths(input_lengths, n, "input_lengths")
    tg_lens = _lengths(target_lengths, n, "target_lengths")
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    for b in range(n):
        if in_lens[b] > t_max or in_lens[b] < 0:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {in_lens[b]} "
                               f"(while checking arguments for ctc_loss_allocate_outputs)")
    tg = targets.to(rtorch.int64)
    if tg.dim() == 2:
        s_max = tg.shape[1]
        for b in range(n):
            if tg_lens[b] > s_max:
                raise RuntimeError(f"Expected tensor to have size at least {tg_lens[b]} at dimension 1, but got size "
                                   f"{s_max} for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
        padded = tg.cpu().numpy() if s_max else np.zeros((n, 0), np.int64)
    else:
        flat = tg.cpu().numpy().reshape(-1)
        if sum(tg_lens) > flat.shape[0]:
            raise RuntimeError("ctc_loss: the target lengths add up to more than the targets hold")
        s_max = max(tg_lens) if tg_lens else 0
        padded = np.zeros((n, s_max), np.int64)
        pos = 0
        for b, length in enumerate(tg_lens):
            padded[b, :length] = flat[pos:pos + length]
            pos += length
    length = 2 * s_max + 1
    ext = np.full((n, length), blank, np.int64)
    if s_max:
        ext[:, 1::2] = np.where(np.arange(s_max)[None, :] < np.array(tg_lens)[:, None], padded, blank)
    skip = np.zeros((n, length), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    dev, dt = log_probs.device, log_probs.dtype
    ext_t = rtorch.tensor(ext, device=dev)
    neg = rtorch.full((), _NEG, dtype=dt, device=dev)
    skip_t = rtorch.tensor(skip, device=dev)
    lp = log_probs.transpose(0, 1)                                    # (N, T, C)
    lp_ext = lp.gather(2, ext_t.unsqueeze(1).expand(n, t_max, length))  # (N, T, L)
    init = np.zeros((n, length), bool)
    init[:, 0] = True
    init[:, 1] = np.array(tg_lens) > 0 if length > 1 else False
    alpha = rtorch.where(rtorch.tensor(init, device=dev), lp_ext[:, 0] if t_max else neg, neg)
    active = rtorch.tensor(np.array(in_lens), device=dev).reshape(n, 1)
    pad1 = neg.expand(n, 1)
    pad2 = neg.expand(n, 2)
    for t in range(1, t_max):
        prev1 = rtorch.cat([pad1, alpha[:, :-1]], 1)
        prev2 = rtorch.where(skip_t, rtorch.cat([pad2, alpha[:, :-2]], 1) if length > 2 else neg, neg)
        new = _lse3(alpha, prev1, prev2) + lp_ext[:, t]
        alpha = rtorch.where(active > t, new, alpha)
    last = rtorch.tensor(np.array(tg_lens) * 2, device=dev).reshape(n, 1)
    a_end = alpha.gather(1, last).squeeze(1)
    a_prev = alpha.gather(1, (last - 1).clamp_min(0)).squeeze(1)
    a_prev = rtorch.where(last.squeeze(1) > 0, a_prev, neg.expand(n))
    m = rtorch.maximum(a_end, a_prev)
    loss = -(m + ((a_end - m).exp() + (a_prev - m).exp()).log())
    zero_frames = rtorch.tensor(np.array(in_lens) == 0, device=dev)
    impossible = (loss > -_NEG / 2) | (zero_frames & (last.squeeze(1) > 0))
    if t_max == 0 or bool(zero_frames.all()):
        loss = rtorch.where(last.squeeze(1) > 0, rtorch.full((), float("inf"), dtype=dt, device=dev),
                            rtorch.zeros((), dtype=dt, device=dev).expand(n)) + log_probs.sum() * 0
    else:
        loss = rtorch.where(zero_frames, rtorch.zeros((), dtype=dt, device=dev), loss)
        loss = rtorch.where(impossible, rtorch.full((), float("inf"), dtype=dt, device=dev), loss)
    if zero_infinity:
        loss = rtorch.where(impossible, rtorch.zeros((), dtype=dt, device=dev), loss)
    if reduction == "mean":
        div = rtorch.tensor(np.maximum(np.array(tg_lens), 1).astype(np.float64), dtype=dt, device=dev)
        return (loss / div).mean()
    if unbatched and reduction == "none":
        loss = loss.squeeze(0)
    return _reduce(loss, reduction)


__all__ = ["ctc_loss"]
