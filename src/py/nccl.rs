//! Bindings for the NCCL backend of `rtorch.distributed` (`src/cuda/nccl.rs`): loading the
//! library, unique ids and a communicator class whose collectives work in place on CUDA tensors.
use super::errors::IntoPy;
use super::tensor::PyTensor;
use crate::cuda::nccl::{self, Comm, RedOp};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;
use std::time::Duration;

/// Open NCCL from the first loadable path (then the system library path); raises RuntimeError
/// with every path tried when none loads.
#[pyfunction]
fn _nccl_load(paths: Vec<String>) -> PyResult<()> {
    nccl::load(&paths).py()
}

#[pyfunction]
fn _nccl_is_available() -> bool {
    nccl::is_available()
}

#[pyfunction]
fn _nccl_version() -> PyResult<i32> {
    nccl::version().py()
}

#[pyfunction]
fn _nccl_unique_id(py: Python<'_>) -> PyResult<Bound<'_, PyBytes>> {
    let id = nccl::unique_id().py()?;
    Ok(PyBytes::new(py, &id))
}

fn red_op(op: &str) -> PyResult<RedOp> {
    Ok(match op {
        "sum" => RedOp::Sum,
        "product" => RedOp::Product,
        "max" => RedOp::Max,
        "min" => RedOp::Min,
        "avg" => RedOp::Avg,
        _ => return Err(PyValueError::new_err(format!("NCCL has no reduction named {:?}", op))),
    })
}

fn t(x: &Bound<'_, PyTensor>) -> crate::tensor::Tensor {
    x.get().t.clone()
}

/// One NCCL communicator (`ncclCommInitRank`) on one CUDA device.
#[pyclass(frozen, module = "rtorch._rtorch", name = "_NcclComm")]
pub struct PyNcclComm {
    c: Arc<Comm>,
}

#[pymethods]
impl PyNcclComm {
    /// Join the communicator `unique_id` as `rank` of `size` on CUDA device `device` (blocks until
    /// every rank has joined).
    #[new]
    fn new(py: Python<'_>, unique_id: Vec<u8>, size: usize, rank: usize, device: usize) -> PyResult<Self> {
        let id: [u8; 128] = unique_id
            .try_into()
            .map_err(|v: Vec<u8>| PyValueError::new_err(format!("an NCCL unique id has 128 bytes, got {}", v.len())))?;
        let c = py.detach(|| Comm::new(&id, size, rank, device)).py()?;
        Ok(PyNcclComm { c: Arc::new(c) })
    }
    #[getter]
    fn rank(&self) -> usize {
        self.c.rank
    }
    #[getter]
    fn size(&self) -> usize {
        self.c.size
    }
    #[getter]
    fn device(&self) -> usize {
        self.c.device()
    }
    fn all_reduce(&self, tensor: &Bound<'_, PyTensor>, op: &str) -> PyResult<()> {
        self.c.all_reduce(&t(tensor), red_op(op)?).py()
    }
    fn broadcast(&self, tensor: &Bound<'_, PyTensor>, root: usize) -> PyResult<()> {
        self.c.broadcast(&t(tensor), root).py()
    }
    fn reduce(&self, tensor: &Bound<'_, PyTensor>, root: usize, op: &str) -> PyResult<()> {
        self.c.reduce(&t(tensor), root, red_op(op)?).py()
    }
    fn all_gather(&self, output: &Bound<'_, PyTensor>, input: &Bound<'_, PyTensor>) -> PyResult<()> {
        self.c.all_gather(&t(output), &t(input)).py()
    }
    fn reduce_scatter(&self, output: &Bound<'_, PyTensor>, input: &Bound<'_, PyTensor>, op: &str) -> PyResult<()> {
        self.c.reduce_scatter(&t(output), &t(input), red_op(op)?).py()
    }
    fn all_to_all(
        &self,
        output: &Bound<'_, PyTensor>,
        input: &Bound<'_, PyTensor>,
        send_counts: Vec<usize>,
        recv_counts: Vec<usize>,
    ) -> PyResult<()> {
        self.c.all_to_all(&t(output), &t(input), &send_counts, &recv_counts).py()
    }
    fn send(&self, tensor: &Bound<'_, PyTensor>, peer: usize) -> PyResult<()> {
        self.c.send(&t(tensor), peer).py()
    }
    fn recv(&self, tensor: &Bound<'_, PyTensor>, peer: usize) -> PyResult<()> {
        self.c.recv(&t(tensor), peer).py()
    }
    /// True when all queued collectives have finished (raises on an asynchronous NCCL error).
    fn query(&self) -> PyResult<bool> {
        self.c.query().py()
    }
    /// Block (without the GIL) until queued work finishes; after `timeout` seconds abort and raise.
    fn wait(&self, py: Python<'_>, timeout: f64, what: &str) -> PyResult<()> {
        let c = self.c.clone();
        let what = what.to_string();
        let timeout = Duration::from_secs_f64(timeout.max(0.0));
        py.detach(move || c.wait(timeout, &what)).py()
    }
    fn abort(&self) {
        self.c.abort()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNcclComm>()?;
    m.add_function(wrap_pyfunction!(_nccl_load, m)?)?;
    m.add_function(wrap_pyfunction!(_nccl_is_available, m)?)?;
    m.add_function(wrap_pyfunction!(_nccl_version, m)?)?;
    m.add_function(wrap_pyfunction!(_nccl_unique_id, m)?)?;
    Ok(())
}
