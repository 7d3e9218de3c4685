//! Python views of the tape: grad_fn nodes, grad mode switches, autograd.grad and custom Functions.
use super::errors::{from_py, IntoPy};
use super::tensor::PyTensor;
use crate::autograd;
use crate::tape::{self, Backward, CustomBackward, Edge, Node};
use crate::tensor::Tensor;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use std::sync::Arc;

/// A node of the autograd graph: the backward function of the operation that produced a tensor (``tensor.grad_fn``).
#[pyclass(frozen, module = "rtorch.autograd", name = "Node")]
pub struct PyNode {
    pub n: Arc<Node>,
}

#[pymethods]
impl PyNode {
    /// Returns the node's name, e.g. ``"MulBackward0"``.
    fn name(&self) -> String {
        self.n.display_name()
    }
    fn __repr__(&self) -> String {
        format!("<{} object at {:#x}>", self.n.display_name(), Arc::as_ptr(&self.n) as usize)
    }
    /// (node or None, input_nr) pairs like PyTorch's `next_functions` (leaves appear as AccumulateGrad).
    #[getter]
    fn next_functions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items: Vec<Bound<'py, PyAny>> = self
            .n
            .next
            .iter()
            .map(|e| -> PyResult<Bound<'py, PyAny>> {
                match e {
                    Some(Edge::Node(n, nr)) => {
                        let node = Py::new(py, PyNode { n: n.clone() })?;
                        Ok(PyTuple::new(py, [node.into_any(), nr.into_pyobject(py)?.into_any().unbind()])?.into_any())
                    }
                    Some(Edge::Leaf(_)) => Ok(PyTuple::new(py, ["AccumulateGrad".into_pyobject(py)?.into_any(), 0i64.into_pyobject(py)?.into_any()])?.into_any()),
                    None => Ok(PyTuple::new(py, [py.None().into_bound(py), 0i64.into_pyobject(py)?.into_any()])?.into_any()),
                }
            })
            .collect::<PyResult<_>>()?;
        PyTuple::new(py, items)
    }
}

/// Returns ``True`` if gradient recording is enabled in this thread (see :class:`rtorch.no_grad`).
///
/// Example::
///
///     >>> with rtorch.no_grad():
///     ...     rtorch.is_grad_enabled()
///     False
#[pyfunction]
pub fn is_grad_enabled() -> bool {
    tape::is_grad_enabled()
}
#[pyfunction]
pub fn _set_grad_enabled(on: bool) -> bool {
    tape::set_grad_enabled(on)
}
/// Returns ``True`` inside an :class:`rtorch.inference_mode` block in this thread.
#[pyfunction]
pub fn is_inference_mode_enabled() -> bool {
    tape::is_inference_mode()
}
#[pyfunction]
pub fn _set_inference_mode(on: bool) -> bool {
    tape::set_inference_mode(on)
}

fn tensors(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Tensor>> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(vec![t.get().t.clone()]);
    }
    obj.try_iter()?.map(|x| Ok(x?.cast::<PyTensor>()?.get().t.clone())).collect()
}

