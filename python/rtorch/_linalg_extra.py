"""torch.linalg's general eigendecomposition (eig, eigvals), LDL (ldl_factor[_ex], ldl_solve), matrix_sqrth, polar,
and the legacy LAPACK-style torch.geqrf / torch.ormqr; re-exported by ``rtorch.linalg`` and ``rtorch``.

The factorizations run in the Rust core (``_rtorch._linalg_eig`` on faer, ``_linalg_ldl_factor`` /
``_linalg_ldl_solve`` / ``_linalg_geqrf``: ports of LAPACK's sytf2/hetf2, sytrs/hetrs and geqr2); the gradients
are PyTorch's formulas (FunctionsManual.cpp) written with tensor ops, so double backward works.
"""
from collections import namedtuple

from . import _rtorch as _C
from .autograd.function import Function
from .linalg import (LinAlgError, _apply, _bshape, _diag_embed, _dtype_name, _out, _r, _t,
                     _wants_graph)

for _name, _fields in [("linalg_eig", ["eigenvalues", "eigenvectors"]), ("linalg_ldl_factor", ["LD", "pivots"]),
                       ("linalg_ldl_factor_ex", ["LD", "pivots", "info"]), ("linalg_polar", ["U", "H"]),
                       ("geqrf", ["a", "tau"])]:
    _r[_name] = namedtuple(_name, _fields)
del _name, _fields

_COMPLEX_NAMES = {"float32": "ComplexFloat", "float64": "ComplexDouble", "complex64": "ComplexFloat",
                  "complex128": "ComplexDouble"}


def _check_float_or_complex(op, A, name="A"):
    """PyTorch's dtype errors for an op that takes float32/64 and complex64/128."""
    t = _t()
    if not isinstance(A, t.Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(A).__name__}")
    if not (A.is_floating_point() or A.is_complex()):
        raise NotImplementedError(f"{op}: Expected a floating point or complex tensor as input. Got {_dtype_name(A.dtype)}")
    if A.dtype not in (t.float32, t.float64, t.complex64, t.complex128):
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {_dtype_name(A.dtype)}")


def _matrix(op, A, name="A", square=True):
    _check_float_or_complex(op, A, name)
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor {name} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    return A.resolve_conj() if A.is_complex() else A


def _complex_of(dtype):
    t = _t()
    return t.complex128 if dtype in (t.float64, t.complex128) else t.complex64


def _csolve(A, B):
    """``A X = B`` for complex ``A`` through the equivalent real system [[Re A, -Im A], [Im A, Re A]] (the real
    LU kernels; differentiable, so gradients of gradients work)."""
    t = _t()
    from .linalg import solve
    if not A.is_complex() and not B.is_complex():
        return solve(A, B)
    n = A.shape[-1]
    Ar, Ai = (A.real, A.imag) if A.is_complex() else (A, t.zeros_like(A))
    Br, Bi = (B.real, B.imag) if B.is_complex() else (B, t.zeros_like(B))
    big = t.cat([t.cat([Ar, -Ai], -1), t.cat([Ai, Ar], -1)], -2)
    X = solve(big, t.cat([Br, Bi], -2))
    return t.complex(X[..., :n, :], X[..., n:, :])


# ------------------------------------------------------------------------------------------- eig / eigvals


def _eig_checks(op, A, finite=True):
    t = _t()
    if isinstance(A, t.Tensor) and A.dtype in (t.float16, t.bfloat16):
        raise NotImplementedError(f"\"linalg_eig_out_cpu\" not implemented for '{_dtype_name(A.dtype)}'")
    if isinstance(A, t.Tensor) and not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {_dtype_name(A.dtype)}")
    A = _matrix(op, A)
    if finite and A.numel() and not bool(A.isfinite().all()):
        raise RuntimeError(f"torch.{op}: input tensor should not contain infs or NaNs.")
    return A


def _eig_info(op, info, batched):
    flat = info.reshape(-1)
    if flat.numel() and bool((flat != 0).any()):
        i = int((flat != 0).nonzero()[0, 0])
        where = f"(Batch element {i}): " if batched else ""
        raise LinAlgError(f"torch.{op}: {where}The algorithm failed to converge because the input matrix is "
                          f"ill-conditioned or has too many repeated eigenvalues (error code: 1).")


