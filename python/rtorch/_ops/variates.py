"""Random variates of the Poisson, binomial and gamma families (`rtorch.poisson`, `rtorch.binomial`,
`rtorch._standard_gamma`, `rtorch._sample_dirichlet`), composed from uniform / normal draws: rejection
sampling over whole tensors (each round redraws only the still-rejected elements), driven by ``generator=``."""
from __future__ import annotations

import math

from .._composite import composite
from .._rtorch import Tensor
from ._common import rt as _rt

__all__ = ["poisson", "binomial"]

_MAX_ROUNDS = 2000
# Below this mean, inversion by sequential search (a few rounds); above, Hoermann's transformed rejection.
_INVERSION_MAX_MEAN = 10.0


def _check_generator(op, generator):
    rt = _rt()
    if generator is not None and not isinstance(generator, rt.Generator):
        raise TypeError(f"{op}(): argument 'generator' must be rtorch.Generator, not {type(generator).__name__}")


def _uniform(n, dtype, device, generator):
    return _rt().empty(n, dtype=dtype, device=device).uniform_(0.0, 1.0, generator=generator)


def _normal(n, dtype, device, generator):
    return _rt().empty(n, dtype=dtype, device=device).normal_(0.0, 1.0, generator=generator)


def _rejection(n, device, generator, propose):
    """Runs ``propose(idx) -> (value, accepted)`` on the pending flat indices until every element is accepted.

    ``idx`` (int64) names the pending elements; ``value`` and ``accepted`` are shaped like it.
    """
    rt = _rt()
    out = rt.zeros(n, dtype=rt.float64, device=device)
    pending = rt.arange(n, device=device)
    rounds = 0
    while pending.numel():
        rounds += 1
        if rounds > _MAX_ROUNDS:  # every sampler here accepts > 1/2 of valid proposals: this is a bad parameter
            raise RuntimeError(f"rejection sampler: {pending.numel()} draws still rejected after {_MAX_ROUNDS} rounds")
        value, accepted = propose(pending)
        done = pending[accepted]
        out[done] = value[accepted]
        pending = pending[~accepted]
    return out


def _poisson_inversion(lam, generator):
    """Sequential search of the CDF: one uniform per element, about ``lam`` vectorised rounds."""
    rt = _rt()
    u = _uniform(lam.shape, rt.float64, lam.device, generator)
    k = rt.zeros_like(lam)
    p = rt.exp(-lam)
    s = p.clone()
    active = u > s
    while bool(active.any()):
        k = k + active.to(lam.dtype)
        p = p * lam / k.clamp_min(1)
        s = s + p
        # s stalls below u only through rounding in the far tail: stop there
        active = active & (u > s) & (p > 0)
    return k


def _poisson_ptrs(lam, generator):
    """Hoermann's PTRS transformed rejection (1993) for means >= 10."""
    rt = _rt()
    slam, loglam = lam.sqrt(), lam.log()
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)

    def propose(idx):
        m = idx.numel()
        u = _uniform(m, rt.float64, lam.device, generator) - 0.5
        v = _uniform(m, rt.float64, lam.device, generator)
        us = 0.5 - u.abs()
        a_, b_, l_ = a[idx], b[idx], lam[idx]
        k = ((2 * a_ / us + b_) * u + l_ + 0.43).floor()
        quick = (us >= 0.07) & (v <= vr[idx])
        lhs = v.log() + inv_alpha[idx].log() - (a_ / (us * us) + b_).log()
        rhs = -l_ + k * loglam[idx] - rt.lgamma(k + 1)
        ok = quick | ((k >= 0) & ~((us < 0.013) & (v > us)) & (lhs <= rhs))
        return k, ok

    return _rejection(lam.numel(), lam.device, generator, propose)


