"""Gradient checking: float64 / complex128 central differences against autograd, with a random cotangent."""
import numpy as np


def _flat_inputs(inputs):
    from .. import Tensor

    return [x for x in (inputs if isinstance(inputs, (tuple, list)) else (inputs,)) if isinstance(x, Tensor)]


def _cotangent(rng, o):
    """A random cotangent for output ``o`` (complex outputs get random real and imaginary parts)."""
    from .. import tensor

    v = rng.standard_normal(tuple(o.shape))
    if o.dtype.is_complex:
        v = v + 1j * rng.standard_normal(tuple(o.shape))
    return tensor(v, dtype=o.dtype, device=o.device)


def _inner(o, v):
    """Re <v, o> = sum(Re(conj(v) * o)): the real loss whose gradient autograd computes from cotangent ``v``."""
    if o.dtype.is_complex:
        o = o.to(v.dtype)
        return float((o.real.double() * v.real.double()).sum() + (o.imag.double() * v.imag.double()).sum())
    return float((o.double() * (v.real if v.dtype.is_complex else v)).sum())


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0, **_ignored):
    """Compare autograd's vector-Jacobian product with finite differences.

    A random cotangent `v` is drawn for the output, and for every input element the numerical
    derivative of the real loss Re <v, f(x)> is compared with the analytical gradient. Inputs must be
    float64 or complex128. A complex input element is perturbed along its real and its imaginary part,
    and the numerical gradient is d/dRe + i d/dIm, PyTorch's convention for complex gradients (the
    conjugate Wirtinger derivative times 2, so a real loss descends along ``-grad``).

    Args:
        func: the function of ``inputs`` to check (tensor or tuple of tensors out).
        inputs (Tensor or tuple): its arguments; those with ``requires_grad`` are checked.
        eps (float): the finite-difference step.
        atol, rtol (float): the tolerances of the comparison.
        raise_exception (bool): raise on a mismatch instead of returning ``False``.

    Example::

        >>> z = rtorch.tensor([1 + 2j], dtype=rtorch.complex128, requires_grad=True)
        >>> rtorch.autograd.gradcheck(lambda z: (z * z).exp(), (z,))
        True
    """
    from . import grad as _grad

    inputs = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [x for x in _flat_inputs(inputs) if x.requires_grad]
    for x in diff:
        if x.dtype.name not in ("float64", "complex128"):
            raise ValueError(f"gradcheck expects float64 or complex128 inputs, got {x.dtype}")
    out = func(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    rng = np.random.default_rng(seed)
    vs = [_cotangent(rng, o) for o in outs]

    def scalar(*xs):
        o = func(*xs)
        os = o if isinstance(o, (tuple, list)) else (o,)
        return sum(_inner(oi, v) for oi, v in zip(os, vs))

    # Outputs that do not depend on any input (e.g. the constant gradient of a sum) contribute zero.
    live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if live:
        analytical = _grad([o for o, _ in live], diff, grad_outputs=[v for _, v in live], allow_unused=True)
    else:
        analytical = [None] * len(diff)
    for x, a in zip(diff, analytical):
        cplx = x.dtype.is_complex
        a = np.zeros(tuple(x.shape), np.complex128 if cplx else np.float64) if a is None else a.detach().cpu().numpy()
        num = np.zeros(tuple(x.shape), np.complex128 if cplx else np.float64)
        # Perturb through a detached alias (no graph), but evaluate with grad mode as the caller
        # has it, so gradgradcheck's inner autograd.grad calls still work.
        flat = x.detach().reshape(-1)
        base = x.detach().clone().reshape(-1)
        for i in range(flat.numel()):
            orig = base[i].item()
            for step, unit in ((eps, 1.0), (eps * 1j, 1j)) if cplx else ((eps, 1.0),):
                flat[i] = orig + step
                fp = scalar(*inputs)
                flat[i] = orig - step
                fm = scalar(*inputs)
                flat[i] = orig
                num.reshape(-1)[i] += unit * (fp - fm) / (2 * eps)
        if not np.allclose(a, num, atol=atol, rtol=rtol):
            if raise_exception:
                raise RuntimeError(f"Jacobian mismatch for input of shape {tuple(x.shape)}:\n"
                                   f"numerical:{num}\nanalytical:{a}")
            return False
    return True


def gradgradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=1, **_ignored):
    """Check second derivatives: gradcheck applied to the first-order gradient function."""
    from . import grad as _grad

    inputs = inputs if isinstance(inputs, (tuple, list)) else (inputs,)
    out = func(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    rng = np.random.default_rng(seed)
    vs = [_cotangent(rng, o) for o in outs]
    diff_idx = [i for i, x in enumerate(inputs) if hasattr(x, "requires_grad") and x.requires_grad]

    def first(*xs):
        o = func(*xs)
        os = o if isinstance(o, (tuple, list)) else (o,)
        gs = _grad(list(os), [xs[i] for i in diff_idx], grad_outputs=vs, create_graph=True, allow_unused=True,
                   materialize_grads=True)
        return tuple(gs)

    return gradcheck(first, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception, seed=seed + 1)
