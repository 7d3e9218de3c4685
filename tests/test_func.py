"""rtorch.func (torch.func) and rtorch.utils._pytree: transforms against analytic derivatives, finite differences,
explicit loops and recorded PyTorch results; PyTorch's errors for bad arguments."""
import collections
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch.func import (debug_unwrap, functional_call, functionalize, grad, grad_and_value, hessian, jacfwd,
                         jacrev, jvp, linearize, replace_all_batch_norm_modules_, stack_module_state, vjp, vmap)
from rtorch.utils import _pytree as pytree

from helpers import assert_close
from torch_ref import torch_ref, catch


def t64(a):
    return rtorch.tensor(np.asarray(a, dtype=np.float64))


def fd_jacobian(f, x, eps=1e-6):
    """Central-difference Jacobian of f at x (float64 tensors): shape f(x).shape + x.shape."""
    x0 = x.detach().numpy().astype(np.float64)
    y0 = f(t64(x0)).detach().numpy()
    jac = np.zeros(y0.shape + x0.shape)
    for idx in np.ndindex(*x0.shape):
        xp, xm = x0.copy(), x0.copy()
        xp[idx] += eps
        xm[idx] -= eps
        jac[(Ellipsis,) + idx] = (f(t64(xp)).detach().numpy() - f(t64(xm)).detach().numpy()) / (2 * eps)
    return jac

def assert_same_errors(cases):
    """Each ``(ours, theirs)``: rtorch's call raises the exception type and message PyTorch's raised (recorded)."""
    for ours, theirs in cases:
        ref = torch_ref(theirs)
        with pytest.raises(Exception) as info:
            ours()
        assert type(info.value).__name__ == ref.type
        assert str(info.value) == ref.message


def f_vec(x):
    return rtorch.stack([x[0] * x[1].sin(), (x ** 2).sum(), x.exp()[2] / (1 + x[0] ** 2)])


# ---------------------------------------------------------------- grad ------------------------------------------------
def test_grad_matches_finite_differences():
    x = t64([0.3, -1.2, 0.7])
    f = lambda x: (x.sin() * x.exp()).sum() + x.prod()
    g = grad(f)(x)
    assert_close(g, fd_jacobian(f, x), rtol=1e-6, atol=1e-8)
    assert not g.requires_grad and g.dtype == rtorch.float64


def test_grad_argnums_pytrees_and_aux():
    x, y = t64([1.0, 2.0]), t64([3.0, -1.0])
    gx, gy = grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, y)
    assert_close(gx, y.numpy())
    assert_close(gy, x.numpy())
    assert_close(grad(lambda a, b: (a * b).sum(), argnums=-1)(x, y), x.numpy())
    d = {"w": t64([2.0]), "b": [t64([1.0, 1.0])]}
    gd = grad(lambda p: (p["w"] ** 2).sum() + 3 * p["b"][0].sum())(d)
    assert set(gd) == {"w", "b"} and isinstance(gd["b"], list)
    assert_close(gd["w"], np.array([4.0]))
    assert_close(gd["b"][0], np.array([3.0, 3.0]))
    g, aux = grad(lambda a: ((a ** 2).sum(), {"n": a.norm()}), has_aux=True)(x)
    assert_close(g, 2 * x.numpy())
    assert_close(aux["n"], np.array(np.linalg.norm([1.0, 2.0])))
    g, (v, aux) = grad_and_value(lambda a: ((a ** 2).sum(), 7), has_aux=True)(x)
    assert_close(v, np.array(5.0)) and aux == 7


def test_grad_of_unused_input_is_zero_and_kwargs_pass_through():
    x, y = t64([1.0, 2.0]), t64([5.0])
    gy = grad(lambda a, b, scale=1.0: a.sum() * scale, argnums=1)(x, y, scale=3.0)
    assert_close(gy, np.zeros(1))
    assert_close(grad(lambda a, scale: (a * scale).sum())(x, scale=3.0), np.full(2, 3.0))


def test_higher_order_grad_and_nesting_without_confusion():
    f = lambda x: x ** 4
    x = t64(1.5)
    assert_close(grad(grad(f))(x), np.array(12 * 1.5 ** 2))
    assert_close(grad(grad(grad(f)))(x), np.array(24 * 1.5))
    # d/dx [d/dy (x*y)] at y = x is d/dx x = 1: the inner level must not differentiate through the outer input.
    assert_close(grad(lambda x: grad(lambda y: x * y)(x))(t64(3.0)), np.array(1.0))
    # d/dx [x * d/dy (x + y)] = d/dx x = 1 (perturbation confusion would give 2).
    assert_close(grad(lambda x: x * grad(lambda y: x + y)(x))(t64(3.0)), np.array(1.0))


