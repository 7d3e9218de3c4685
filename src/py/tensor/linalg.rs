//! Matrix products: matmul, mm, bmm, dot, outer, mv.
use super::*;

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (other, *, out=None))]
    fn matmul<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let r = self.__matmul__(py, other)?.t;
        copy_out(py, "matmul", out, &[&self.t, &other.get().t], Ok(r))
    }
    #[pyo3(signature = (other, *, out=None))]
    fn mm<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = &other.get().t;
        copy_out(py, "mm", out, &[&self.t, o], crate::ops::matmul::mm(&self.t, o))
    }
    #[pyo3(signature = (other, *, out=None))]
    fn bmm<'py>(&self, py: Python<'py>, other: &Bound<'py, PyTensor>, out: Option<Bound<'py, PyTensor>>) -> RO<'py> {
        let o = &other.get().t;
        copy_out(py, "bmm", out, &[&self.t, o], crate::ops::matmul::bmm(&self.t, o))
    }
    fn dot(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        if self.t.ndim() != 1 || o.ndim() != 1 {
            return Err(PyRuntimeError::new_err(format!("1D tensors expected, but got {}D and {}D tensors", self.t.ndim(), o.ndim())));
        }
        wrap(crate::ops::matmul::matmul(&self.t, o))
    }
    fn outer(&self, other: &Bound<'_, PyTensor>) -> R {
        let o = &other.get().t;
        for (name, t) in [("self", &self.t), ("vec2", o)] {
            if t.ndim() != 1 {
                return Err(PyRuntimeError::new_err(format!("outer: Expected 1-D argument {}, but got {}-D", name, t.ndim())));
            }
        }
        wrap(self.t.unsqueeze(1).and_then(|a| a.mul(&o.unsqueeze(0)?)))
    }
    fn mv(&self, vec: &Bound<'_, PyTensor>) -> R {
        wrap(crate::ops::matmul::matmul(&self.t, &vec.get().t))
    }
    fn __reduce_ex__(slf: &Bound<'_, Self>, _proto: i32) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let f = py.import("rtorch._tensor_str")?.getattr("_rebuild")?;
        // The values travel as a NumPy array on the host (bfloat16 as float32, exact), with the
        // dtype and device to rebuild on.
        let t = &slf.get().t;
        let host = t.detach().to_device(Device::Cpu).py()?;
        let host = if t.dtype() == DType::BF16 { host.to_dtype(DType::F32).py()? } else { host };
        let arr = to_numpy(py, &host.contiguous().py()?)?.call_method0("copy")?;
        let args = (arr, t.requires_grad(), t.dtype().name(), t.device().to_string()).into_pyobject(py)?;
        Ok(PyTuple::new(py, [f.into_any(), args.into_any()])?.into_any().unbind())
    }
}
