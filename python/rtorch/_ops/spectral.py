"""The short-time Fourier transform and its inverse (torch.stft / torch.istft and their Tensor methods), composed
from framing (``unfold``), windowing, :mod:`rtorch.fft` and overlap-add (``index_add``)."""
from __future__ import annotations

from .._composite import composite

__all__ = ["stft", "istft"]


def _t():
    import rtorch
    return rtorch


def _fft():
    from .. import fft
    return fft


def _tname(x):
    from ..fft import _dtype_name
    return f"torch.{_dtype_name(x.dtype)}Tensor"


def _call_repr(op, x, n_fft, hop, win_length, window, normalized, onesided, return_complex, extra=""):
    """PyTorch's prefix of stft/istft errors: the call with its resolved arguments."""
    w = "None" if window is None else f"{_tname(window)}{{{list(window.shape)}}}"
    opt = "None" if onesided is None else int(bool(onesided))
    return (f"{op}({_tname(x)}{list(x.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win_length}, "
            f"window={w}, normalized={int(bool(normalized))}, onesided={opt}{extra}, "
            f"return_complex={int(bool(return_complex))}")


def _window(op_repr, window, win_length, n_fft, like):
    """The window as ``n_fft`` values: ones by default, a shorter one zero-padded on both sides (centred)."""
    t = _t()
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        raise RuntimeError(f"{op_repr} : expected a 1D window tensor of size equal to win_length={win_length}, "
                           f"but got window with size {list(window.shape)}")
    if window is None:
        window = t.ones(win_length, dtype=like, device=None)
    if win_length < n_fft:
        left = (n_fft - win_length) // 2
        window = t.nn.functional.pad(window, (left, n_fft - win_length - left))
    return window