def test_grad_composes_with_autograd():
    x = rtorch.tensor([0.5, 1.0], dtype=rtorch.float64, requires_grad=True)
    g = grad(lambda a: (a ** 3).sum())(x)
    assert g.requires_grad
    g.sum().backward()
    assert_close(x.grad, 6 * x.detach().numpy())


def test_grad_errors_match_pytorch():
    x = rtorch.randn(3)
    cases = [
        (lambda: grad(lambda x: x * 2)(x), lambda torch: catch(torch.func.grad(lambda x: x * 2), torch.zeros(3))),
        (lambda: grad(lambda x: 3.0)(x), lambda torch: catch(torch.func.grad(lambda x: 3.0), torch.zeros(3))),
        (lambda: grad(lambda x: x.sum(), has_aux=True)(x),
         lambda torch: catch(torch.func.grad(lambda x: x.sum(), has_aux=True), torch.zeros(3))),
        (lambda: grad(lambda x: x.sum(), argnums=2)(x),
         lambda torch: catch(torch.func.grad(lambda x: x.sum(), argnums=2), torch.zeros(3))),
        (lambda: grad(lambda x: x.sum(), argnums=())(x),
         lambda torch: catch(torch.func.grad(lambda x: x.sum(), argnums=()), torch.zeros(3))),
        (lambda: grad(lambda x, y: x.sum(), argnums=1)(x, 3),
         lambda torch: catch(torch.func.grad(lambda x, y: x.sum(), argnums=1), torch.zeros(3), 3)),
    ]
    assert_same_errors(cases)


# ------------------------------------------------------- jacobians, jvp, vjp ------------------------------------------
def test_jacrev_jacfwd_match_finite_differences():
    x = t64([0.4, -0.8, 1.1])
    want = fd_jacobian(f_vec, x)
    for jac in (jacrev, jacfwd):
        assert_close(jac(f_vec)(x), want, rtol=1e-6, atol=1e-8)


def test_jacobian_layout_for_pytrees_and_matrices():
    a, b = t64(np.arange(6.0).reshape(2, 3)), t64([1.0, 2.0, 3.0])
    j = jacrev(lambda a, b: {"y": a @ b, "z": a.sum()}, argnums=(0, 1))(a, b)
    assert tuple(j["y"][0].shape) == (2, 2, 3) and tuple(j["y"][1].shape) == (2, 3)
    assert tuple(j["z"][0].shape) == (2, 3) and tuple(j["z"][1].shape) == (3,)
    # d(a @ b)_i / d a_jk = delta_ij b_k ; d(a @ b) / d b = a
    want = np.einsum("ij,k->ijk", np.eye(2), b.numpy())
    assert_close(j["y"][0], want)
    assert_close(j["y"][1], a.numpy())
    assert_close(j["z"][0], np.ones((2, 3)))
    assert_close(j["z"][1], np.zeros(3))


def test_hessian_of_quadratic_form_and_torch_parity():
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 4))
    A = t64(m)
    x = t64(rng.standard_normal(4))
    assert_close(hessian(lambda x: x @ A @ x)(x), m + m.T, rtol=1e-10, atol=1e-12)
    xs = rng.standard_normal(3)
    f = lambda torch, x: (x.sin() * x.cos().sum()).exp().sum()
    ref = torch_ref(lambda torch: torch.func.hessian(lambda x: f(torch, x))(torch.tensor(xs)))
    assert_close(hessian(lambda x: f(rtorch, x))(t64(xs)), ref, rtol=1e-9, atol=1e-11)


def test_jvp_vjp_linearize_agree_with_the_jacobian():
    x = t64([0.4, -0.8, 1.1])
    t = t64([1.0, 0.5, -2.0])
    J = jacrev(f_vec)(x).numpy()
    out, jv = jvp(f_vec, (x,), (t,))
    assert_close(out, f_vec(x).numpy())
    assert_close(jv, J @ t.numpy(), rtol=1e-10, atol=1e-12)
    out, fn = vjp(f_vec, x)
    u = t64([0.3, -1.0, 2.0])
    (vj,) = fn(u)
    assert_close(vj, u.numpy() @ J, rtol=1e-10, atol=1e-12)
    (vj2,) = fn(u)  # callable more than once
    assert_close(vj2, vj.numpy())
    out, lin = linearize(f_vec, x)
    assert_close(lin(t), J @ t.numpy(), rtol=1e-10, atol=1e-12)
    assert_close(lin(x), J @ x.numpy(), rtol=1e-10, atol=1e-12)


