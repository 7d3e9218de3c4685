"""The PyTorch namespaces that real programs import exist under rtorch (issue 16 item 14): torch.onnx (whose export
raises a clear NotImplementedError), torch.accelerator, torch.sparse, torch.backends.cudnn / mps, and the submodules
the example projects import by name."""
import importlib

import pytest

import rtorch


@pytest.mark.parametrize("name", [
    "rtorch.onnx", "rtorch.accelerator", "rtorch.sparse", "rtorch.backends.cudnn", "rtorch.backends.mps",
    "rtorch.backends.cuda", "rtorch.nn.parallel", "rtorch.utils.data.dataset", "rtorch.utils.data.sampler",
    "rtorch.utils.data.dataloader", "rtorch.multiprocessing", "rtorch.nn.init", "rtorch.autograd",
    "rtorch.random", "rtorch.utils.checkpoint",
])
def test_import(name):
    mod = importlib.import_module(name)
    assert mod.__doc__ and hasattr(mod, "__all__")


def test_onnx_export_raises_a_clear_error():
    m = rtorch.nn.Linear(2, 2)
    with pytest.raises(NotImplementedError, match="rtorch.onnx.export is not supported.*rtorch.save"):
        rtorch.onnx.export(m, (rtorch.ones(1, 2),), "model.onnx", input_names=["x"], opset_version=17)
    assert rtorch.onnx.is_in_onnx_export() is False
    assert issubclass(rtorch.onnx.OnnxExporterError, RuntimeError)
    assert rtorch.onnx.TrainingMode.EVAL == 0


def test_public_names_resolve():
    for name in ("accelerator", "sparse", "onnx", "sparse_coo_tensor", "spmm", "set_default_device",
                 "get_default_device", "strided", "sparse_coo", "layout", "LongTensor", "FloatTensor", "as_strided"):
        assert hasattr(rtorch, name), name
    assert {"sparse_coo_tensor", "spmm", "set_default_device", "LongTensor", "as_strided"} <= set(rtorch.__all__)


def test_deterministic_algorithms_setting_round_trips():
    assert rtorch.are_deterministic_algorithms_enabled() is False
    try:
        rtorch.use_deterministic_algorithms(True, warn_only=True)
        assert rtorch.are_deterministic_algorithms_enabled() and rtorch.is_deterministic_algorithms_warn_only_enabled()
        assert rtorch.get_deterministic_debug_mode() == 1
        rtorch.set_deterministic_debug_mode("error")
        assert rtorch.get_deterministic_debug_mode() == 2 and not rtorch.is_deterministic_algorithms_warn_only_enabled()
        with pytest.raises(TypeError, match="'mode' must be bool, not int"):  # PyTorch: TypeError for 1
            rtorch.use_deterministic_algorithms(1)
        with pytest.raises(RuntimeError, match="expected 0, 1, or 2, but got 3"):
            rtorch.set_deterministic_debug_mode(3)
        with pytest.raises(RuntimeError, match="but got bad"):
            rtorch.set_deterministic_debug_mode("bad")
        assert rtorch.get_deterministic_debug_mode() == 2  # a rejected call changes nothing
    finally:
        rtorch.use_deterministic_algorithms(False)
    assert rtorch.get_deterministic_debug_mode() == 0


def test_data_parallel_without_gpu_calls_the_module():
    rtorch.manual_seed(0)
    inner = rtorch.nn.Linear(4, 2)
    net = rtorch.nn.DataParallel(inner)
    assert net.module is inner and rtorch.nn.parallel.DataParallel is rtorch.nn.DataParallel
    x = rtorch.randn(3, 4)
    if not rtorch.cuda.is_available():
        assert net.device_ids == []
    out = net(x)
    assert rtorch.allclose(out.cpu(), inner(x.to(out.device)).cpu())
    assert list(net.state_dict()) == ["module.weight", "module.bias"]  # PyTorch's key prefix
    out.sum().backward()
    assert inner.weight.grad is not None and inner.weight.grad.shape == (2, 4)
    y = rtorch.nn.parallel.data_parallel(rtorch.nn.Linear(4, 2), x)
    assert y.shape == (3, 2)


def test_float32_matmul_precision_drives_tf32():
    assert rtorch.get_float32_matmul_precision() == "highest" and not rtorch.backends.cuda.matmul.allow_tf32
    try:
        rtorch.set_float32_matmul_precision("medium")
        assert rtorch.get_float32_matmul_precision() == "medium" and rtorch.backends.cuda.matmul.allow_tf32
        with pytest.warns(UserWarning, match="HIGH is not one of 'highest', 'high', or 'medium'"):
            rtorch.set_float32_matmul_precision("HIGH")  # PyTorch: case-sensitive, warns, no effect
        assert rtorch.get_float32_matmul_precision() == "medium"
        with pytest.raises(RuntimeError, match="expects a str, but got int"):
            rtorch.set_float32_matmul_precision(1)
        rtorch.backends.cuda.matmul.allow_tf32 = False  # the legacy flag and the new API agree
        assert rtorch.get_float32_matmul_precision() == "highest"
    finally:
        rtorch.set_float32_matmul_precision("highest")
    assert not rtorch.backends.cuda.matmul.allow_tf32


def test_data_parallel_rejects_what_is_not_a_module():
    with pytest.raises(TypeError, match="argument 'module' must be an nn.Module, not NoneType"):
        rtorch.nn.DataParallel(None)
    with pytest.raises(TypeError, match="argument 'dim' must be int, not str"):
        rtorch.nn.DataParallel(rtorch.nn.Linear(2, 2), dim="0")