def _eig_kernel(A, vectors):
    """The kernel, in double precision for float32/complex64 input (faer's single-precision Schur iteration is
    ~30x less accurate than LAPACK's sgeev; in double the results beat it), cast back to complex64."""
    t = _t()
    if A.dtype in (t.float32, t.complex64):
        L, V, info = _C._linalg_eig(A.to(t.float64 if A.dtype == t.float32 else t.complex128), vectors)
        return L.to(t.complex64), V.to(t.complex64), info
    return _C._linalg_eig(A, vectors)


class _Eig(Function):
    @staticmethod
    def forward(ctx, A, recomputed=False):
        L, V, info = _eig_kernel(A, True)
        ctx.save_for_backward(A)
        ctx.res = (L, V)
        # The phase check runs on a node's first backward only: the recomputation below makes a second eig node,
        # and a double backward splits the (gauge-invariant) gradient of V between the two nodes' V, each part
        # alone phase-dependent; the linear formula still sums them to the right result.
        ctx.check = not recomputed
        # An unused output's gradient stays None: PyTorch's formula keeps the diagonal of Vᴴ gV when gL is
        # undefined, and double backward differentiates that term.
        ctx.set_materialize_grads(False)
        ctx.mark_non_differentiable(info)
        return L, V, info

    @staticmethod
    def backward(ctx, gL, gV, _ginfo):
        (A,) = ctx.saved_tensors
        L, V = _apply(_Eig, "LinalgEigBackward0", A, True)[:2] if _wants_graph() else ctx.res
        gA = _eig_backward(gL, gV, L, V, ctx.check)
        ctx.check = False
        return gA if A.is_complex() else gA.real, None


def _eig_backward(gL, gV, L, V, check=True):
    """PyTorch's linalg_eig_backward (non-Hermitian case).

    gA = V⁻ᴴ (P(Vᴴ gV) ⊘ Ē + diag(gL)) Vᴴ, where P projects onto the tangent space of unit-norm columns and
    Ē_ij = conj(L_j - L_i). A loss that depends on the eigenvectors' phases is ill-defined: raised, as PyTorch does.
    """
    t = _t()
    n = L.shape[-1]
    if gV is None:
        # eigvals' shortcut: gA = V⁻ᴴ diag(gL) Vᴴ.
        if gL is None:
            return t.zeros_like(V)
        return _csolve(V.mH, gL.unsqueeze(-1) * V.mH)
    VhgV = V.mH @ gV
    diag = VhgV.diagonal(0, -2, -1)
    if check and not t.allclose(diag.imag, t.zeros_like(diag.imag), rtol=1e-2, atol=1e-2):
        raise RuntimeError("linalg_eig_backward: The eigenvectors in the complex case are specified up to "
                           "multiplication by e^{i phi}. The specified loss function depends on this quantity, "
                           "so it is ill-defined.")
    # A phase-dependent cotangent reaches here only inside a double backward (the check ran on the first pass),
    # split between this node and the recomputed one. Map it through the adjoint of the phase choice actually
    # made (the largest component of each vector real, as geev), dv = dv_min - i v Im(dv_min[k]) / v[k], so
    # the formula is the exact adjoint for any cotangent and the two parts still sum to the right gradient.
    k = V.abs().argmax(dim=-2, keepdim=True)
    onehot = (t.arange(n, device=V.device).reshape(n, 1) == k).to(V.dtype)
    vk = (V * onehot).sum(-2, keepdim=True).real
    gV = gV - onehot * (1j * (diag.imag.unsqueeze(-2) / vk)).to(V.dtype)
    VhgV = V.mH @ gV
    diag = VhgV.diagonal(0, -2, -1)
    VhgV = VhgV - V.mH @ (V * diag.real.unsqueeze(-2))
    Lc = L.conj()
    E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1)
    # Masks by arithmetic, not `where` (which drops the graph of complex tensors): E's diagonal is exactly 0.
    eye = t.eye(n, dtype=V.dtype, device=V.device)
    inner = VhgV / (E + eye)
    if gL is not None:
        inner = inner * (1 - eye) + _diag_embed(gL.to(inner.dtype))
    return _csolve(V.mH, inner @ V.mH)