def test_jvp_of_function_independent_of_input_is_zero():
    x = t64([1.0, 2.0])
    _, jv = jvp(lambda x: rtorch.ones(3, dtype=rtorch.float64), (x,), (x,))
    assert_close(jv, np.zeros(3))


def test_jvp_vjp_errors_match_pytorch():
    x = rtorch.zeros(3)
    cases = [
        (lambda: jvp(lambda x: x.sin(), x, x),
         lambda torch: catch(torch.func.jvp, lambda x: x.sin(), torch.zeros(3), torch.zeros(3))),
        (lambda: vjp(lambda x: x.sin(), x)[1](rtorch.zeros(4)),
         lambda torch: catch(torch.func.vjp(lambda x: x.sin(), torch.zeros(3))[1], torch.zeros(4))),
    ]
    assert_same_errors(cases)


# ----------------------------------------------------------------- vmap -----------------------------------------------
def loop(f, xs, dim=0):
    return rtorch.stack([f(xs.select(dim, i)) for i in range(xs.shape[dim])])


@settings(max_examples=25, deadline=None)
@given(b=st.integers(1, 4), n=st.integers(0, 3), in_dim=st.integers(0, 1), out_dim=st.integers(-2, 1))
def test_vmap_equals_a_loop(b, n, in_dim, out_dim):
    rng = np.random.default_rng(b * 31 + n)
    shape = (b, n + 1) if in_dim == 0 else (n + 1, b)
    x = rtorch.tensor(rng.standard_normal(shape).astype(np.float32))
    f = lambda v: rtorch.stack([v.sum(), (v * v).sum()])
    got = vmap(f, in_dims=in_dim, out_dims=out_dim)(x)
    want = loop(f, x, in_dim)
    assert_close(got, rtorch.movedim(want, 0, out_dim).numpy())


def test_vmap_pytrees_none_dims_kwargs_and_nesting():
    rng = np.random.default_rng(1)
    x = rtorch.tensor(rng.standard_normal((5, 3)).astype(np.float32))
    w = rtorch.tensor(rng.standard_normal(3).astype(np.float32))
    out = vmap(lambda d, w, scale=1.0: {"a": d["x"] @ w * scale, "b": (d["x"], d["c"])},
               in_dims=({"x": 0, "c": None}, None))({"x": x, "c": w}, w, scale=2.0)
    assert_close(out["a"], (x.numpy() @ w.numpy()) * 2)
    assert_close(out["b"][0], x.numpy())
    assert_close(out["b"][1], np.broadcast_to(w.numpy(), (5, 3)))
    a = rtorch.tensor(rng.standard_normal((2, 4, 3)).astype(np.float32))
    assert_close(vmap(vmap(rtorch.dot))(a, a), np.einsum("ijk,ijk->ij", a.numpy(), a.numpy()), rtol=1e-5)
    assert_close(vmap(lambda v: v, out_dims=None)(x[:, :1]), x[0, :1].numpy())


def test_vmap_per_sample_gradients_match_a_loop():
    rng = np.random.default_rng(2)
    model = rtorch.nn.Linear(3, 1).double()
    params = {k: v.detach() for k, v in model.named_parameters()}
    xs = t64(rng.standard_normal((6, 3)))
    ys = t64(rng.standard_normal((6, 1)))

    def loss(p, x, y):
        return ((functional_call(model, p, (x.unsqueeze(0),)) - y) ** 2).sum()

    per = vmap(grad(loss), in_dims=(None, 0, 0))(params, xs, ys)
    for i in range(6):
        model.zero_grad()
        ((model(xs[i:i + 1]) - ys[i]) ** 2).sum().backward()
        assert_close(per["weight"][i], model.weight.grad.numpy(), rtol=1e-10)
        assert_close(per["bias"][i], model.bias.grad.numpy(), rtol=1e-10)


