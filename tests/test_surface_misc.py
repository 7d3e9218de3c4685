"""The remaining torch.* / Tensor names of issue 17 (session 5): strided-layout queries (`dim_order`,
`empty_permuted`, the sparse-layout methods on strided tensors), complex conversions and copies, runtime switches
(inter-op threads, warn-always, `set_default_tensor_type`, `get_device_module`, `is_storage`, `to_dlpack`),
`autograd.set_multithreading_enabled` and `NestedIOFunction`; values and errors against PyTorch (recorded)."""
import threading
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rtorch
from rtorch import _runtime
from helpers import assert_close
from surface_cases import check_table, torch_table
from tensorops_cases import arr
from torch_ref import torch_ref

T = lambda lib, a: lib.tensor(a)  # noqa: E731
CPLX = np.array([1 + 2j, -3.5 + 0.25j], dtype=np.complex64)

CASES = {
    # strided tensors answer the sparse-layout queries as PyTorch does
    "dense_dim": lambda lib: T(lib, arr(0, 2, 3)).dense_dim(),
    "dense_dim_0d": lambda lib: T(lib, 1.0).dense_dim(),
    "sparse_dim": lambda lib: T(lib, arr(0, 2, 3)).sparse_dim(),
    "coalesce": lambda lib: T(lib, arr(0, 2)).coalesce(),
    "indices": lambda lib: T(lib, arr(0, 2)).indices(),
    "values": lambda lib: T(lib, arr(0, 2)).values(),
    "is_coalesced": lambda lib: T(lib, arr(0, 2)).is_coalesced(),
    "indices_copy": lambda lib: lib.indices_copy(T(lib, arr(0, 2))),
    "values_copy": lambda lib: lib.values_copy(T(lib, arr(0, 2))),
    "is_distributed": lambda lib: (T(lib, arr(0, 2)).is_distributed(), lib.is_distributed(T(lib, arr(0, 2)))),
    # dim_order
    "dim_order": lambda lib: T(lib, arr(0, 2, 3)).dim_order(),
    "dim_order_t": lambda lib: T(lib, arr(0, 2, 3)).t().dim_order(),
    "dim_order_0d": lambda lib: T(lib, 1.0).dim_order(),
    "dim_order_cl": lambda lib: lib.empty(2, 3, 4, 5).to(memory_format=lib.channels_last).dim_order(),
    "dim_order_perm": lambda lib: lib.empty(2, 3, 4, 5).permute(3, 1, 0, 2).dim_order(),
    "dim_order_transpose": lambda lib: lib.empty(2, 3, 5, 7).transpose(1, 2).dim_order(),
    "dim_order_ambiguous": lambda lib: lib.empty(2, 1, 4, 1).dim_order(ambiguity_check=True),
    "dim_order_ambiguous_ok": lambda lib: lib.empty(2, 1, 4, 1).dim_order(),
    "dim_order_formats": lambda lib: lib.empty(1, 2, 3, 4).dim_order(ambiguity_check=[lib.contiguous_format,
                                                                                      lib.channels_last]),
    "dim_order_bad_check": lambda lib: lib.empty(2, 3).dim_order(ambiguity_check="x"),
    "dim_order_expand": lambda lib: lib.empty(3, 1).expand(3, 4).dim_order(),
    # empty_permuted
    "empty_permuted": lambda lib: lib.empty_permuted((2, 3, 4), (2, 0, 1)).stride(),
    "empty_permuted_nhwc": lambda lib: lib.empty_permuted((2, 3, 5, 7), (0, 2, 3, 1)).stride(),
    "empty_permuted_0d": lambda lib: tuple(lib.empty_permuted((), ()).shape),
    "empty_permuted_dtype": lambda lib: lib.empty_permuted((2, 3), (1, 0), dtype=lib.float64).dtype,
    "empty_permuted_grad": lambda lib: lib.empty_permuted((2, 3), (1, 0), requires_grad=True).requires_grad,
    "empty_permuted_dup": lambda lib: lib.empty_permuted((2, 3, 4), (2, 0, 0)),
    "empty_permuted_len": lambda lib: lib.empty_permuted((2, 3), (0, 1, 2)),
    "empty_permuted_range": lambda lib: lib.empty_permuted((2, 3), (0, 5)),
    "empty_permuted_neg": lambda lib: lib.empty_permuted((2, 3), (0, -1)),
    # complex conversions and copies
    "cfloat": lambda lib: T(lib, arr(1, 3)).cfloat(),
    "cdouble": lambda lib: T(lib, arr(1, 3)).cdouble(),
    "cdouble_int": lambda lib: lib.arange(3).cdouble(),
    "cfloat_of_complex": lambda lib: T(lib, CPLX).cdouble().cfloat(),
    "conj_physical_": lambda lib: lib.conj_physical_(T(lib, CPLX)),
    "conj_physical_method": lambda lib: T(lib, CPLX).conj_physical_(),
    "conj_physical_real": lambda lib: lib.conj_physical_(T(lib, arr(2, 3))),
    "view_as_real_copy": lambda lib: lib.view_as_real_copy(T(lib, CPLX)),
    "view_as_real_copy_real": lambda lib: lib.view_as_real_copy(T(lib, arr(2, 3))),
    "view_as_complex_copy": lambda lib: lib.view_as_complex_copy(T(lib, arr(3, 3, 2))),
    "view_as_complex_copy_bad": lambda lib: lib.view_as_complex_copy(T(lib, arr(3, 2, 3))),
    # runtime switches: argument errors
    "interop_zero": lambda lib: lib.set_num_interop_threads(0),
    "interop_str": lambda lib: lib.set_num_interop_threads("a"),
    "interop_bool": lambda lib: lib.set_num_interop_threads(True),
    "warn_always_int": lambda lib: lib.set_warn_always(1),
    "is_storage_tensor": lambda lib: lib.is_storage(T(lib, arr(0, 2))),
    "is_storage_int": lambda lib: lib.is_storage(3),
    "device_module_bad": lambda lib: lib.get_device_module(3),
    "dlpack_bad": lambda lib: lib.to_dlpack(3),
    "default_type_int": lambda lib: lib.set_default_tensor_type(lib.LongTensor),
    "default_type_dtype": lambda lib: lib.set_default_tensor_type(lib.float64),
}