@composite(method=False)
def poisson(input: Tensor, generator=None) -> Tensor:
    r"""Draws from the Poisson distribution whose rate is each element of ``input``.

    .. math:: \text{out}_i \sim \text{Poisson}(\text{input}_i)

    Args:
        input (Tensor): the non-negative rates (a floating dtype); the result has its dtype and shape.
        generator (Generator, optional): the random number generator.

    Example::

        >>> rtorch.poisson(rtorch.tensor([0.0, 0.0]))
        tensor([0., 0.])
    """
    rt = _rt()
    _check_generator("poisson", generator)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"poisson\" not implemented for '{_cname(input.dtype)}'")
    lam = input.detach().to(rt.float64).reshape(-1)
    if bool((lam < 0).any()) or bool(lam.isnan().any()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    if bool(lam.isinf().any()):
        raise RuntimeError("invalid Poisson rate, expected a finite rate")
    out = rt.zeros_like(lam)
    small = lam < _INVERSION_MAX_MEAN
    if bool(small.any()):
        out[small] = _poisson_inversion(lam[small], generator)
    if not bool(small.all()):
        out[~small] = _poisson_ptrs(lam[~small], generator)
    return out.reshape(input.shape).to(input.dtype)


def _cname(dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(dtype).rsplit(".", 1)[-1], str(dtype))


def _binomial_inversion(n, p, generator):
    """Inversion by the pmf recurrence for ``n * p < 10`` (``p <= 1/2``): about ``n * p`` rounds."""
    rt = _rt()
    q = 1 - p
    s = p / q
    a = (n + 1) * s
    r = q.pow(n)
    u = _uniform(n.shape, rt.float64, n.device, generator)
    x = rt.zeros_like(n)
    active = u > r
    while bool(active.any()):
        u = rt.where(active, u - r, u)
        x = x + active.to(n.dtype)
        r = r * (a / x.clamp_min(1) - s)
        active = active & (u > r) & (x < n) & (r > 0)
    return x


def _binomial_btrs(n, p, generator):
    """Hoermann's BTRS transformed rejection (1993) for ``n * p >= 10`` (``p <= 1/2``)."""
    rt = _rt()
    q = 1 - p
    spq = (n * p * q).sqrt()
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    vr = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    lpq = (p / q).log()
    m = ((n + 1) * p).floor()
    h = rt.lgamma(m + 1) + rt.lgamma(n - m + 1)

    def propose(idx):
        k_ = idx.numel()
        u = _uniform(k_, rt.float64, n.device, generator) - 0.5
        v = _uniform(k_, rt.float64, n.device, generator)
        us = 0.5 - u.abs()
        a_, b_, n_ = a[idx], b[idx], n[idx]
        k = ((2 * a_ / us + b_) * u + c[idx]).floor()
        inside = (k >= 0) & (k <= n_)
        quick = (us >= 0.07) & (v <= vr[idx])
        lv = (v * alpha[idx] / (a_ / (us * us) + b_)).log()
        kc = k.clamp(min=0).minimum(n_)
        bound = h[idx] - rt.lgamma(kc + 1) - rt.lgamma(n_ - kc + 1) + (kc - m[idx]) * lpq[idx]
        return k, inside & (quick | (lv <= bound))

    return _rejection(n.numel(), n.device, generator, propose)


@composite(method=False)
def binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    r"""Draws the number of successes in ``count`` trials of success probability ``prob``, element-wise.

    Args:
        count (Tensor): the numbers of trials (a floating dtype holding non-negative integers).
        prob (Tensor): the success probabilities in ``[0, 1]``, of ``count``'s dtype; broadcast with ``count``.
        generator (Generator, optional): the random number generator.

    Example::

        >>> rtorch.binomial(rtorch.tensor([5.0, 3.0]), rtorch.tensor([1.0, 0.0]))
        tensor([5., 0.])
    """
    rt = _rt()
    _check_generator("binomial", generator)
    for name, t in (("count", count), ("prob", prob)):
        if not t.is_floating_point():
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: {_cname(t.dtype)}")
    if count.dtype != prob.dtype:
        raise RuntimeError(f"binomial: expected count and prob of one dtype, got {count.dtype} and {prob.dtype}")
    c, pr = rt.broadcast_tensors(count.detach(), prob.detach())
    shape = c.shape
    n = c.to(rt.float64).reshape(-1)
    p = pr.to(rt.float64).reshape(-1)
    if bool(((p < 0) | (p > 1) | p.isnan()).any()):
        raise ValueError("binomial: expected prob in [0, 1]")
    if bool(((n < 0) | (n != n.floor()) | ~n.isfinite()).any()):
        raise ValueError("binomial: expected count to hold non-negative integers")
    # By symmetry draw with min(p, 1 - p) and reflect.
    flip = p > 0.5
    pp = rt.where(flip, 1 - p, p)
    out = rt.zeros_like(n)
    live = (n > 0) & (pp > 0)
    small = live & (n * pp < _INVERSION_MAX_MEAN)
    large = live & ~small
    if bool(small.any()):
        out[small] = _binomial_inversion(n[small], pp[small], generator)
    if bool(large.any()):
        out[large] = _binomial_btrs(n[large], pp[large], generator)
    out = rt.where(flip, n - out, out)
    return out.reshape(shape).to(count.dtype)


def _marsaglia_tsang(alpha, generator):
    """Gamma(alpha, 1) draws for float64 ``alpha > 0`` (Marsaglia & Tsang 2000; alpha < 1 boosted by U^(1/alpha))."""
    rt = _rt()
    boost = alpha < 1
    d = rt.where(boost, alpha + 1, alpha) - 1.0 / 3.0
    c = 1.0 / (9.0 * d).sqrt()

    def propose(idx):
        m = idx.numel()
        x = _normal(m, rt.float64, alpha.device, generator)
        u = _uniform(m, rt.float64, alpha.device, generator)
        d_ = d[idx]
        v = (1 + c[idx] * x) ** 3
        ok = (v > 0) & (u.log() < 0.5 * x * x + d_ - d_ * v + d_ * v.clamp_min(1e-300).log())
        return (d_ * v.clamp_min(1e-300)).log(), ok

    log_g = _rejection(alpha.numel(), alpha.device, generator, propose)
    u = _uniform(alpha.numel(), rt.float64, alpha.device, generator)
    log_g = rt.where(boost, log_g + u.log() / alpha, log_g)
    return log_g.exp()


def _standard_gamma_grad(alpha, x):
    """d x / d alpha of a Gamma(alpha, 1) draw ``x`` at fixed CDF (implicit reparameterisation), in float64.

    ``-dF/dalpha / pdf(x)``, with ``dF/dalpha`` of the regularised incomplete gamma by central differences.
    """
    rt = _rt()
    h = 1e-5 * alpha.clamp(max=1.0) * alpha.clamp(min=1.0).sqrt()
    dF = (rt.special.gammainc(alpha + h, x) - rt.special.gammainc(alpha - h, x)) / (2 * h)
    log_pdf = (alpha - 1) * x.log() - x - rt.lgamma(alpha)
    grad = -dF / log_pdf.exp()
    return rt.where(grad.isfinite(), grad, rt.zeros_like(grad))


def _make_standard_gamma_function():
    import rtorch

    class _StandardGamma(rtorch.autograd.Function):
        """Gamma(alpha, 1) draws whose gradient in ``alpha`` is the implicit reparameterisation one."""

        @staticmethod
        def forward(ctx, alpha, generator):
            a = alpha.detach().to(rtorch.float64).reshape(-1)
            finite = a.isfinite()
            x = a.clone()  # an infinite concentration draws infinity (no sampling)
            if bool(finite.any()):
                x[finite] = _marsaglia_tsang(a[finite], generator)
            tiny = rtorch.finfo(alpha.dtype).tiny
            out = x.reshape(alpha.shape).to(alpha.dtype).clamp_min(tiny)
            ctx.save_for_backward(alpha, out)
            return out

        @staticmethod
        def backward(ctx, grad):
            alpha, out = ctx.saved_tensors
            d = _standard_gamma_grad(alpha.detach().to(rtorch.float64), out.detach().to(rtorch.float64))
            return grad * d.to(grad.dtype), None

    return _StandardGamma


_STANDARD_GAMMA = []


# PyTorch's private names: declared (docs row, argument checks) but exported by hand, not in rtorch.__all__
@composite(method=False, function=False)
def _standard_gamma(input: Tensor, generator=None) -> Tensor:
    r"""Draws from Gamma(``input``, 1) element-wise, with the reparameterised gradient in ``input``.

    Args:
        input (Tensor): the concentrations (a floating dtype); values <= 0 give the dtype's tiny value.
        generator (Generator, optional): the random number generator.

    Example::

        >>> bool((rtorch._standard_gamma(rtorch.ones(3)) > 0).all())
        True
    """
    rt = _rt()
    _check_generator("_standard_gamma", generator)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"gamma_cpu\" not implemented for '{_cname(input.dtype)}'")
    if not _STANDARD_GAMMA:
        _STANDARD_GAMMA.append(_make_standard_gamma_function())
    # PyTorch answers a concentration <= 0 (or NaN) with the smallest normal number rather than failing.
    safe = rt.where(input > 0, input, rt.ones_like(input))
    out = _STANDARD_GAMMA[0].apply(safe, generator)
    return rt.where(input > 0, out, rt.full_like(out, rt.finfo(input.dtype).tiny))


@composite(method=False, function=False)
def _sample_dirichlet(input: Tensor, generator=None) -> Tensor:
    r"""Draws from Dirichlet(``input``) over the last dim (normalised gamma draws; differentiable in ``input``).

    Args:
        input (Tensor): the concentrations ``(*, K)``, positive.
        generator (Generator, optional): the random number generator.

    Example::

        >>> x = rtorch._sample_dirichlet(rtorch.ones(2, 3))
        >>> bool(((x.sum(-1) - 1).abs() < 1e-5).all())
        True
    """
    rt = _rt()
    g = _standard_gamma(input, generator=generator)
    return (g / g.sum(-1, keepdim=True)).clamp_min(rt.finfo(input.dtype).tiny)