def test_vmap_randomness_modes():
    x = rtorch.zeros(4, 2)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        vmap(lambda v: v + rtorch.rand(2))(x)
    rtorch.manual_seed(0)
    same = vmap(lambda v: v + rtorch.rand(2), randomness="same")(x)
    assert all(rtorch.equal(same[0], same[i]) for i in range(4))
    diff = vmap(lambda v: v + rtorch.rand(2), randomness="different")(x)
    assert not rtorch.equal(diff[0], diff[1])


def test_vmap_empty_batch_keeps_output_shape():
    assert tuple(vmap(lambda v: v.sum(0))(rtorch.zeros(0, 3)).shape) == (0,)
    assert tuple(vmap(lambda v: v.unsqueeze(0) * 2, out_dims=1)(rtorch.zeros(0, 3)).shape) == (1, 0, 3)


def test_vmap_errors_match_pytorch():
    x = rtorch.zeros(3)
    cases = [
        (lambda: vmap(lambda a, b: a + b)(rtorch.zeros(2, 3), rtorch.zeros(3, 3)),
         lambda torch: catch(torch.func.vmap(lambda a, b: a + b), torch.zeros(2, 3), torch.zeros(3, 3))),
        (lambda: vmap(lambda v: v)(3.0), lambda torch: catch(torch.func.vmap(lambda v: v), 3.0)),
        (lambda: vmap(lambda v: 3.0)(x), lambda torch: catch(torch.func.vmap(lambda v: 3.0), torch.zeros(3))),
        (lambda: vmap(lambda v: v, randomness="foo")(x),
         lambda torch: catch(lambda: torch.func.vmap(lambda v: v, randomness="foo")(torch.zeros(3)))),
        (lambda: vmap(lambda v: v, in_dims=1)(x),
         lambda torch: catch(torch.func.vmap(lambda v: v, in_dims=1), torch.zeros(3))),
        (lambda: vmap(lambda v: v, chunk_size=0)(x),
         lambda torch: catch(lambda: torch.func.vmap(lambda v: v, chunk_size=0)(torch.zeros(3)))),
    ]
    assert_same_errors(cases)


# ---------------------------------------------------------- module state ----------------------------------------------
def test_functional_call_swaps_and_restores_state():
    bn = rtorch.nn.BatchNorm1d(2)
    w0 = bn.weight
    new = {"weight": rtorch.full((2,), 2.0), "bias": rtorch.zeros(2), "running_mean": rtorch.ones(2),
           "running_var": rtorch.full((2,), 4.0)}
    bn.eval()
    out = functional_call(bn, new, rtorch.tensor([[3.0, 5.0]]))
    assert_close(out, ((np.array([[3.0, 5.0]]) - 1) / np.sqrt(4 + 1e-5) * 2).astype(np.float32), rtol=1e-5)
    assert bn.weight is w0 and bool((bn.running_mean == 0).all())
    m = _Raises()
    with pytest.raises(ZeroDivisionError):
        functional_call(m, {"p": rtorch.ones(1)}, ())
    assert bool((m.p == 0).all())  # restored after the exception


class _Raises(rtorch.nn.Module):
    def __init__(self):
        super().__init__()
        self.p = rtorch.nn.Parameter(rtorch.zeros(1))

    def forward(self):
        raise ZeroDivisionError("inside")