def _check_out_complex(op, out, names, dtype):
    t = _t()
    outs = out if isinstance(out, (tuple, list)) else (out,)
    for o, name in zip(outs, names):
        if isinstance(o, t.Tensor) and not o.is_complex():
            raise RuntimeError(f"torch.{op}: Expected {name} to be safely castable from "
                               f"{_COMPLEX_NAMES[str(dtype).replace('rtorch.', '')]} dtype, but got {name} with "
                               f"dtype {_dtype_name(o.dtype)}")


def eig(A, *, out=None):
    """Eigenvalues and right eigenvectors of each square matrix of ``A`` (complex results, also for real ``A``).

    The eigenvectors (columns of ``eigenvectors``) have norm 1; a complex one is turned so that its largest
    component is real, as LAPACK's ``geev`` does. Eigenvalues come in no particular order. The gradient is
    PyTorch's: finite for distinct eigenvalues, and only for losses that do not depend on the eigenvectors'
    phases (otherwise backward raises, as in PyTorch).

    Args:
        A (Tensor): ``(*, n, n)``, float32/64 or complex64/128.
        out (tuple, optional): two complex output tensors.

    Example::

        >>> L, V = rtorch.linalg.eig(rtorch.tensor([[2.0, 0.0], [0.0, 3.0]]))
        >>> L
        tensor([2.+0.j, 3.+0.j])
    """
    A = _eig_checks("linalg.eig", A)
    if out is not None:
        _check_out_complex("linalg.eig", out, ("eigenvalues", "eigenvectors"), A.dtype)
    L, V, info = _apply(_Eig, "LinalgEigBackward0", A, False)
    _eig_info("linalg.eig", info, A.dim() > 2)
    return _out(_r["linalg_eig"](L, V), out)


def eigvals(A, *, out=None):
    """Eigenvalues of each square matrix of ``A`` (complex, also for real ``A``; in no particular order).

    Args:
        A (Tensor): ``(*, n, n)``, float32/64 or complex64/128.
        out (Tensor, optional): a complex output tensor.

    Example::

        >>> rtorch.linalg.eigvals(rtorch.tensor([[0.0, -1.0], [1.0, 0.0]]))
        tensor([0.+1.j, 0.-1.j])
    """
    t = _t()
    grad = isinstance(A, t.Tensor) and A.requires_grad and t.is_grad_enabled()
    A = _eig_checks("linalg.eig" if grad else "linalg.eigvals", A, finite=grad)
    if out is not None:
        _check_out_complex("linalg.eigvals", out, ("eigenvalues",), A.dtype)
    if grad:
        L, _, info = _apply(_Eig, "LinalgEigBackward0", A, False)
    else:
        # As PyTorch: no finiteness check without autograd; a matrix holding inf/NaN gets NaN eigenvalues.
        L, _, info = _eig_kernel(A, False)
        if A.numel():
            bad = ~A.isfinite().all(-1).all(-1)
            if bool(bad.any()):
                L = L.masked_fill(bad.unsqueeze(-1), complex(float("nan"), float("nan")))
                info = info.masked_fill(bad, 0)
    _eig_info("linalg.eigvals", info, A.dim() > 2)
    return _out(L, out)


# ---------------------------------------------------------------------------------------------------- LDL


class _NoGrad(Function):
    """Ties the outputs of an op PyTorch cannot differentiate to its input ``src``: a backward through them
    raises PyTorch's "derivative ... is not implemented" error."""

    @staticmethod
    def forward(ctx, name, src, *xs):
        ctx.name = name
        return tuple(x.clone() for x in xs)

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(ctx.name)


