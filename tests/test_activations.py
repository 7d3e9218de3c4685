"""The nn.functional activations composed in rtorch.nn._functional.activation (celu, selu, glu, the shrinks,
hardsigmoid, hardswish, logsigmoid, prelu, rrelu, threshold): values and gradients against PyTorch, boundary
gradients, float64 gradcheck / gradgradcheck, in-place forms, dtypes and PyTorch's errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import rtorch
import rtorch.nn.functional as F
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from parity_cases import check_parity
from torch_ref import catch, torch_ref

# name -> fn(lib, x, *extra); each runs on a (3, 4, 5) float64 input.
UNARY = {
    "celu": lambda lib, x: lib.nn.functional.celu(x),
    "celu_alpha": lambda lib, x: lib.nn.functional.celu(x, alpha=0.5),
    "selu": lambda lib, x: lib.nn.functional.selu(x),
    "glu": lambda lib, x: lib.nn.functional.glu(x, 1),
    "glu_last": lambda lib, x: lib.nn.functional.glu(x[..., :4]),
    "hardshrink": lambda lib, x: lib.nn.functional.hardshrink(x, 0.7),
    "softshrink": lambda lib, x: lib.nn.functional.softshrink(x),
    "tanhshrink": lambda lib, x: lib.nn.functional.tanhshrink(x),
    "hardsigmoid": lambda lib, x: lib.nn.functional.hardsigmoid(x * 3),
    "hardswish": lambda lib, x: lib.nn.functional.hardswish(x * 3),
    "logsigmoid": lambda lib, x: lib.nn.functional.logsigmoid(x * 30),
    "rrelu_eval": lambda lib, x: lib.nn.functional.rrelu(x, 0.1, 0.3),
    "threshold": lambda lib, x: lib.nn.functional.threshold(x, 0.1, -2.0),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_torch(name, rng):
    x = rng.standard_normal((3, 4, 5))
    check_parity(rtorch, UNARY[name], [x])


@pytest.mark.parametrize("name", ["hardsigmoid", "hardswish", "hardshrink", "softshrink", "threshold", "celu",
                                  "selu", "rrelu_eval"])
def test_gradients_at_the_kinks_match_torch(name):
    fn = {"hardsigmoid": lambda lib, x: lib.nn.functional.hardsigmoid(x),
          "hardswish": lambda lib, x: lib.nn.functional.hardswish(x),
          "threshold": lambda lib, x: lib.nn.functional.threshold(x, 0.5, 0.0)}.get(name, UNARY[name])
    x = np.array([-3.0, 3.0, -0.5, 0.5, 0.0, -0.7, 0.7, 0.1, -4.0, 4.0])
    check_parity(rtorch, fn, [x])


@pytest.mark.parametrize("wshape", [(1,), (4,), ()])
@pytest.mark.parametrize("xshape", [(2, 4, 3), (2, 4), (5, 4, 2, 2)])
def test_prelu_matches_torch(xshape, wshape, rng):
    x = rng.standard_normal(xshape)
    w = rng.uniform(0.1, 0.5, wshape)
    check_parity(rtorch, lambda lib, x, w: lib.nn.functional.prelu(x, w), [x, w], grad=(0, 1))


def test_prelu_on_vectors_and_scalars(rng):
    x = rng.standard_normal((4,))
    check_parity(rtorch, lambda lib, x, w: lib.nn.functional.prelu(x, w), [x, np.array([0.3])], grad=(0, 1))
    check_parity(rtorch, lambda lib, x, w: lib.nn.functional.prelu(x, w), [np.array(-2.0), np.array([0.3])],
                 grad=(0, 1))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_gradcheck_and_gradgradcheck(name, rng):
    # away from the kinks, where finite differences are meaningful
    x = rng.uniform(0.15, 0.9, (2, 4, 4)) * rng.choice([-1.0, 1.0], (2, 4, 4))
    xt = rtorch.tensor(x, requires_grad=True)
    fn = lambda v: UNARY[name](rtorch, v)  # noqa: E731
    assert gradcheck(fn, (xt,))
    assert gradgradcheck(fn, (xt,))


def test_prelu_gradcheck(rng):
    x = rtorch.tensor(rng.uniform(0.2, 1.0, (2, 3, 4)) * rng.choice([-1.0, 1.0], (2, 3, 4)), requires_grad=True)
    w = rtorch.tensor([0.1, 0.2, 0.3], dtype=rtorch.float64, requires_grad=True)
    assert gradcheck(F.prelu, (x, w))
    assert gradgradcheck(F.prelu, (x, w))


@pytest.mark.parametrize("name", ["celu", "selu", "hardsigmoid", "hardswish", "rrelu", "threshold"])
def test_inplace_forms(name, rng):
    x = rng.standard_normal((3, 4)).astype(np.float32)
    kw = {"threshold": (0.2, 1.0)}.get(name, ())
    expected = getattr(F, name)(rtorch.tensor(x), *kw)
    a = rtorch.tensor(x)
    out = getattr(F, name)(a, *kw, inplace=True)
    assert out is a
    assert_close(a, expected)
    if name in ("celu", "selu", "rrelu", "threshold"):
        b = rtorch.tensor(x)
        assert getattr(F, name + "_")(b, *kw) is b
        assert_close(b, expected)


def test_inplace_through_autograd(rng):
    x = rtorch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = x * 1.0
    F.selu(y, inplace=True)
    y.sum().backward()
    expected = rtorch.where(x.detach() > 0, 1.0507009873554805, 1.0507009873554805 * 1.6732632423543772 *
                            x.detach().exp())
    assert_close(x.grad, expected, rtol=1e-12, atol=1e-12)


def test_rrelu_training_draws_slopes_in_bounds(rng):
    x = rtorch.tensor(-np.abs(rng.standard_normal(2000)) - 0.1)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slope = (y / x).numpy()
    assert slope.min() >= 0.1 and slope.max() <= 0.3 and slope.std() > 0.03
    pos = rtorch.tensor(np.abs(rng.standard_normal(10)))
    assert_close(F.rrelu(pos, training=True), pos)
    xg = x.clone().requires_grad_(True)
    y = F.rrelu(xg, 0.1, 0.3, training=True)
    y.sum().backward()
    assert_close(xg.grad, y.detach() / x, rtol=1e-12, atol=1e-12)  # the gradient is the drawn slope


@pytest.mark.parametrize("dtype", [rtorch.float32, rtorch.float64])
@pytest.mark.parametrize("name", ["celu", "selu", "glu", "hardshrink", "softshrink", "tanhshrink", "hardsigmoid",
                                  "hardswish", "logsigmoid"])
def test_dtype_preserved_and_empty(name, dtype):
    x = rtorch.randn(2, 4, dtype=dtype)
    assert getattr(F, name)(x).dtype == dtype
    e = rtorch.zeros(0, 4, dtype=dtype)
    assert getattr(F, name)(e).shape == ((0, 2) if name == "glu" else (0, 4))


@given(st.lists(st.integers(0, 3), min_size=1, max_size=3), st.booleans())
def test_noncontiguous_inputs_match_contiguous(shape, transpose):
    x = rtorch.randn(*shape, 4)
    v = x.transpose(0, -1) if transpose else x[..., ::2]
    for name in ["celu", "selu", "hardswish", "hardsigmoid", "logsigmoid", "softshrink", "hardshrink",
                 "tanhshrink"]:
        assert_close(getattr(F, name)(v), getattr(F, name)(v.contiguous()))


ERRORS = [
    ("glu_odd", lambda lib: lib.nn.functional.glu(lib.ones(2, 3), 1)),
    ("glu_scalar", lambda lib: lib.nn.functional.glu(lib.tensor(1.0))),
    ("softshrink_neg", lambda lib: lib.nn.functional.softshrink(lib.ones(3), -1.0)),
    ("celu_zero", lambda lib: lib.nn.functional.celu(lib.ones(3), 0.0)),
    ("prelu_mismatch", lambda lib: lib.nn.functional.prelu(lib.ones(2, 4), lib.ones(3))),
    ("prelu_vector", lambda lib: lib.nn.functional.prelu(lib.ones(4), lib.ones(4))),
    ("prelu_2d_weight", lambda lib: lib.nn.functional.prelu(lib.ones(2, 4), lib.ones(1, 4))),
    ("rrelu_bounds", lambda lib: lib.nn.functional.rrelu(lib.ones(3), 0.5, 0.1)),
    ("hardsigmoid_long", lambda lib: lib.nn.functional.hardsigmoid(lib.tensor([1, 2]))),
    ("logsigmoid_long", lambda lib: lib.nn.functional.logsigmoid(lib.tensor([1, 2]))),
    ("hardshrink_long", lambda lib: lib.nn.functional.hardshrink(lib.tensor([1, 2]))),
]


@pytest.mark.parametrize("name", [e[0] for e in ERRORS])
def test_errors_match_torch(name):
    fn = dict(ERRORS)[name]
    ref = torch_ref(lambda torch: catch(fn, torch))
    with pytest.raises(Exception) as info:
        fn(rtorch)
    assert type(info.value).__name__ == ref.type
    assert str(info.value) == ref.message


def test_threshold_keeps_integer_dtype():
    x = rtorch.tensor([1, 2, 3])
    out = F.threshold(x, 2, 0)
    assert out.dtype == rtorch.int64 and out.tolist() == [0, 0, 3]


def test_argument_types_are_checked():
    with pytest.raises(TypeError, match=r"celu\(\): argument 'alpha' \(position 2\) must be float, not str"):
        F.celu(rtorch.ones(2), "a")
    with pytest.raises(TypeError, match=r"glu\(\): argument 'dim' \(position 2\) must be int, not float"):
        F.glu(rtorch.ones(2), 1.5)


@pytest.mark.parametrize("module", ["rtorch.nn._functional.activation", "rtorch.nn._functional.loss",
                                    "rtorch.nn._functional.distance", "rtorch.nn._functional.norm",
                                    "rtorch.nn._functional.shuffle", "rtorch.nn._functional.pooling", "rtorch.nn._functional.conv",
                                    "rtorch.nn._functional.sampling", "rtorch.nn._functional.embedding_bag", "rtorch.nn._functional.ctc", "rtorch.nn._functional.fractional",
                                    "rtorch.nn.utils.parametrize", "rtorch.nn.utils.parametrizations",
                                    "rtorch.nn.utils.weight_norm", "rtorch.nn.utils.spectral_norm", "rtorch.nn.utils.fusion",
                                    "rtorch._nn_aliases",
                                    # the families moved out of rtorch/nn/functional.py (dedupe, session 6)
                                    "rtorch.nn._functional.linear", "rtorch.nn._functional.attention"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(module)
    finder, globs = doctest.DocTestFinder(), {"rtorch": rtorch, "F": F}
    tests = finder.find(mod, globs=globs)
    # rtorch.nn.functional re-exports the families' functions under its own name (their __module__), which
    # testmod's own-module filter would skip: find those through the family's __all__.
    tests += [t for name in getattr(mod, "__all__", ()) if getattr(mod, name).__module__ != module
              for t in finder.find(getattr(mod, name), f"{module}.{name}", module=False, globs=globs)]
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for t in tests:
        runner.run(t)
    assert runner.failures == 0 and runner.tries > 0
