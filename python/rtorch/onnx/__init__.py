"""``rtorch.onnx``: present so that programs importing ``torch.onnx`` run; exporting to ONNX is not supported.

:func:`export` raises ``NotImplementedError`` with the reason: rtorch records no traceable graph
of a module's forward (PyTorch's exporter needs TorchScript or ``torch.export``).
"""

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode", "OperatorExportTypes"]

import enum


class OnnxExporterError(RuntimeError):
    """Raised when an ONNX export fails (PyTorch's exception type; rtorch's export always raises NotImplementedError)."""


class TrainingMode(enum.IntEnum):
    """The mode a model is exported in: ``EVAL``, ``PRESERVE`` or ``TRAINING`` (PyTorch's enum)."""

    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    """How operators are exported (PyTorch's enum): ``ONNX``, ``ONNX_ATEN``, ``ONNX_ATEN_FALLBACK``, ``ONNX_FALLTHROUGH``."""

    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def export(model, args=(), f=None, *posargs, **kwargs):
    """Exports a model to ONNX: not supported by rtorch, always raises ``NotImplementedError``.

    Args:
        model (Module): the model.
        args (tuple): example inputs.
        f (str or file, optional): where the ONNX file would be written.

    Raises:
        NotImplementedError: always; save the weights with :func:`rtorch.save` (PyTorch's format)
            and export from PyTorch instead.
    """
    raise NotImplementedError(
        "rtorch.onnx.export is not supported: rtorch does not trace a module's forward into a graph, which ONNX "
        "export needs. Save the state_dict with rtorch.save (PyTorch's checkpoint format), load it into the same "
        "model in PyTorch and export from there.")


def is_in_onnx_export():
    """Returns ``False``: rtorch never runs an ONNX export."""
    return False