/// Computes and returns the gradients of ``outputs`` with respect to ``inputs`` (nothing is accumulated into ``.grad``).
///
/// Args:
///     outputs (Tensor or sequence of Tensor): the differentiated outputs.
///     inputs (Tensor or sequence of Tensor): the tensors to differentiate with respect to.
///     grad_outputs (Tensor or sequence of Tensor, optional): the vector in the
///         vector-Jacobian product, one per output (``None`` entries mean 1 for a
///         one-element output).
///     retain_graph (bool, optional): keep the graph so backward can run through it again.
///         Defaults to ``create_graph``.
///     create_graph (bool, optional): record the backward pass, so the returned gradients
///         can be differentiated again. Default: ``False``.
///     allow_unused (bool, optional): return ``None`` for inputs the outputs do not depend
///         on instead of raising. Defaults to ``materialize_grads``.
///     materialize_grads (bool, optional): return zeros instead of ``None`` for unused
///         inputs. Default: ``False``.
///
/// Returns:
///     A tuple with one gradient (or ``None``) per input.
///
/// Example::
///
///     >>> x = rtorch.tensor([1.0, 2.0], requires_grad=True)
///     >>> rtorch.autograd.grad((x ** 3).sum(), x)
///     (tensor([ 3., 12.]),)
#[pyfunction]
#[pyo3(signature = (outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=false, allow_unused=None, materialize_grads=false))]
pub fn grad<'py>(
    py: Python<'py>,
    outputs: &Bound<'_, PyAny>,
    inputs: &Bound<'_, PyAny>,
    grad_outputs: Option<&Bound<'_, PyAny>>,
    retain_graph: Option<bool>,
    create_graph: bool,
    allow_unused: Option<bool>,
    materialize_grads: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    let outs = tensors(outputs)?;
    let ins = tensors(inputs)?;
    let gos: Vec<Option<Tensor>> = match grad_outputs {
        None => vec![None; outs.len()],
        Some(g) if g.is_none() => vec![None; outs.len()],
        Some(g) => {
            if let Ok(t) = g.cast::<PyTensor>() {
                vec![Some(t.get().t.clone())]
            } else {
                g.try_iter()?
                    .map(|x| {
                        let x = x?;
                        Ok(if x.is_none() { None } else { Some(x.cast::<PyTensor>()?.get().t.clone()) })
                    })
                    .collect::<PyResult<_>>()?
            }
        }
    };
    let mut roots = vec![];
    for (o, g) in outs.iter().zip(gos) {
        if !o.requires_grad() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "element 0 of tensors does not require grad and does not have a grad_fn",
            ));
        }
        let g = match g {
            Some(g) => g,
            None => {
                if o.numel() != 1 {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err("grad can be implicitly created only for scalar outputs"));
                }
                Tensor::full(o.shape(), crate::Scalar::Float(1.0), o.dtype(), o.device()).py()?
            }
        };
        roots.push((o.clone(), g));
    }
    for t in &ins {
        if !t.requires_grad() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err("One of the differentiated Tensors does not require grad"));
        }
    }
    let retain = retain_graph.unwrap_or(create_graph);
    let res = py.detach(|| autograd::engine::run_backward(&roots, retain, create_graph, Some(&ins), false)).py()?;
    let allow_unused = allow_unused.unwrap_or(materialize_grads);
    let grads: Vec<Option<PyTensor>> = res
        .into_iter()
        .zip(&ins)
        .map(|(g, t)| match g {
            Some(g) => Ok(Some(PyTensor::from(g))),
            None if materialize_grads => Ok(Some(PyTensor::from(Tensor::zeros(t.shape(), t.dtype(), t.device()).py()?))),
            None if allow_unused => Ok(None),
            None => Err(pyo3::exceptions::PyRuntimeError::new_err(
                "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.",
            )),
        })
        .collect::<PyResult<_>>()?;
    PyTuple::new(py, grads)
}

/// The sequence number the next recorded autograd node gets (see `_name_grad_fn`).
#[pyfunction]
pub fn _graph_seq() -> u64 {
    tape::next_seq()
}

/// Give `t.grad_fn` the name of the composite op that made `t` (PyTorch's `MseLossBackward0`
/// where the last recorded step was a mean), if that node was recorded at or after `since`
/// (so a node the composite did not make is never renamed). Returns whether it was named.
#[pyfunction]
pub fn _name_grad_fn(t: &Bound<'_, PyTensor>, name: &str, since: u64) -> bool {
    match t.get().t.grad_fn() {
        Some(n) if n.seq >= since => {
            n.set_display_name(name.to_string());
            true
        }
        _ => false,
    }
}

/// A Python `autograd.Function` subclass's backward, called by the engine.
struct PyFunctionBackward {
    name: String,
    ctx: Py<PyAny>,
    backward: Py<PyAny>,
    n_inputs: usize,
}