@composite()
def stft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
         center: bool = True, pad_mode: str = "reflect", normalized: bool = False, onesided=None,
         return_complex=None, align_to_window=None):
    """Short-time Fourier transform: the FFT of windowed frames of ``input``.

    Frames of ``n_fft`` samples start every ``hop_length`` samples; each is multiplied by ``window``
    and transformed. The result is ``(*, n_fft // 2 + 1, n_frames)`` for real input (``onesided``),
    else ``(*, n_fft, n_frames)``.

    Args:
        input (Tensor): a 1-D signal or a 2-D batch of signals.
        n_fft (int): the FFT size.
        hop_length (int, optional): the distance between frames (default ``n_fft // 4``).
        win_length (int, optional): the window size (default ``n_fft``).
        window (Tensor, optional): a 1-D window of ``win_length`` (default: ones).
        center (bool, optional): pad the signal by ``n_fft // 2`` on both sides so frame ``t`` is centred
            on sample ``t * hop_length``.
        pad_mode (str, optional): the padding with ``center``: ``"reflect"`` (default), ``"constant"``,
            ``"replicate"`` or ``"circular"``.
        normalized (bool, optional): scale by ``n_fft ** -0.5``.
        onesided (bool, optional): only the non-negative frequencies (default for real input and window).
        return_complex (bool): required for real inputs; ``False`` returns ``view_as_real`` of the result.
        align_to_window (bool, optional): not supported (``None`` only).

    Example::

        >>> rtorch.stft(rtorch.ones(64), 16, return_complex=True).shape
        rtorch.Size([9, 17])
    """
    t = _t()
    x = input
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    cplx = x.is_complex() or (window is not None and window.is_complex())
    if return_complex is None and not cplx:
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    rc = cplx if return_complex is None else bool(return_complex)
    if align_to_window is not None:
        raise NotImplementedError("stft: align_to_window is not supported by rtorch")
    if pad_mode not in ("reflect", "constant", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {pad_mode}")
    if x.dim() not in (1, 2):
        # PyTorch pads (center) before it checks the rank, so its message shows the padded shape.
        shown = t.empty(*x.shape[:-1], x.shape[-1] + (2 * (n_fft // 2) if center else 0), dtype=x.dtype)
        raise RuntimeError(_call_repr("stft", shown, n_fft, hop, win, window, normalized, onesided, rc)
                           + ", align_to_window=None) : expected a 1D or 2D tensor")
    batched = x.dim() == 2
    if not batched:
        x = x.unsqueeze(0)
    if center:
        pad = n_fft // 2
        x = t.nn.functional.pad(x.unsqueeze(1), (pad, pad), mode=pad_mode).squeeze(1)
    length = x.shape[-1]
    where = _call_repr("stft", x if batched else x.squeeze(0), n_fft, hop, win, window, normalized, onesided, rc) \
        + ", align_to_window=None)"
    if not 0 < n_fft <= length:
        raise RuntimeError(f"{where} : expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"{where} : expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{where} : expected 0 < win_length <= n_fft, but got win_length={win}")
    w = _window(where, window, win, n_fft, x.dtype if x.is_floating_point() else t.get_default_dtype())
    if onesided is None:
        onesided = not cplx
    elif onesided and cplx:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    frames = x.unfold(-1, n_fft, hop) * w  # (B, n_frames, n_fft)
    norm = "ortho" if normalized else "backward"
    spec = _fft().rfft(frames, norm=norm) if onesided else _fft().fft(frames, norm=norm)
    spec = spec.transpose(1, 2)
    if not batched:
        spec = spec.squeeze(0)
    return spec if rc else t.view_as_real(spec)


@composite()
def istft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
          center: bool = True, normalized: bool = False, onesided=None, length: int | None = None,
          return_complex: bool = False):
    """Inverse short-time Fourier transform of ``input``.

    The least-squares signal whose :func:`stft` is ``input``: the inverse FFT of each frame, windowed,
    overlap-added and divided by the overlap-added squared window.

    Args:
        input (Tensor): complex ``(*, n_freq, n_frames)`` as :func:`stft` returns with ``return_complex=True``.
        n_fft (int): the FFT size.
        hop_length (int, optional): the distance between frames (default ``n_fft // 4``).
        win_length (int, optional): the window size (default ``n_fft``).
        window (Tensor, optional): the window used by :func:`stft` (default: ones).
        center (bool, optional): whether :func:`stft` padded the signal (the padding is removed).
        normalized (bool, optional): whether :func:`stft` scaled by ``n_fft ** -0.5``.
        onesided (bool, optional): whether ``input`` holds only the non-negative frequencies (default:
            ``n_freq != n_fft``).
        length (int, optional): the output length (trimmed or zero-padded).
        return_complex (bool, optional): return the complex signal (two-sided input only).

    Example::

        >>> x = rtorch.randn(64)
        >>> y = rtorch.istft(rtorch.stft(x, 16, window=rtorch.hann_window(16), return_complex=True), 16,
        ...                  window=rtorch.hann_window(16), length=64)
        >>> bool(rtorch.allclose(x, y, atol=1e-5))
        True
    """
    t = _t()
    x = input
    if not x.is_complex():
        raise TypeError("istft requires a complex-valued input tensor matching the output from stft with "
                        "return_complex=True.")
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if onesided is None:
        onesided = x.dim() >= 2 and x.shape[-2] != n_fft
    where = _call_repr("istft", x, n_fft, hop, win, window, normalized, onesided, return_complex,
                       ", length=" + ("None" if length is None else str(length))) + ")"
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
    elif window is not None and window.is_complex():
        raise RuntimeError("Complex windows are incompatible with return_complex=False")
    if x.dim() not in (2, 3):
        raise RuntimeError(f"{where}: expected a tensor with 2 or 3 dimensions of complex dtype")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{where}: expected 0 < win_length <= n_fft, but got win_length={win}")
    if hop <= 0 or hop > win:
        raise RuntimeError(f"{where}: expected 0 < hop_length <= win_length")
    batched = x.dim() == 3
    if not batched:
        x = x.unsqueeze(0)
    n_freq, n_frames = x.shape[-2], x.shape[-1]
    fft_size = n_fft // 2 + 1 if onesided else n_fft
    if n_freq != fft_size:
        raise RuntimeError(f"{where}: expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft / 2 + 1 when onesided=True, but got {n_freq}" if onesided else
                           f"{where}: expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft when onesided=False, but got {n_freq}")
    real_dtype = t.float64 if x.dtype == t.complex128 else t.float32
    w = _window(where, window, win, n_fft, real_dtype)
    norm = "ortho" if normalized else "backward"
    frames = x.transpose(1, 2)  # (B, n_frames, n_freq)
    if return_complex:
        frames = _fft().ifft(frames, n=n_fft, norm=norm)
    else:
        if not onesided:
            frames = frames.narrow(-1, 0, n_fft // 2 + 1)
        frames = _fft().irfft(frames, n=n_fft, norm=norm)
    frames = frames * w
    total = n_fft + hop * (n_frames - 1)
    idx = (t.arange(n_frames).unsqueeze(1) * hop + t.arange(n_fft).unsqueeze(0)).reshape(-1)
    B = frames.shape[0]
    y = t.zeros(B, total, dtype=frames.dtype, device=frames.device).index_add(1, idx, frames.reshape(B, -1))
    env = t.zeros(total, dtype=w.dtype, device=w.device).index_add(0, idx, (w * w).repeat(n_frames))
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = total - n_fft // 2
    else:
        end = total
    stop = min(end, total)
    y = y[:, start:stop]
    env = env[start:stop]
    low = env.abs().min() if env.numel() else t.tensor(1.0)
    if bool(low < 1e-11):
        raise RuntimeError(f"{where}: window overlap add min: {float(low):g}")
    y = y / env
    if end > total:
        y = t.nn.functional.pad(y, (0, end - total))
    return y if batched else y.squeeze(0)