# PyTorch's message for an op without a kernel names its dispatch keys; the type is what programs catch.
NO_KERNEL = {
    "sparse_mask": lambda lib: T(lib, arr(0, 2)).sparse_mask(T(lib, arr(0, 2))),
    "sparse_resize_": lambda lib: T(lib, arr(0, 2)).sparse_resize_((2,), 1, 0),
    "sparse_resize_and_clear_": lambda lib: T(lib, arr(0, 2)).sparse_resize_and_clear_((2,), 1, 0),
    "resize_as_sparse_": lambda lib: T(lib, arr(0, 2)).resize_as_sparse_(T(lib, arr(0, 2))),
    "resize_as_sparse_fn": lambda lib: lib.resize_as_sparse_(T(lib, arr(0, 2)), T(lib, arr(0, 2))),
    "to_padded_tensor": lambda lib: T(lib, arr(0, 2)).to_padded_tensor(0.0),
    "default_type_missing": lambda lib: lib.set_default_tensor_type("torch.Foo"),  # names the module
}


def test_matches_torch():
    check_table(CASES, torch_ref(lambda torch: torch_table(torch, CASES)))


def test_no_kernel_error_type():
    check_table(NO_KERNEL, torch_ref(lambda torch: torch_table(torch, NO_KERNEL)), message=False)


