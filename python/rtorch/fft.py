"""torch.fft: discrete Fourier transforms (complex, real and Hermitian; 1-D, 2-D and n-D), frequencies, shifts.

The transforms run in the Rust core on rustfft/realfft (``_rtorch._fft_c2c``/``_fft_r2c``/``_fft_c2r``: one
pass along one dim, any length, plans cached, batches split over the thread pool). A pass reads and writes
the real view of a complex tensor (``view_as_real``). n-D transforms are successive 1-D passes: a real-to-
complex pass over the last transformed dim first, then complex passes over the others (complex-to-real
last for the inverse). Each pass is an autograd Function whose backward is the adjoint pass (the inverse
direction with the same scale, the zero-padding and trimming swapped), so gradients follow PyTorch's.
"""
import math

from . import _rtorch as _C
from .autograd.function import Function

__all__ = [
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
    "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]


def _t():
    import rtorch
    return rtorch


_TORCH_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble", "int64": "Long", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _dtype_name(dtype):
    return _TORCH_NAMES.get(str(dtype).replace("rtorch.", ""), str(dtype))


# ------------------------------------------------------------------------------------- complex <-> real view


def _real(x):
    """The ``[*, 2]`` real view of the complex ``x`` that the kernels read."""
    t = _t()
    if getattr(x, "is_conj", None) is not None and x.is_conj():
        x = x.resolve_conj()
    return t.view_as_real(x)


def _cplx(r):
    """The complex tensor whose real view is the kernel result ``r`` (``[*, 2]``, contiguous)."""
    return _t().view_as_complex(r)


class _ToComplex(Function):
    """A real tensor as complex (zero imaginary parts); the gradient is the real part of the output's."""

    @staticmethod
    def forward(ctx, x):
        t = _t()
        return t.view_as_complex(t.stack([x, t.zeros_like(x)], -1))

    @staticmethod
    def backward(ctx, g):
        return _real(g)[..., 0]


class _C2C(Function):
    """Complex pass along ``dim``: the input resized to ``n``, transformed (``forward``: sign -1), times
    ``scale``, the result resized to ``len_out``. Adjoint: the same with the direction and sizes swapped."""

    @staticmethod
    def forward(ctx, x, dim, n, len_out, forward, scale):
        ctx.meta = (dim, n, x.shape[dim], forward, scale)
        return _cplx(_C._fft_c2c(_real(x), dim, n, len_out, forward, scale, False))

    @staticmethod
    def backward(ctx, g):
        dim, n, len_in, forward, scale = ctx.meta
        return _C2C.apply(g, dim, n, len_in, not forward, scale), None, None, None, None, None


class _C2CRe(Function):
    """The real parts of a complex pass (the adjoint of a real-to-complex pass)."""

    @staticmethod
    def forward(ctx, x, dim, n, len_out, forward, scale):
        ctx.meta = (dim, n, x.shape[dim], forward, scale)
        return _C._fft_c2c(_real(x), dim, n, len_out, forward, scale, True)

    @staticmethod
    def backward(ctx, g):
        dim, n, len_in, forward, scale = ctx.meta
        return _C2C.apply(_ToComplex.apply(g), dim, n, len_in, not forward, scale), None, None, None, None, None


class _R2C(Function):
    """Real-to-complex pass along ``dim`` at length ``n``: bins ``0..n//2`` (zeros past them up to
    ``len_out``), times ``scale``, conjugated with ``conj``; bins ``1..n - n//2 - 1`` doubled with ``double``."""

    @staticmethod
    def forward(ctx, x, dim, n, len_out, scale, conj, double):
        ctx.meta = (dim, n, x.shape[dim], len_out, scale, conj, double)
        return _cplx(_C._fft_r2c(x, dim, n, len_out, scale, conj, double))

    @staticmethod
    def backward(ctx, g):
        dim, n, len_in, len_out, scale, conj, double = ctx.meta
        if double:
            # The doubled bins are a real diagonal scaling: apply it to the gradient first.
            t = _t()
            shape = [1] * g.dim()
            shape[dim] = len_out
            k = t.arange(len_out, dtype=_real(g).dtype, device=g.device)
            g = g * (1.0 + ((k >= 1) & (k < n - n // 2)).to(k.dtype)).reshape(shape)
        # Re(F^H g) (conj: Re(F g)), resized back to the input's length.
        return _C2CRe.apply(g, dim, n, len_in, conj, scale), None, None, None, None, None, None


class _C2R(Function):
    """Complex-to-real pass along ``dim`` of a half spectrum at length ``n`` (conjugated first with
    ``conj``), times ``scale``. Adjoint: a real-to-complex pass with the mirrored bins doubled."""

    @staticmethod
    def forward(ctx, x, dim, n, scale, conj):
        ctx.meta = (dim, n, x.shape[dim], scale, conj)
        return _C._fft_c2r(_real(x), dim, n, scale, conj)

    @staticmethod
    def backward(ctx, g):
        dim, n, len_in, scale, conj = ctx.meta
        return _R2C.apply(g, dim, n, len_in, scale, conj, True), None, None, None, None


# --------------------------------------------------------------------------------------------- arguments


def _check_input(op, x):
    t = _t()
    if not isinstance(x, t.Tensor):
        raise TypeError(f"fft_{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if x.dtype in (t.float16, t.bfloat16):
        # PyTorch computes half transforms on CUDA only (cuFFT, power-of-2 sizes).
        raise NotImplementedError(f"Unsupported dtype {_dtype_name(x.dtype)}")


def _float_of(x):
    """The real float dtype a transform of ``x`` computes in."""
    t = _t()
    if x.is_complex():
        return t.float64 if x.dtype == t.complex128 else t.float32
    if x.dtype in (t.float32, t.float64):
        return x.dtype
    return t.get_default_dtype()


def _as_complex(x):
    if x.is_complex():
        return x
    return _ToComplex.apply(x.to(_float_of(x)))


def _as_real(op, x):
    if x.is_complex():
        raise TypeError(f"{op} expects a real input tensor, but got {_dtype_name(x.dtype)}")
    return x.to(_float_of(x))


def _check_int(op, name, v):
    if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
        raise TypeError(f"fft_{op}(): argument '{name}' must be int, not {type(v).__name__}")


def _wrap(dim, ndim):
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def _points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _scale(norm, n, forward):
    """The factor of a transform of ``n`` points (``forward``: the function is a forward transform)."""
    if norm is None or norm == "backward":
        return 1.0 if forward else 1.0 / n
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if norm == "forward":
        return 1.0 / n if forward else 1.0
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _shape_dims(op, x, s, dim):
    """PyTorch's canonical (s, dims): dims wrapped and unique, s with -1 replaced by the input's size
    (None where the caller chooses the default length)."""
    ndim = x.dim()
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        for d in dims:
            _check_int(op, "dim", d)
        dims = [_wrap(d, ndim) for d in dims]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {ndim} dimensions.")
        dims = list(range(ndim - len(s), ndim))
    else:
        dims = list(range(ndim))
    if s is None:
        return [None] * len(dims), dims
    sizes = list(s)
    for v in sizes:
        _check_int(op, "s", v)
    sizes = [None if v == -1 else _points(v) for v in sizes]
    return sizes, dims


def _out(op, result, out, complex_out):
    if out is None:
        return result
    t = _t()
    if not isinstance(out, t.Tensor):
        raise TypeError(f"fft_{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if complex_out and not out.is_complex():
        raise RuntimeError(f"{op} expects a complex output tensor, but got {_dtype_name(out.dtype)}")
    if not complex_out and not out.is_floating_point():
        raise RuntimeError(f"{op} expects a floating point output tensor, but got {_dtype_name(out.dtype)}")
    if tuple(out.shape) != tuple(result.shape):
        out.resize_(result.shape)
    out.copy_(result)
    return out


# ------------------------------------------------------------------------------------------ the transforms


def _c2c_n(op, x, s, dim, norm, forward, fn_forward):
    """fftn/ifftn: complex passes over ``dims`` (the scale on the last pass)."""
    _check_input(op, x)
    sizes, dims = _shape_dims(op, x, s, dim)
    x = _as_complex(x)
    ns = [_points(x.shape[d] if v is None else v) for v, d in zip(sizes, dims)]
    total = math.prod(ns)
    scale = _scale(norm, total, fn_forward)
    if not dims:
        return x.clone()
    for i, (d, n) in enumerate(zip(dims, ns)):
        x = _C2C.apply(x, d, n, n, forward, scale if i == len(dims) - 1 else 1.0)
    return x


def _r2c_n(op, x, s, dim, norm, fn_forward, conj):
    """rfftn (and ihfftn, ``conj``): a real-to-complex pass over the last dim, complex passes over the others."""
    _check_input(op, x)
    sizes, dims = _shape_dims(op, x, s, dim)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    x = _as_real(op, x)
    ns = [_points(x.shape[d] if v is None else v) for v, d in zip(sizes, dims)]
    scale = _scale(norm, math.prod(ns), fn_forward)
    last, n_last = dims[-1], ns[-1]
    y = _R2C.apply(x, last, n_last, n_last // 2 + 1, scale, conj, False)
    # ihfftn = conj(rfftn): the conjugate of forward passes is the unnormalized inverse of the conjugate.
    for d, n in zip(dims[:-1], ns[:-1]):
        y = _C2C.apply(y, d, n, n, not conj, 1.0)
    return y


def _c2r_n(op, x, s, dim, norm, fn_forward, conj):
    """irfftn (and hfftn, ``conj``): complex passes over all but the last dim, then complex-to-real."""
    _check_input(op, x)
    sizes, dims = _shape_dims(op, x, s, dim)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    x = _as_complex(x)
    ns = [_points(x.shape[d] if v is None else v) for v, d in zip(sizes[:-1], dims[:-1])]
    n_last = _points(2 * (x.shape[dims[-1]] - 1) if sizes[-1] is None else sizes[-1])
    scale = _scale(norm, math.prod(ns) * n_last, fn_forward)
    # hfftn(x) = c2r(conj(fft_others(x))): the conjugation is folded into the last pass.
    for d, n in zip(dims[:-1], ns):
        x = _C2C.apply(x, d, n, n, conj, 1.0)
    return _C2R.apply(x, dims[-1], n_last, scale, conj)


def _one(n, dim):
    """A 1-D transform's (s, dim): ``n = -1`` is invalid here (in ``s`` it means "the input's size")."""
    return (None if n is None else [_points(n)]), [dim]


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional discrete Fourier transform of ``input``.

    Args:
        input (Tensor): the input tensor (real inputs are promoted to complex; integers to the default
            float dtype's complex).
        n (int, optional): signal length: the input is zero-padded or trimmed to ``n`` along ``dim``.
        dim (int, optional): the dimension along which to take the transform (default: last).
        norm (str, optional): ``"backward"`` (default, no scaling), ``"forward"`` (scale by ``1/n``) or
            ``"ortho"`` (``1/sqrt(n)``).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.fft(rtorch.arange(4))
        tensor([ 6.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    _check_int("fft", "n", n), _check_int("fft", "dim", dim)
    return _out("fft", _c2c_n("fft", input, *_one(n, dim), norm, True, True), out, True)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional inverse discrete Fourier transform of ``input``.

    Args:
        input (Tensor): the input tensor.
        n (int, optional): signal length (zero-padding or trimming along ``dim``).
        dim (int, optional): the dimension along which to take the transform (default: last).
        norm (str, optional): ``"backward"`` (default, scale by ``1/n``), ``"forward"`` (no scaling) or
            ``"ortho"`` (``1/sqrt(n)``).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.ifft(rtorch.fft.fft(rtorch.tensor([1.0, 2.0, 3.0]))).real
        tensor([1., 2., 3.])
    """
    _check_int("ifft", "n", n), _check_int("ifft", "dim", dim)
    return _out("ifft", _c2c_n("ifft", input, *_one(n, dim), norm, False, False), out, True)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional discrete Fourier transform of ``input`` (:func:`fftn` over ``dim``).

    Args:
        input (Tensor): the input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions (-1: the input's size).
        dim (Tuple[int], optional): the two dimensions to transform (default: the last two).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.fft2(rtorch.ones(2, 2))
        tensor([[4.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j]])
    """
    return _out("fft2", _c2c_n("fft2", input, s, dim, norm, True, True), out, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional inverse discrete Fourier transform of ``input`` (:func:`ifftn` over ``dim``).

    Args:
        input (Tensor): the input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions.
        dim (Tuple[int], optional): the two dimensions to transform (default: the last two).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.ifft2(rtorch.fft.fft2(rtorch.eye(2))).real
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _out("ifft2", _c2c_n("ifft2", input, s, dim, norm, False, False), out, True)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N dimensional discrete Fourier transform of ``input``.

    Args:
        input (Tensor): the input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions (-1: the input's size);
            given without ``dim``, the last ``len(s)`` dimensions are transformed.
        dim (Tuple[int], optional): dimensions to transform (default: all, or the last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"`` (over the whole
            transformed size).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.fftn(rtorch.ones(2, 2, 2)).abs().sum()
        tensor(8.)
    """
    return _out("fftn", _c2c_n("fftn", input, s, dim, norm, True, True), out, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N dimensional inverse discrete Fourier transform of ``input``.

    Args:
        input (Tensor): the input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions.
        dim (Tuple[int], optional): dimensions to transform (default: all, or the last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.ifftn(rtorch.fft.fftn(rtorch.eye(2))).real
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _out("ifftn", _c2c_n("ifftn", input, s, dim, norm, False, False), out, True)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional Fourier transform of real-valued ``input``: the ``n//2 + 1``
    non-negative frequency bins (the others are their complex conjugates).

    Args:
        input (Tensor): the real input tensor.
        n (int, optional): signal length (zero-padding or trimming along ``dim``).
        dim (int, optional): the dimension along which to take the transform (default: last).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.rfft(rtorch.arange(4))
        tensor([ 6.+0.j, -2.+2.j, -2.+0.j])
    """
    _check_int("rfft", "n", n), _check_int("rfft", "dim", dim)
    return _out("rfft", _r2c_n("rfft", input, *_one(n, dim), norm, True, False), out, True)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the inverse of :func:`rfft`: a real signal of length ``n`` (default ``2 * (m - 1)`` for
    ``m`` input bins) from its non-negative frequency bins.

    The imaginary parts of the zero-frequency bin (and, for even ``n``, the Nyquist bin) are ignored.

    Args:
        input (Tensor): the half-Hermitian input (real inputs are promoted to complex).
        n (int, optional): output signal length.
        dim (int, optional): the dimension along which to take the transform (default: last).
        norm (str, optional): ``"backward"`` (default, ``1/n``), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.irfft(rtorch.fft.rfft(rtorch.tensor([1.0, 2.0, 3.0, 4.0])))
        tensor([1., 2., 3., 4.])
    """
    _check_int("irfft", "n", n), _check_int("irfft", "dim", dim)
    return _out("irfft", _c2r_n("irfft", input, *_one(n, dim), norm, False, False), out, False)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional discrete Fourier transform of real ``input`` (:func:`rfftn` over ``dim``).

    Args:
        input (Tensor): the real input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions.
        dim (Tuple[int], optional): the two dimensions to transform (the last one is halved).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.rfft2(rtorch.ones(2, 4)).shape
        rtorch.Size([2, 3])
    """
    return _out("rfft2", _r2c_n("rfft2", input, s, dim, norm, True, False), out, True)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the inverse of :func:`rfft2`.

    Args:
        input (Tensor): the half-Hermitian input.
        s (Tuple[int], optional): output signal size in the transformed dimensions (the last defaults
            to ``2 * (m - 1)``).
        dim (Tuple[int], optional): the two dimensions to transform.
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.irfft2(rtorch.fft.rfft2(rtorch.eye(2)))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _out("irfft2", _c2r_n("irfft2", input, s, dim, norm, False, False), out, False)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N-dimensional discrete Fourier transform of real ``input``: the last transformed
    dimension keeps its ``n//2 + 1`` non-negative frequencies.

    Args:
        input (Tensor): the real input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions.
        dim (Tuple[int], optional): dimensions to transform (default: all, or the last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.rfftn(rtorch.ones(2, 2, 4)).shape
        rtorch.Size([2, 2, 3])
    """
    return _out("rfftn", _r2c_n("rfftn", input, s, dim, norm, True, False), out, True)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the inverse of :func:`rfftn`.

    Args:
        input (Tensor): the half-Hermitian input.
        s (Tuple[int], optional): output signal size in the transformed dimensions (the last defaults
            to ``2 * (m - 1)``).
        dim (Tuple[int], optional): dimensions to transform (default: all, or the last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.irfftn(rtorch.fft.rfftn(rtorch.ones(2, 4))).sum()
        tensor(8.)
    """
    return _out("irfftn", _c2r_n("irfftn", input, s, dim, norm, False, False), out, False)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the one dimensional discrete Fourier transform of a Hermitian symmetric ``input`` signal
    given by its first half: a real result of length ``n`` (default ``2 * (m - 1)``).

    Args:
        input (Tensor): the first half of the Hermitian signal (real inputs are promoted to complex).
        n (int, optional): output length.
        dim (int, optional): the dimension along which to take the transform (default: last).
        norm (str, optional): ``"backward"`` (default, no scaling), ``"forward"`` (``1/n``) or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.hfft(rtorch.tensor([1.0, 0.0, 0.0]))
        tensor([1., 1., 1., 1.])
    """
    _check_int("hfft", "n", n), _check_int("hfft", "dim", dim)
    return _out("hfft", _c2r_n("hfft", input, *_one(n, dim), norm, True, True), out, False)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Computes the inverse of :func:`hfft`: the first ``n//2 + 1`` bins of the inverse transform of the
    real ``input``.

    Args:
        input (Tensor): the real input tensor.
        n (int, optional): signal length (zero-padding or trimming along ``dim``).
        dim (int, optional): the dimension along which to take the transform (default: last).
        norm (str, optional): ``"backward"`` (default, ``1/n``), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.ihfft(rtorch.tensor([1.0, 1.0, 1.0, 1.0]))
        tensor([1.+0.j, 0.+0.j, 0.+0.j])
    """
    _check_int("ihfft", "n", n), _check_int("ihfft", "dim", dim)
    return _out("ihfft", _r2c_n("ihfft", input, *_one(n, dim), norm, False, True), out, True)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional discrete Fourier transform of a Hermitian symmetric ``input``
    (:func:`hfftn` over ``dim``).

    Args:
        input (Tensor): the half-Hermitian input.
        s (Tuple[int], optional): output signal size in the transformed dimensions.
        dim (Tuple[int], optional): the two dimensions to transform.
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.hfft2(rtorch.ones(2, 2)).shape
        rtorch.Size([2, 2])
    """
    return _out("hfft2", _c2r_n("hfft2", input, s, dim, norm, True, True), out, False)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Computes the 2-dimensional inverse of :func:`hfft2` for real ``input``.

    Args:
        input (Tensor): the real input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions.
        dim (Tuple[int], optional): the two dimensions to transform.
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.ihfft2(rtorch.ones(2, 4)).shape
        rtorch.Size([2, 3])
    """
    return _out("ihfft2", _r2c_n("ihfft2", input, s, dim, norm, False, True), out, True)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N-dimensional discrete Fourier transform of a Hermitian symmetric ``input`` given by
    its half along the last transformed dimension: a real result.

    Args:
        input (Tensor): the half-Hermitian input.
        s (Tuple[int], optional): output signal size in the transformed dimensions (the last defaults
            to ``2 * (m - 1)``).
        dim (Tuple[int], optional): dimensions to transform (default: all, or the last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.hfftn(rtorch.ones(2, 3)).shape
        rtorch.Size([2, 4])
    """
    return _out("hfftn", _c2r_n("hfftn", input, s, dim, norm, True, True), out, False)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Computes the N-dimensional inverse of :func:`hfftn` for real ``input``.

    Args:
        input (Tensor): the real input tensor.
        s (Tuple[int], optional): signal size in the transformed dimensions.
        dim (Tuple[int], optional): dimensions to transform (default: all, or the last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"forward"`` or ``"ortho"``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.fft.ihfftn(rtorch.ones(2, 4)).shape
        rtorch.Size([2, 3])
    """
    return _out("ihfftn", _r2c_n("ihfftn", input, s, dim, norm, False, True), out, True)


# ------------------------------------------------------------------------------------ frequencies, shifts


def _freq(op, n, d, count, wrap, out, dtype, layout, device, requires_grad):
    t = _t()
    _check_int(op, "n", n)
    dtype = t.get_default_dtype() if dtype is None else dtype
    if not (dtype.is_floating_point or getattr(dtype, "is_complex", False)):
        raise RuntimeError(f"{op} requires a floating point or complex dtype")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    r = t.arange(count, dtype=dtype, device=device)
    if wrap and count:
        r[(n + 1) // 2:] -= n
    # 1 / (n d) as C++ computes it: n = 0 or d = 0 give inf (so rfftfreq(0) is [nan], as in PyTorch).
    r = r * (1.0 / (n * d) if n * d else math.inf)
    if out is not None:
        return _out(op, r, out, dtype.is_complex if hasattr(dtype, "is_complex") else False)
    return r.requires_grad_(True) if requires_grad else r


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Computes the discrete Fourier transform sample frequencies for a signal of size ``n``:
    ``[0, 1, ..., (n - 1) // 2, -(n // 2), ..., -1] / (d * n)``.

    Args:
        n (int): the FFT length.
        d (float, optional): the sampling length scale (the inverse of the sampling rate).
        out (Tensor, optional): the output tensor.
        dtype (rtorch.dtype, optional): the result's floating or complex dtype (default: the default dtype).
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the result's device.
        requires_grad (bool, optional): whether the result records gradients.

    Example::

        >>> rtorch.fft.fftfreq(5)
        tensor([ 0.0000,  0.2000,  0.4000, -0.4000, -0.2000])
    """
    return _freq("fftfreq", n, d, max(n, 0) if isinstance(n, int) else n, True, out, dtype, layout, device,
                 requires_grad)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Computes the sample frequencies of :func:`rfft` for a signal of size ``n``:
    ``[0, 1, ..., n // 2] / (d * n)``.

    Args:
        n (int): the real FFT length.
        d (float, optional): the sampling length scale.
        out (Tensor, optional): the output tensor.
        dtype (rtorch.dtype, optional): the result's floating or complex dtype (default: the default dtype).
        layout (rtorch.layout, optional): only ``rtorch.strided``.
        device (rtorch.device, optional): the result's device.
        requires_grad (bool, optional): whether the result records gradients.

    Example::

        >>> rtorch.fft.rfftfreq(5)
        tensor([0.0000, 0.2000, 0.4000])
    """
    return _freq("rfftfreq", n, d, n // 2 + 1 if isinstance(n, int) and n >= 0 else n, False, out, dtype,
                 layout, device, requires_grad)


def _shift(input, dim, inverse):
    t = _t()
    if not isinstance(input, t.Tensor):
        op = "ifftshift" if inverse else "fftshift"
        raise TypeError(f"fft_{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if dim is None:
        dims = list(range(input.dim()))
    else:
        dims = [_wrap(d, input.dim()) for d in ([dim] if isinstance(dim, int) else dim)]
    if not dims:
        raise RuntimeError("`shifts` required")
    shifts = [(input.shape[d] + 1) // 2 if inverse else input.shape[d] // 2 for d in dims]
    return input.roll(shifts, dims)


def fftshift(input, dim=None):
    """Reorders n-dimensional FFT data, as given by :func:`fftn`, to have negative frequency terms first
    (the zero frequency in the centre): a roll by ``size // 2`` along each of ``dim``.

    Args:
        input (Tensor): the tensor in FFT order.
        dim (int or Tuple[int], optional): the dimensions to rearrange (default: all).

    Example::

        >>> rtorch.fft.fftshift(rtorch.fft.fftfreq(5))
        tensor([-0.4000, -0.2000,  0.0000,  0.2000,  0.4000])
    """
    return _shift(input, dim, False)


def ifftshift(input, dim=None):
    """Inverse of :func:`fftshift`: a roll by ``(size + 1) // 2`` along each of ``dim``.

    Args:
        input (Tensor): the tensor in centred order.
        dim (int or Tuple[int], optional): the dimensions to rearrange (default: all).

    Example::

        >>> rtorch.fft.ifftshift(rtorch.fft.fftshift(rtorch.fft.fftfreq(5)))
        tensor([ 0.0000,  0.2000,  0.4000, -0.4000, -0.2000])
    """
    return _shift(input, dim, True)