impl CustomBackward for PyFunctionBackward {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn backward(&self, grads: &[Option<Tensor>]) -> crate::Result<Vec<Option<Tensor>>> {
        Python::attach(|py| {
            let args: Vec<Py<PyAny>> = grads
                .iter()
                .map(|g| match g {
                    Some(g) => Ok(Py::new(py, PyTensor::from(g.clone()))?.into_any()),
                    None => Ok(py.None()),
                })
                .collect::<PyResult<_>>()
                .map_err(from_py)?;
            let r = self.backward.call1(py, (self.ctx.clone_ref(py), PyTuple::new(py, args).map_err(from_py)?)).map_err(from_py)?;
            let r = r.bind(py);
            let items: Vec<Bound<'_, PyAny>> = if let Ok(t) = r.cast::<PyTuple>() { t.iter().collect() } else { vec![r.clone()] };
            if items.len() < self.n_inputs {
                return Err(crate::error::Error::Runtime(format!(
                    "function {} returned an incorrect number of gradients (expected {}, got {})",
                    self.name,
                    self.n_inputs,
                    items.len()
                )));
            }
            items[..self.n_inputs]
                .iter()
                .map(|x| {
                    if x.is_none() {
                        Ok(None)
                    } else {
                        x.cast::<PyTensor>().map(|t| Some(t.get().t.clone())).map_err(|e| crate::error::Error::Runtime(e.to_string()))
                    }
                })
                .collect()
        })
    }
}

/// Attach a custom node: gradients of `outputs` flow through `backward(ctx, *grads)` to `inputs`.
#[pyfunction]
pub fn _record_function(
    name: String,
    ctx: Py<PyAny>,
    backward: Py<PyAny>,
    inputs: Vec<Bound<'_, PyTensor>>,
    outputs: Vec<Bound<'_, PyTensor>>,
) -> PyResult<()> {
    let ins: Vec<Tensor> = inputs.iter().map(|t| t.get().t.clone()).collect();
    let outs: Vec<Tensor> = outputs.iter().map(|t| t.get().t.clone()).collect();
    let refs: Vec<&Tensor> = ins.iter().collect();
    if !tape::needs_grad(&refs) {
        return Ok(());
    }
    let rule = Backward::Custom(Arc::new(PyFunctionBackward { name, ctx, backward, n_inputs: ins.len() }));
    let orefs: Vec<&Tensor> = outs.iter().collect();
    tape::record(&orefs, &refs, rule);
    Ok(())
}

/// Returns ``True`` if anomaly detection is enabled (see :class:`rtorch.autograd.detect_anomaly`).
#[pyfunction]
pub fn is_anomaly_enabled() -> bool {
    tape::anomaly::is_enabled()
}
/// Returns ``True`` if anomaly detection also checks backward results for NaN.
#[pyfunction]
pub fn is_anomaly_check_nan_enabled() -> bool {
    tape::anomaly::is_check_nan_enabled()
}
/// Turns anomaly detection on or off for the process and returns the previous ``(enabled, check_nan)``.
#[pyfunction]
#[pyo3(signature = (enabled, check_nan = true))]
pub fn set_anomaly_enabled(enabled: bool, check_nan: bool) -> (bool, bool) {
    install_anomaly_hooks();
    tape::anomaly::set(enabled, check_nan)
}

/// Anomaly mode's view of Python: the forward stack (`traceback.format_stack`) and `warnings.warn`.
fn install_anomaly_hooks() {
    fn capture_stack() -> Option<String> {
        Python::attach(|py| {
            let lines = py.import("traceback").ok()?.call_method0("format_stack").ok()?;
            let lines: Vec<String> = lines.extract().ok()?;
            Some(lines.concat())
        })
    }
    fn warn(msg: &str) {
        Python::attach(|py| {
            let Ok(text) = std::ffi::CString::new(msg.replace('\0', " ")) else { return };
            let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
            // A warnings filter that turns this into an error must not hide the backward error itself.
            let _ = PyErr::warn(py, &category, &text, 1);
        })
    }
    tape::anomaly::set_hooks(tape::anomaly::Hooks { capture_stack, warn });
}