def _no_grad_outputs(message, inputs, outputs):
    """``outputs``, recorded so that a backward through them raises ``message`` (ops PyTorch cannot differentiate)."""
    t = _t()
    src = [x for x in inputs if isinstance(x, t.Tensor) and x.requires_grad]
    if not (t.is_grad_enabled() and src):
        return outputs
    diff = [o for o in outputs if o.is_floating_point() or o.is_complex()]
    it = iter(_NoGrad.apply(message, src[0], *diff))
    return tuple(next(it) if (o.is_floating_point() or o.is_complex()) else o for o in outputs)


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """Bunch-Kaufman LDL factorization of symmetric (or, with ``hermitian``, Hermitian) matrices, in LAPACK's
    compact ``sytrf`` form, without raising on singular input: ``(LD, pivots, info)``.

    Only the lower triangle of ``A`` is read. ``LD`` holds the unit lower factor below the diagonal and the
    1x1/2x2 diagonal blocks of D on it (and on the first subdiagonal for 2x2 blocks); ``pivots`` are LAPACK's
    1-based int32 interchanges (negative pairs mark 2x2 blocks); ``info`` is 1 + the index of the first zero
    diagonal block of D, else 0.

    Args:
        A (Tensor): ``(*, n, n)``, float32/64 or complex64/128.
        hermitian (bool): factor ``A = L D Lᴴ`` instead of ``L D Lᵀ`` (only matters for complex ``A``).
        check_errors (bool): raise :class:`LinAlgError` where ``info`` is nonzero.
        out (tuple, optional): three output tensors.

    Example::

        >>> LD, pivots, info = rtorch.linalg.ldl_factor_ex(rtorch.tensor([[4.0, 2.0], [2.0, 3.0]]))
        >>> pivots
        tensor([1, 2], dtype=torch.int32)
    """
    op = "torch.linalg.ldl_factor_ex"
    src = A
    A = _matrix(op, A)
    LD, piv, info = _C._linalg_ldl_factor(A, bool(hermitian))
    if check_errors:
        _ldl_raise("torch.linalg.ldl_factor_ex", info, A.dim() > 2)
    LD, piv, info = _no_grad_outputs("derivative for aten::linalg_ldl_factor_ex is not implemented", (src,),
                                     (LD, piv, info))
    return _out(_r["linalg_ldl_factor_ex"](LD, piv, info), out)


def _ldl_raise(op, info, batched):
    flat = info.reshape(-1)
    if flat.numel() and bool((flat != 0).any()):
        i = int((flat != 0).nonzero()[0, 0])
        where = f"(Batch element {i}): " if batched else ""
        raise LinAlgError(f"{op}: {where}The factorization could not be completed because the input is singular: "
                          f"the diagonal element {int(flat[i])} of D is zero.")