def test_inplace_forms_return_self_and_keep_memory():
    x = rtorch.tensor(CPLX)
    ptr = x.data_ptr()
    assert x.conj_physical_() is x and x.data_ptr() == ptr
    assert_close(x, np.conj(CPLX))
    y = rtorch.arange(6.0)[::2]  # a strided real view: left alone
    assert rtorch.conj_physical_(y) is y


def test_copies_share_no_memory():
    z = rtorch.tensor(CPLX)
    r = rtorch.view_as_real_copy(z)
    r[0, 0] = 100.0
    assert z[0].real.item() == 1.0
    x = rtorch.tensor(arr(3, 3, 2))
    c = rtorch.view_as_complex_copy(x)
    c[0] = 7
    assert x[0, 0].item() != 7


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4), data=st.data())
def test_empty_permuted_is_dense_with_the_layout(shape, data):
    order = data.draw(st.permutations(range(len(shape))))
    t = rtorch.empty_permuted(shape, order)
    assert tuple(t.shape) == tuple(shape)
    # stride(order[i]) is the i-th contiguous stride of the physical shape
    phys = [shape[d] for d in order]
    expect, acc = [0] * len(phys), 1
    for i in range(len(phys) - 1, -1, -1):
        expect[i] = acc
        acc *= max(phys[i], 1)
    assert [t.stride(d) for d in order] == expect
    if 0 not in shape and 1 not in shape and len(set(shape)) == len(shape):
        assert t.dim_order() == tuple(order)


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(2, 4), min_size=1, max_size=4), data=st.data())
def test_dim_order_of_permuted_contiguous(shape, data):
    perm = data.draw(st.permutations(range(len(shape))))
    t = rtorch.empty(shape).permute(perm)
    # the dims of the permuted view lie in memory in the order that undoes the permutation
    assert t.dim_order() == tuple(int(i) for i in np.argsort(perm))


def test_interop_threads_set_once(monkeypatch):
    monkeypatch.setattr(_runtime, "_interop", {"threads": None, "fixed": False})
    rtorch.set_num_interop_threads(3)
    assert rtorch.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        rtorch.set_num_interop_threads(2)
    monkeypatch.setattr(_runtime, "_interop", {"threads": None, "fixed": False})
    assert rtorch.get_num_interop_threads() >= 1
    with pytest.raises(RuntimeError, match="after parallel work has started"):
        rtorch.set_num_interop_threads(2)
    assert rtorch.init_num_threads() is None


def test_warn_always_controls_warn_once(monkeypatch):
    monkeypatch.setattr(_runtime, "_warn", {"always": False, "seen": set()})
    before = rtorch.get_default_dtype()
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            rtorch.set_default_tensor_type(rtorch.DoubleTensor)
            assert rtorch.tensor([1.5]).dtype == rtorch.float64 and rtorch.get_default_dtype() == rtorch.float64
            rtorch.set_default_tensor_type("torch.FloatTensor")
            assert rtorch.get_default_dtype() == rtorch.float32
            assert len(w) == 1 and "set_default_tensor_type() is deprecated" in str(w[0].message)
            assert not rtorch.is_warn_always_enabled()
            rtorch.set_warn_always(True)
            assert rtorch.is_warn_always_enabled()
            rtorch.set_default_tensor_type(rtorch.FloatTensor)
            rtorch.set_default_tensor_type(rtorch.FloatTensor)
            assert len(w) == 3
    finally:
        rtorch.set_warn_always(False)
        rtorch.set_default_dtype(before)


def test_set_default_tensor_type_bad_module_name():
    with pytest.raises(ModuleNotFoundError):
        rtorch.set_default_tensor_type("no_such_module_xyz")