def test_functional_call_tied_weights_and_errors():
    class Tied(rtorch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = rtorch.nn.Linear(2, 2, bias=False)
            self.b = rtorch.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    m = Tied()
    w = rtorch.eye(2) * 2
    out = functional_call(m, {"a.weight": w}, (rtorch.ones(1, 2),))
    assert_close(out, np.full((1, 2), 4.0, np.float32))
    out = functional_call(m, {"a.weight": w}, (rtorch.ones(1, 2),), tie_weights=False)
    assert_close(out, np.full((1, 2), 2.0, np.float32) @ m.b.weight.detach().numpy().T, rtol=1e-6)  # b keeps its own weight
    with pytest.raises(ValueError, match="which are tied"):
        functional_call(m, {"a.weight": w, "b.weight": rtorch.eye(2)}, (rtorch.ones(1, 2),))
    lin = rtorch.nn.Linear(2, 2)
    cases = [
        (lambda: functional_call(lin, {"weight": rtorch.zeros(2, 2), "foo": rtorch.zeros(1)}, (rtorch.ones(1, 2),),
                                 strict=True),
         lambda torch: catch(torch.func.functional_call, torch.nn.Linear(2, 2),
                             {"weight": torch.zeros(2, 2), "foo": torch.zeros(1)}, (torch.ones(1, 2),), strict=True)),
        (lambda: functional_call(lin, ({"weight": rtorch.zeros(2, 2)}, {"weight": rtorch.zeros(2, 2)}),
                                 (rtorch.ones(1, 2),)),
         lambda torch: catch(torch.func.functional_call, torch.nn.Linear(2, 2),
                             ({"weight": torch.zeros(2, 2)}, {"weight": torch.zeros(2, 2)}), (torch.ones(1, 2),))),
        (lambda: stack_module_state([]), lambda torch: catch(torch.func.stack_module_state, [])),
    ]
    assert_same_errors(cases)


def test_model_ensemble_with_stack_module_state():
    rtorch.manual_seed(3)
    models = [rtorch.nn.Sequential(rtorch.nn.Linear(3, 4), rtorch.nn.ReLU(), rtorch.nn.Linear(4, 2))
              for _ in range(3)]
    params, buffers = stack_module_state(models)
    assert tuple(params["0.weight"].shape) == (3, 4, 3) and params["0.weight"].requires_grad
    assert params["0.weight"].is_leaf
    x = rtorch.randn(5, 3)
    base = models[0]
    out = vmap(lambda p, b: functional_call(base, (p, b), (x,)))(params, buffers)
    for i, m in enumerate(models):
        assert_close(out[i], m(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_replace_all_batch_norm_modules_and_helpers():
    net = rtorch.nn.Sequential(rtorch.nn.Linear(2, 2), rtorch.nn.BatchNorm1d(2))
    assert replace_all_batch_norm_modules_(net) is net
    bn = net[1]
    assert bn.running_mean is None and bn.running_var is None and not bn.track_running_stats
    out = vmap(net, in_dims=0)(rtorch.randn(3, 4, 2))
    assert tuple(out.shape) == (3, 4, 2)
    x = rtorch.ones(2)
    assert debug_unwrap(x) is x

    def mutate(v):
        v.add_(1)
        return v * 2

    y = rtorch.zeros(2)
    assert_close(functionalize(mutate)(y), np.full(2, 2.0, np.float32))
    assert_close(y, np.ones(2, np.float32))  # input mutations are kept, as functionalize does
    ref = torch_ref(lambda torch: catch(lambda: torch.func.functionalize(lambda v: v, remove="foo")(torch.zeros(1))))
    with pytest.raises(RuntimeError) as info:
        functionalize(lambda v: v, remove="foo")
    assert ref.type == "RuntimeError" and str(info.value).split("\n")[0] == ref.message.split("\n")[0]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        rtorch.nn.utils.stateless.functional_call(rtorch.nn.Linear(1, 1), {"weight": rtorch.ones(1, 1)},
                                                  (rtorch.ones(1, 1),))
    assert any(issubclass(i.category, FutureWarning) for i in w)


# ---------------------------------------------------------------- pytree ----------------------------------------------
Point = collections.namedtuple("Point", "x y")

leaves = st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=3))
trees = st.recursive(leaves, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.tuples(kids, kids), st.dictionaries(st.text(max_size=2), kids, max_size=3),
    st.builds(Point, kids, kids), st.just(None)), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(tree=trees)
def test_pytree_round_trip(tree):
    flat, spec = pytree.tree_flatten(tree)
    assert spec.num_leaves == len(flat)
    back = pytree.tree_unflatten(flat, spec)
    assert back == tree and type(back) is type(tree)
    assert pytree.tree_map(lambda v: v, tree) == tree


def test_pytree_map_with_rests_and_errors():
    a = {"p": [1, 2], "q": (3, Point(4, 5))}
    b = {"p": [10, 20], "q": (30, Point(40, 50))}
    assert pytree.tree_map(lambda u, v: u + v, a, b) == {"p": [11, 22], "q": (33, Point(44, 55))}
    assert pytree.tree_leaves(collections.OrderedDict(b=1, a=2)) == [1, 2]
    assert pytree.tree_map_only(int, lambda v: -v, [1, "s", 2.5]) == [-1, "s", 2.5]
    with pytest.raises(ValueError):
        pytree.tree_unflatten([1], pytree.tree_structure([1, 2]))
    with pytest.raises(ValueError):
        pytree.tree_map(lambda u, v: u, [1, 2], (1, 2))
    with pytest.raises(ValueError):
        pytree.register_pytree_node(list, lambda x: (x, None), lambda c, _: c)