def ldl_factor(A, *, hermitian=False, out=None):
    """Bunch-Kaufman LDL factorization in LAPACK's compact form: ``(LD, pivots)``; see :func:`ldl_factor_ex`.

    Raises :class:`LinAlgError` when D has a zero diagonal block (the matrix is singular).

    Args:
        A (Tensor): ``(*, n, n)`` symmetric (Hermitian) matrices; only the lower triangle is read.
        hermitian (bool): factor ``A = L D Lᴴ`` (complex ``A``).
        out (tuple, optional): two output tensors.

    Example::

        >>> A = rtorch.tensor([[0.0, 1.0], [1.0, 0.0]])
        >>> rtorch.linalg.ldl_factor(A).pivots
        tensor([-2, -2], dtype=torch.int32)
    """
    LD, piv, info = ldl_factor_ex(A, hermitian=hermitian)
    _ldl_raise("torch.linalg.ldl_factor", info, A.dim() > 2)
    return _out(_r["linalg_ldl_factor"](LD, piv), out)


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """Solves ``A X = B`` from :func:`ldl_factor`'s compact ``(LD, pivots)`` of ``A``; batch dims broadcast.

    Args:
        LD (Tensor): ``(*, n, n)`` from :func:`ldl_factor` / :func:`ldl_factor_ex`.
        pivots (Tensor): ``(*, n)`` int32 pivots from the same call.
        B (Tensor): ``(*, n, k)`` right-hand sides, of ``LD``'s dtype.
        hermitian (bool): as passed to :func:`ldl_factor`.
        out (Tensor, optional): the output tensor.

    Example::

        >>> A = rtorch.tensor([[4.0, 2.0], [2.0, 3.0]])
        >>> LD, pivots = rtorch.linalg.ldl_factor(A)
        >>> rtorch.linalg.ldl_solve(LD, pivots, rtorch.tensor([[6.0], [5.0]]))
        tensor([[1.],
                [1.]])
    """
    t = _t()
    op = "torch.linalg.ldl_solve"
    LD = _matrix(op, LD, "LD")
    if not isinstance(pivots, t.Tensor):
        raise TypeError(f"linalg_ldl_solve(): argument 'pivots' must be Tensor, not {type(pivots).__name__}")
    if not isinstance(B, t.Tensor):
        raise TypeError(f"linalg_ldl_solve(): argument 'B' must be Tensor, not {type(B).__name__}")
    if B.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor B must have at least 2 dimensions.")
    if pivots.dtype != t.int32:
        raise RuntimeError(f"{op}: Expected pivots to be integers. Got {_dtype_name(pivots.dtype)}")
    if LD.dtype != B.dtype:
        raise RuntimeError(f"{op}: Expected LD and B to have the same dtype, but found LD of type "
                           f"{_dtype_name(LD.dtype)} and B of type {_dtype_name(B.dtype)} instead")
    n = LD.shape[-1]
    if pivots.dim() < 1 or pivots.shape[-1] != n:
        raise RuntimeError(f"{op}: Expected LD.shape[-1] and pivots.shape[-1] to be the same, but got pivots with "
                           f"shape {list(pivots.shape)} instead")
    if B.shape[-2] != n:
        raise RuntimeError(f"{op}: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    batch = _bshape(tuple(LD.shape[:-2]), tuple(pivots.shape[:-1]), tuple(B.shape[:-2]))
    Bc = B.resolve_conj() if B.is_complex() else B
    X = _C._linalg_ldl_solve(LD.expand(*batch, n, n).contiguous(), pivots.expand(*batch, n).contiguous(),
                             Bc.expand(*batch, n, B.shape[-1]), bool(hermitian))
    (X,) = _no_grad_outputs("derivative for aten::linalg_ldl_solve is not implemented", (LD, B), (X,))
    return _out(X, out)


# ------------------------------------------------------------------------------------------ matrix_sqrth


def _sqrth_parts(A):
    """(X, s, Q): the principal square root of the Hermitian ``A`` (eigenvalues clamped at 0, as PyTorch), the
    square roots of the eigenvalues and the eigenvectors."""
    from .linalg import eigh
    w, Q = eigh(A)
    s = w.clamp(min=0).sqrt()
    X = (Q * s.unsqueeze(-2).to(Q.dtype)) @ Q.mH
    return X, s, Q


class _Sqrth(Function):
    @staticmethod
    def forward(ctx, A):
        X, s, Q = _sqrth_parts(A)
        ctx.save_for_backward(A)
        ctx.res = (s, Q)
        return X

    @staticmethod
    def backward(ctx, gX):
        (A,) = ctx.saved_tensors
        s, Q = _sqrth_parts(A)[1:] if _wants_graph() else ctx.res
        # X dX + dX X = dA (a Sylvester equation): in the eigenbasis dX_ij = dA_ij / (s_i + s_j); that map is
        # self-adjoint, so gA = Q ((Qᴴ gX Q) ⊘ (s_i + s_j)) Qᴴ (finite at repeated eigenvalues, unlike eigh's).
        S = (s.unsqueeze(-1) + s.unsqueeze(-2)).to(Q.dtype)
        return Q @ ((Q.mH @ gX @ Q) / S) @ Q.mH


def matrix_sqrth(A):
    """The principal square root ``X`` (``X X = A``, ``X`` symmetric/Hermitian positive-semidefinite) of each
    symmetric (Hermitian) positive-definite matrix of ``A``.

    Only the lower triangle of ``A`` is read; negative eigenvalues (an indefinite input) are clamped to 0, as
    PyTorch does. The gradient solves the Sylvester equation ``X G + G X = grad`` (finite where ``A`` is
    positive-definite, also at repeated eigenvalues).

    Args:
        A (Tensor): ``(*, n, n)``, float32/64.

    Example::

        >>> rtorch.linalg.matrix_sqrth(rtorch.tensor([[4.0, 0.0], [0.0, 9.0]]))
        tensor([[2., 0.],
                [0., 3.]])
    """
    A = _matrix("linalg.matrix_sqrth", A)
    if A.is_complex():
        raise NotImplementedError(f"linalg.matrix_sqrth: complex input ({_dtype_name(A.dtype)}) is not supported "
                                  f"yet (rtorch's eigh is real only)")
    return _apply(_Sqrth, "LinalgMatrixSqrthBackward0", A)


# ----------------------------------------------------------------------------------------------------- polar


def _polar_parts(A):
    from .linalg import svd
    W, S, Vh = svd(A, full_matrices=False)
    return W, S, Vh


class _Polar(Function):
    @staticmethod
    def forward(ctx, A):
        W, S, Vh = _polar_parts(A)
        ctx.save_for_backward(A)
        ctx.res = (W, S, Vh)
        return W @ Vh, (Vh.mH * S.unsqueeze(-2)) @ Vh

    @staticmethod
    def backward(ctx, gU, gH):
        (A,) = ctx.saved_tensors
        W, S, Vh = _polar_parts(A) if _wants_graph() else ctx.res
        t = _t()
        V = Vh.mH
        # The adjoint of dU = W K Vᴴ + (I - W Wᴴ) dA V S⁻¹ Vᴴ and dH = V D Vᴴ, where M = Wᴴ dA V,
        # K = (M - Mᴴ) ⊘ (s_i + s_j) and D = (S M + Mᴴ S) ⊘ (s_i + s_j) (A = W S Vᴴ, thin SVD).
        E = S.unsqueeze(-1) + S.unsqueeze(-2)
        gM = t.zeros_like(Vh)
        gA = None
        if gU is not None:
            G1 = W.mH @ gU @ V
            gM = gM + (G1 - G1.mH) / E
            R = gU @ (V / S.unsqueeze(-2)) @ Vh
            gA = R - W @ (W.mH @ R)
        if gH is not None:
            G2 = Vh @ gH @ V
            gM = gM + S.unsqueeze(-1) * ((G2 + G2.mH) / E)
        core = W @ gM @ Vh
        return core if gA is None else core + gA


def polar(A, *, out=None):
    """Polar decomposition ``A = U H`` of each ``(m, n)`` matrix of ``A`` (``m >= n``): ``U`` with orthonormal
    columns (the closest such matrix to ``A``) and ``H`` symmetric positive-semidefinite, through the SVD
    ``A = W S Vᵀ`` (``U = W Vᵀ``, ``H = V S Vᵀ``), as PyTorch computes it on the CPU.

    The gradient is defined where ``A`` has full column rank.

    Args:
        A (Tensor): ``(*, m, n)`` with ``m >= n``, float32/64.
        out (tuple, optional): two output tensors.

    Example::

        >>> U, H = rtorch.linalg.polar(rtorch.tensor([[2.0, 0.0], [0.0, -3.0]]))
        >>> H
        tensor([[2., 0.],
                [0., 3.]])
    """
    op = "linalg.polar"
    A = _matrix(op, A, square=False)
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{op}: input must have at least as many rows as columns, but got "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if A.is_complex():
        raise NotImplementedError(f"{op}: complex input ({_dtype_name(A.dtype)}) is not supported yet "
                                  f"(rtorch's svd is real only)")
    U, H = _apply(_Polar, "LinalgPolarBackward0", A)
    return _out(_r["linalg_polar"](U, H), out)


# ------------------------------------------------------------------------------------- geqrf / ormqr (legacy)


def geqrf(input, *, out=None):
    """QR decomposition in LAPACK's packed ``geqrf`` form: ``(a, tau)``.

    ``a`` holds R on and above the diagonal and the Householder vectors below it (their leading 1 implied);
    ``Q = H_1 ... H_k`` with ``H_i = I - tau_i v_i v_iᴴ``. Recover Q with :func:`rtorch.linalg.householder_product`
    or apply it with :func:`ormqr`. Not differentiable (as in PyTorch).

    Args:
        input (Tensor): ``(*, m, n)``, float32/64 or complex64/128.
        out (tuple, optional): two output tensors.

    Example::

        >>> a, tau = rtorch.geqrf(rtorch.tensor([[3.0], [4.0]]))
        >>> a
        tensor([[-5.0000],
                [ 0.5000]])
    """
    op = "geqrf"
    t = _t()
    if not isinstance(input, t.Tensor):
        raise TypeError(f"geqrf(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    A = _matrix(op, input, "input", square=False)
    a, tau = _C._linalg_geqrf(A)
    a, tau = _no_grad_outputs("the derivative for 'geqrf' is not implemented.", (input,), (a, tau))
    return _out(_r["geqrf"](a, tau), out)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """Multiplies ``other`` by the Q of a packed QR (:func:`geqrf`'s ``(input, tau)``): ``Q C``, ``Qᴴ C``
    (``transpose``), ``C Q`` or ``C Qᴴ`` (``left=False``), as LAPACK's ``ormqr``/``unmqr``. Differentiable.

    Args:
        input (Tensor): ``(*, mn, k)`` Householder vectors below the diagonal.
        tau (Tensor): ``(*, min(mn, k))`` their scales.
        other (Tensor): ``(*, m, n)``; ``mn`` is ``m`` with ``left`` else ``n``.
        left (bool): multiply from the left (default) or the right.
        transpose (bool): use ``Qᴴ`` instead of ``Q``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a, tau = rtorch.geqrf(rtorch.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> rtorch.ormqr(a, tau, rtorch.eye(2)).abs()
        tensor([[0.6000, 0.8000],
                [0.8000, 0.6000]])
    """
    t = _t()
    op = "torch.ormqr"
    for name, x in (("input", input), ("tau", tau), ("other", other)):
        if not isinstance(x, t.Tensor):
            raise TypeError(f"ormqr(): argument '{name}' must be Tensor, not {type(x).__name__}")
    if input.dim() < 2:
        raise RuntimeError(f"{op}: input must have at least 2 dimensions.")
    if other.dim() < 2:
        raise RuntimeError(f"{op}: other must have at least 2 dimensions.")
    if tau.dim() != input.dim() - 1:
        raise RuntimeError(f"{op}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.dim()} and input.ndim is equal to {input.dim()}")
    if input.dtype != other.dtype or input.dtype != tau.dtype:
        raise RuntimeError(f"{op}: Expected input, tau and other to have the same dtype, but got "
                           f"{_dtype_name(input.dtype)}, {_dtype_name(tau.dtype)} and {_dtype_name(other.dtype)}")
    _check_float_or_complex(op, input, "input")
    mn = other.shape[-2] if left else other.shape[-1]
    k = tau.shape[-1]
    if input.shape[-2] != mn:
        which = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"{op}: {which} must be equal to input.shape[-2]")
    if k > mn:
        raise RuntimeError(f"{op}: tau.shape[-1] must be less than or equal to {'other.shape[-2]' if left else 'other.shape[-1]'}")
    if k > input.shape[-1]:
        raise RuntimeError(f"{op}: tau.shape[-1] must be less than or equal to input.shape[-1]")
    if tuple(input.shape[:-2]) != tuple(other.shape[:-2]) or tuple(tau.shape[:-1]) != tuple(input.shape[:-2]):
        raise RuntimeError(f"{op}: Expected batch dimensions of input, tau and other to be equal, but got "
                           f"{list(input.shape[:-2])}, {list(tau.shape[:-1])} and {list(other.shape[:-2])}")
    m = input.shape[-2]
    # The reflectors: unit diagonal, input below it (masks by arithmetic: `where` drops complex graphs).
    below = t.ones(m, input.shape[-1], dtype=input.dtype, device=input.device).tril(-1)
    Vs = input * below + t.eye(m, input.shape[-1], dtype=input.dtype, device=input.device)
    C = other
    # Q = H_0 ... H_{k-1}, H_i = I - tau_i v vᴴ; Qᴴ uses conj(tau_i) in the reverse order.
    order = range(k - 1, -1, -1) if left != transpose else range(k)
    for i in order:
        v = Vs[..., :, i:i + 1]
        ti = tau[..., i:i + 1].unsqueeze(-1)
        ti = ti.conj() if transpose and ti.is_complex() else ti
        if left:
            C = C - (ti * v) @ (v.mH @ C)
        else:
            C = C - ((C @ v) * ti) @ v.mH
    return _out(C, out)
