"""rtorch.special: PyTorch's special functions (torch.special), on the elementwise rows of the op tables.

Most names are aliases of rtorch functions (``expit`` is :func:`rtorch.sigmoid`, ``gammaln`` is
:func:`rtorch.lgamma`); the functions PyTorch has only here call the rows bound as private Tensor methods
(``Tensor._special_ndtr``), which run on every device with gradients where PyTorch has them.
"""

from __future__ import annotations

import numbers as _numbers

import rtorch as _rt
from ._rtorch import Tensor as _Tensor

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
    "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
    "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
    "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
    "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
    "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax",
    "spherical_bessel_j0", "xlog1py", "xlogy", "zeta",
]


def _tensor(v, name, fn):
    if isinstance(v, _Tensor):
        return v
    if isinstance(v, (_numbers.Number, bool)):
        # A Python number joins type promotion as a 0-d tensor does (a "wrapped number").
        return _rt.tensor(v)
    raise TypeError(f"special.{fn}(): argument '{name}' must be Tensor or Number, not {type(v).__name__}")


def _unary(name, method, summary, example):
    """special.<name>(input, *, out=None) over the Tensor method `method`."""
    meth = getattr(_Tensor, method)

    def fn(input, *, out=None):
        if not isinstance(input, _Tensor):
            raise TypeError(f"special.{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        # The unbound method, without `out` when it is not given (per-call cost on tiny tensors).
        return meth(input) if out is None else meth(input, out=out)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = f"""{summary}

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        {example}
    """
    return fn


def _binary(name, method, first, second, summary, example):
    """special.<name>(first, second, *, out=None): either operand may be a number."""
    meth = getattr(_Tensor, method)

    def fn(*args, out=None, **kwargs):
        if len(args) == 2 and not kwargs and isinstance(args[0], _Tensor):
            # The common call special.f(tensor, n): straight to the method (per-call cost on tiny tensors).
            return meth(args[0], args[1]) if out is None else meth(args[0], args[1], out=out)
        names = (first, second)
        vals = list(args) + [None] * (2 - len(args))
        if len(args) > 2:
            raise TypeError(f"special.{name}() takes 2 positional arguments but {len(args)} were given")
        for k, v in kwargs.items():
            if k not in names or vals[names.index(k)] is not None:
                raise TypeError(f"special.{name}() got an unexpected keyword argument '{k}'")
            vals[names.index(k)] = v
        if any(v is None for v in vals):
            missing = [n for n, v in zip(names, vals) if v is None]
            raise TypeError(f"special.{name}() missing required argument '{missing[0]}'")
        a, b = vals
        if not isinstance(a, _Tensor) and not isinstance(b, _Tensor):
            raise TypeError(f"special.{name}(): at least one of '{first}' and '{second}' must be a Tensor")
        return getattr(_tensor(a, first, name), method)(b, out=out)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = f"""{summary}

    Args:
        {first} (Tensor or Number): the first operand.
        {second} (Tensor or Number): the second operand (broadcast against ``{first}``).
        out (Tensor, optional): the output tensor.

    Example::

        {example}
    """
    return fn


# ---- aliases of rtorch functions ----

def _alias(target, name, note):
    def fn(*args, **kwargs):
        return target(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = f"""Alias for :func:`rtorch.{note}`.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.
    """
    try:
        import inspect

        fn.__signature__ = inspect.signature(target)
    except (TypeError, ValueError):
        pass
    return fn


digamma = _alias(_rt.digamma, "digamma", "digamma")
psi = _alias(_rt.digamma, "psi", "digamma")
gammaln = _alias(_rt.lgamma, "gammaln", "lgamma")
erf = _alias(_rt.erf, "erf", "erf")
erfc = _alias(_rt.erfc, "erfc", "erfc")
erfinv = _alias(_rt.erfinv, "erfinv", "erfinv")
exp2 = _alias(_rt.exp2, "exp2", "exp2")
expm1 = _alias(_rt.expm1, "expm1", "expm1")
log1p = _alias(_rt.log1p, "log1p", "log1p")
expit = _alias(_rt.sigmoid, "expit", "sigmoid")
sinc = _alias(_rt.sinc, "sinc", "sinc")
i0 = _alias(_rt.i0, "i0", "i0")
modified_bessel_i0 = _alias(_rt.i0, "modified_bessel_i0", "i0")
xlogy = _alias(_rt.xlogy, "xlogy", "xlogy")
gammainc = _alias(_rt.igamma, "gammainc", "igamma")
gammaincc = _alias(_rt.igammac, "gammaincc", "igammac")


def polygamma(n, input, *, out=None):
    """Computes the n-th derivative of the digamma function of ``input`` (:func:`rtorch.polygamma`).

    Args:
        n (int): the order of the derivative, at least 0.
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.special.polygamma(1, rtorch.tensor([1.0]))
        tensor([1.6449])
    """
    return _rt.polygamma(n, input, out=out)


def multigammaln(input, p, *, out=None):
    """Computes the multivariate log-gamma function of dimension ``p`` (:meth:`rtorch.Tensor.mvlgamma`).

    Args:
        input (Tensor): the input tensor.
        p (int): the number of dimensions, at least 1.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.special.multigammaln(rtorch.tensor([3.0]), 2)
        tensor([1.5502])
    """
    return input.mvlgamma(p, out=out)


def round(input, *, decimals=0, out=None):
    """Rounds the elements of ``input`` to ``decimals`` decimal places, halves to even (:func:`rtorch.round`).

    Args:
        input (Tensor): the input tensor.
        decimals (int, optional): the number of decimal places. Default: ``0``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.special.round(rtorch.tensor([0.5, 1.5, 1.26]), decimals=1)
        tensor([0.5000, 1.5000, 1.3000])
    """
    r = input.round(decimals=decimals)
    return r if out is None else out.copy_(r)


def logit(input, eps=None, *, out=None):
    """Returns the logit of ``input``: ``log(p / (1 - p))``.

    With ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``.

    Args:
        input (Tensor): the input tensor.
        eps (float, optional): the clamping bound. Default: ``None`` (no clamping).
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.special.logit(rtorch.tensor([0.5, 0.0]), eps=1e-6)
        tensor([  0.0000, -13.8155])
    """
    x = input if eps is None else input.clamp(eps, 1 - eps)
    r = x.logit()
    return r if out is None else out.copy_(r)


def softmax(input, dim, *, dtype=None):
    """Applies softmax along ``dim`` (:func:`rtorch.softmax`), computing in ``dtype`` when given.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension softmax is taken over.
        dtype (rtorch.dtype, optional): the dtype the input is cast to first.

    Example::

        >>> rtorch.special.softmax(rtorch.tensor([0.0, 0.0]), 0)
        tensor([0.5000, 0.5000])
    """
    return _rt.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """Applies log-softmax along ``dim`` (:func:`rtorch.log_softmax`), computing in ``dtype`` when given.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension log-softmax is taken over.
        dtype (rtorch.dtype, optional): the dtype the input is cast to first.

    Example::

        >>> rtorch.special.log_softmax(rtorch.tensor([0.0, 0.0]), 0)
        tensor([-0.6931, -0.6931])
    """
    return _rt.log_softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """Returns ``log(sum(exp(input)))`` along ``dim``, without overflow (:func:`rtorch.logsumexp`).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints): the dimension(s) to reduce.
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> rtorch.special.logsumexp(rtorch.tensor([0.0, 0.0]), 0)
        tensor(0.6931)
    """
    r = _rt.logsumexp(input, dim, keepdim)
    return r if out is None else out.copy_(r)


# ---- the functions PyTorch has only in torch.special ----

i0e = _unary("i0e", "_special_i0e", "Computes the exponentially scaled zeroth order modified Bessel function of the first kind: ``i0(input) * exp(-|input|)``.",
             ">>> rtorch.special.i0e(rtorch.tensor([0.0]))\n        tensor([1.])")
i1 = _unary("i1", "_special_i1", "Computes the first order modified Bessel function of the first kind of ``input``.",
            ">>> rtorch.special.i1(rtorch.tensor([0.0]))\n        tensor([0.])")
i1e = _unary("i1e", "_special_i1e", "Computes the exponentially scaled first order modified Bessel function of the first kind: ``i1(input) * exp(-|input|)``.",
             ">>> rtorch.special.i1e(rtorch.tensor([0.0]))\n        tensor([0.])")
modified_bessel_i1 = _unary("modified_bessel_i1", "_special_i1", "Computes the first order modified Bessel function of the first kind of ``input``.",
                            ">>> rtorch.special.modified_bessel_i1(rtorch.tensor([0.0]))\n        tensor([0.])")
erfcx = _unary("erfcx", "_special_erfcx", "Computes the scaled complementary error function ``exp(input^2) * erfc(input)``.",
               ">>> rtorch.special.erfcx(rtorch.tensor([0.0]))\n        tensor([1.])")
ndtr = _unary("ndtr", "_special_ndtr", "Computes the standard normal cumulative distribution function of ``input``.",
              ">>> rtorch.special.ndtr(rtorch.tensor([0.0]))\n        tensor([0.5000])")
ndtri = _unary("ndtri", "_special_ndtri", "Computes the inverse of the standard normal cumulative distribution function (the quantile) of ``input``.",
               ">>> rtorch.special.ndtri(rtorch.tensor([0.5]))\n        tensor([0.])")
log_ndtr = _unary("log_ndtr", "_special_log_ndtr", "Computes the log of the standard normal cumulative distribution function, accurate in both tails.",
                  ">>> rtorch.special.log_ndtr(rtorch.tensor([0.0]))\n        tensor([-0.6931])")
entr = _unary("entr", "_special_entr", "Computes the entropy term ``-input * log(input)`` (0 at 0, -inf for negative input).",
              ">>> rtorch.special.entr(rtorch.tensor([1.0, 0.0]))\n        tensor([-0., 0.])")
bessel_j0 = _unary("bessel_j0", "_special_bessel_j0", "Computes the Bessel function of the first kind of order 0 of ``input``.",
                   ">>> rtorch.special.bessel_j0(rtorch.tensor([0.0]))\n        tensor([1.])")
bessel_j1 = _unary("bessel_j1", "_special_bessel_j1", "Computes the Bessel function of the first kind of order 1 of ``input``.",
                   ">>> rtorch.special.bessel_j1(rtorch.tensor([0.0]))\n        tensor([0.])")
bessel_y0 = _unary("bessel_y0", "_special_bessel_y0", "Computes the Bessel function of the second kind of order 0 of ``input``.",
                   ">>> rtorch.special.bessel_y0(rtorch.tensor([0.0]))\n        tensor([-inf])")
bessel_y1 = _unary("bessel_y1", "_special_bessel_y1", "Computes the Bessel function of the second kind of order 1 of ``input``.",
                   ">>> rtorch.special.bessel_y1(rtorch.tensor([0.0]))\n        tensor([-inf])")
spherical_bessel_j0 = _unary("spherical_bessel_j0", "_special_spherical_bessel_j0",
                             "Computes the spherical Bessel function of the first kind of order 0: ``sin(input) / input``.",
                             ">>> rtorch.special.spherical_bessel_j0(rtorch.tensor([0.0]))\n        tensor([1.])")
modified_bessel_k0 = _unary("modified_bessel_k0", "_special_modified_bessel_k0",
                            "Computes the zeroth order modified Bessel function of the second kind of ``input``.",
                            ">>> rtorch.special.modified_bessel_k0(rtorch.tensor([0.0]))\n        tensor([inf])")
modified_bessel_k1 = _unary("modified_bessel_k1", "_special_modified_bessel_k1",
                            "Computes the first order modified Bessel function of the second kind of ``input``.",
                            ">>> rtorch.special.modified_bessel_k1(rtorch.tensor([0.0]))\n        tensor([inf])")
scaled_modified_bessel_k0 = _unary("scaled_modified_bessel_k0", "_special_scaled_modified_bessel_k0",
                                   "Computes the exponentially scaled zeroth order modified Bessel function of the second kind: ``k0(input) * exp(input)``.",
                                   ">>> rtorch.special.scaled_modified_bessel_k0(rtorch.tensor([0.0]))\n        tensor([inf])")
scaled_modified_bessel_k1 = _unary("scaled_modified_bessel_k1", "_special_scaled_modified_bessel_k1",
                                   "Computes the exponentially scaled first order modified Bessel function of the second kind: ``k1(input) * exp(input)``.",
                                   ">>> rtorch.special.scaled_modified_bessel_k1(rtorch.tensor([0.0]))\n        tensor([inf])")
airy_ai = _unary("airy_ai", "_special_airy_ai", "Computes the Airy function Ai of ``input``.",
                 ">>> rtorch.special.airy_ai(rtorch.tensor([0.0]))\n        tensor([0.3550])")

xlog1py = _binary("xlog1py", "_special_xlog1py", "input", "other",
                  "Computes ``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN).",
                  ">>> rtorch.special.xlog1py(rtorch.tensor([0.0, 2.0]), rtorch.tensor([-1.0, 0.0]))\n        tensor([0., 0.])")
zeta = _binary("zeta", "_special_zeta", "input", "other",
               "Computes the Hurwitz zeta function ``sum_k (k + other)^-input``.",
               ">>> rtorch.special.zeta(rtorch.tensor([2.0]), 1.0)\n        tensor([1.6449])")
chebyshev_polynomial_t = _binary("chebyshev_polynomial_t", "_special_chebyshev_polynomial_t", "input", "n",
                                 "Computes the Chebyshev polynomial of the first kind ``T_n(input)``.",
                                 ">>> rtorch.special.chebyshev_polynomial_t(rtorch.tensor([0.5]), 2)\n        tensor([-0.5000])")
chebyshev_polynomial_u = _binary("chebyshev_polynomial_u", "_special_chebyshev_polynomial_u", "input", "n",
                                 "Computes the Chebyshev polynomial of the second kind ``U_n(input)``.",
                                 ">>> rtorch.special.chebyshev_polynomial_u(rtorch.tensor([0.5]), 2)\n        tensor([0.])")
chebyshev_polynomial_v = _binary("chebyshev_polynomial_v", "_special_chebyshev_polynomial_v", "input", "n",
                                 "Computes the Chebyshev polynomial of the third kind ``V_n(input)``.",
                                 ">>> rtorch.special.chebyshev_polynomial_v(rtorch.tensor([0.5]), 2)\n        tensor([-1.])")
chebyshev_polynomial_w = _binary("chebyshev_polynomial_w", "_special_chebyshev_polynomial_w", "input", "n",
                                 "Computes the Chebyshev polynomial of the fourth kind ``W_n(input)``.",
                                 ">>> rtorch.special.chebyshev_polynomial_w(rtorch.tensor([0.5]), 2)\n        tensor([1.])")
hermite_polynomial_h = _binary("hermite_polynomial_h", "_special_hermite_polynomial_h", "input", "n",
                               "Computes the physicists' Hermite polynomial ``H_n(input)``.",
                               ">>> rtorch.special.hermite_polynomial_h(rtorch.tensor([0.5]), 2)\n        tensor([-1.])")
hermite_polynomial_he = _binary("hermite_polynomial_he", "_special_hermite_polynomial_he", "input", "n",
                                "Computes the probabilists' Hermite polynomial ``He_n(input)``.",
                                ">>> rtorch.special.hermite_polynomial_he(rtorch.tensor([0.5]), 2)\n        tensor([-0.7500])")
laguerre_polynomial_l = _binary("laguerre_polynomial_l", "_special_laguerre_polynomial_l", "input", "n",
                                "Computes the Laguerre polynomial ``L_n(input)``.",
                                ">>> rtorch.special.laguerre_polynomial_l(rtorch.tensor([0.5]), 2)\n        tensor([0.1250])")
legendre_polynomial_p = _binary("legendre_polynomial_p", "_special_legendre_polynomial_p", "input", "n",
                                "Computes the Legendre polynomial ``P_n(input)``.",
                                ">>> rtorch.special.legendre_polynomial_p(rtorch.tensor([0.5]), 2)\n        tensor([-0.1250])")
shifted_chebyshev_polynomial_t = _binary("shifted_chebyshev_polynomial_t", "_special_shifted_chebyshev_polynomial_t", "input", "n",
                                         "Computes the shifted Chebyshev polynomial of the first kind ``T*_n(input) = T_n(2 input - 1)``.",
                                         ">>> rtorch.special.shifted_chebyshev_polynomial_t(rtorch.tensor([0.5]), 2)\n        tensor([-1.])")
shifted_chebyshev_polynomial_u = _binary("shifted_chebyshev_polynomial_u", "_special_shifted_chebyshev_polynomial_u", "input", "n",
                                         "Computes the shifted Chebyshev polynomial of the second kind ``U*_n(input) = U_n(2 input - 1)``.",
                                         ">>> rtorch.special.shifted_chebyshev_polynomial_u(rtorch.tensor([0.5]), 2)\n        tensor([-1.])")
shifted_chebyshev_polynomial_v = _binary("shifted_chebyshev_polynomial_v", "_special_shifted_chebyshev_polynomial_v", "input", "n",
                                         "Computes the shifted Chebyshev polynomial of the third kind ``V*_n(input) = V_n(2 input - 1)``.",
                                         ">>> rtorch.special.shifted_chebyshev_polynomial_v(rtorch.tensor([0.5]), 2)\n        tensor([-1.])")
shifted_chebyshev_polynomial_w = _binary("shifted_chebyshev_polynomial_w", "_special_shifted_chebyshev_polynomial_w", "input", "n",
                                         "Computes the shifted Chebyshev polynomial of the fourth kind ``W*_n(input) = W_n(2 input - 1)``.",
                                         ">>> rtorch.special.shifted_chebyshev_polynomial_w(rtorch.tensor([0.5]), 2)\n        tensor([-1.])")