def test_get_device_module():
    assert rtorch.get_device_module("cuda") is rtorch.cuda
    assert rtorch.get_device_module(rtorch.device("cuda:0")) is rtorch.cuda
    assert rtorch.get_device_module("cpu") is rtorch.cpu
    assert rtorch.get_device_module() in (rtorch.cpu, rtorch.cuda)
    assert rtorch.cpu.is_available() and rtorch.cpu.device_count() == 1 and rtorch.cpu.current_device() == "cpu"
    assert rtorch.cpu.synchronize() is None and rtorch.cpu.set_device(0) is None
    with pytest.raises(RuntimeError, match="Expected one of"):
        rtorch.get_device_module("foo")
    with pytest.raises(RuntimeError, match="Invalid value of device"):
        rtorch.get_device_module(0)


def test_to_dlpack_round_trip():
    x = rtorch.arange(6, dtype=rtorch.float32).reshape(2, 3)
    y = rtorch.from_dlpack(rtorch.to_dlpack(x))
    assert_close(y, x.numpy())
    y[0, 0] = 42.0  # shares memory
    assert x[0, 0].item() == 42.0


def test_set_multithreading_enabled_is_thread_local_and_scoped():
    from rtorch.autograd import grad_mode
    assert grad_mode._is_multithreading_enabled()
    with rtorch.autograd.set_multithreading_enabled(False):
        assert not grad_mode._is_multithreading_enabled()
        seen = []
        th = threading.Thread(target=lambda: seen.append(grad_mode._is_multithreading_enabled()))
        th.start()
        th.join()
        assert seen == [True]
        x = rtorch.ones(3, requires_grad=True)
        (x * x).sum().backward()
        assert_close(x.grad, np.full(3, 2.0, np.float32))
    assert grad_mode._is_multithreading_enabled()

    @rtorch.autograd.set_multithreading_enabled(False)
    def inside():
        return grad_mode._is_multithreading_enabled()
    assert inside() is False and grad_mode._is_multithreading_enabled()
    with pytest.raises(TypeError, match="must be bool"):
        rtorch.autograd.set_multithreading_enabled("x")


def test_nested_io_function():
    from rtorch.autograd.function import NestedIOFunction

    class MulAdd(NestedIOFunction):
        def forward_extended(self, a, pair):
            b, c = pair
            self.save_for_backward(a, (b, c))
            return a * b, [a + c]

        def backward_extended(self, g_mul, g_add):
            a, (b, c) = self.saved_tensors
            return g_mul * b + g_add[0], (g_mul * a, g_add[0])

    a, b, c = (rtorch.tensor(arr(s, 3), dtype=rtorch.float64, requires_grad=True) for s in (1, 2, 3))
    prod, (total,) = MulAdd()(a, (b, c))
    assert_close(prod, (a * b).detach().numpy())
    (prod.sum() * 2 + total.sum()).backward()
    assert_close(a.grad, (2 * b + 1).detach().numpy())
    assert_close(b.grad, (2 * a).detach().numpy())
    assert_close(c.grad, np.ones(3))
    with pytest.raises(NotImplementedError):
        NestedIOFunction()(a)


class Tagged(rtorch.Tensor):
    """A Tensor subclass for as_subclass."""


def test_as_subclass_shares_data_and_stays_in_the_graph():
    x = rtorch.ones(3, requires_grad=True)
    y = x.as_subclass(Tagged)
    assert type(y) is Tagged and y.data_ptr() == x.data_ptr()
    assert y.requires_grad and y.grad_fn.name() == "AliasBackward0" and not y.is_leaf
    (y * rtorch.arange(3.0)).sum().backward()
    assert_close(x.grad, np.arange(3, dtype=np.float32))
    with rtorch.no_grad():
        z = x.as_subclass(Tagged)
    assert z.requires_grad and z.is_leaf
    plain = rtorch.arange(3.0).as_subclass(Tagged)
    assert type(plain) is Tagged and not plain.requires_grad
    plain[0] = 7.0
    assert plain.tolist() == [7.0, 1.0, 2.0]
    with pytest.raises(TypeError, match="does not inherit from Tensor"):
        x.as_subclass(int)
    with pytest.raises(TypeError, match="does not inherit from Tensor"):
        x.as_subclass("Tagged")
