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
