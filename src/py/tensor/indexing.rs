//! Indexing: `__getitem__`/`__setitem__`, gather/scatter, index_* ops, masked ops, nonzero, take.
use super::*;
use super::operators::alpha_arg;
use crate::py::guard::nogil;

#[pymethods]
impl PyTensor {
    fn __getitem__(&self, key: &Bound<'_, PyAny>) -> R {
        // Fast path: a single int on the first dim.
        if let Ok(i) = key.cast::<pyo3::types::PyInt>() {
            if !key.is_instance_of::<pyo3::types::PyBool>() {
                let i: i64 = i.extract()?;
                if self.t.ndim() == 0 {
                    return Err(pyo3::exceptions::PyIndexError::new_err("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"));
                }
                return wrap(self.t.select(0, i));
            }
        }
        let items = index_items(key)?;
        let t = &self.t;
        wrap(nogil("__getitem__", index_work(t, &items), || crate::ops::index::index(t, &items)))
    }
    fn __setitem__(&self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let items = index_items(key)?;
        let v = match arg_of(value)? {
            Arg::T(t) => t,
            Arg::S(s) => {
                s.check_fits(self.t.dtype()).py()?;
                Tensor::scalar(s, self.t.dtype()).py()?
            }
        };
        let t = &self.t;
        nogil("__setitem__", t.numel().max(v.numel()), || crate::ops::index::setitem(t, &items, &v)).py()
    }
    /// `index_put_(indices, values, accumulate=False)`: `indices` is a tuple of index tensors
    /// (None takes a whole dim); `accumulate` adds, duplicates included.
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put_<'py>(slf: Bound<'py, Self>, indices: &Bound<'py, PyAny>, values: &Bound<'py, PyAny>, accumulate: bool) -> PyResult<Bound<'py, Self>> {
        let items = index_put_items(indices)?;
        let v = tensor_from_any(values)?;
        let t = &slf.get().t;
        nogil("index_put_", v.numel().max(index_work(t, &items)), || crate::ops::index::index_put_(t, &items, &v, accumulate)).py()?;
        Ok(slf)
    }
    /// Out-of-place `index_put_`.
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put(&self, indices: &Bound<'_, PyAny>, values: &Bound<'_, PyAny>, accumulate: bool) -> R {
        let items = index_put_items(indices)?;
        let v = tensor_from_any(values)?;
        let t = &self.t;
        wrap(nogil("index_put", t.numel(), || crate::ops::index::index_put(t, &items, &v, accumulate)))
    }
    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let t = &slf.get().t;
        if t.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d tensor"));
        }
        let items: Vec<PyTensor> = t.unbind(0).py()?.into_iter().map(PyTensor::from).collect();
        Ok(PyList::new(slf.py(), items)?.try_iter()?.into_any().unbind())
    }
    fn __contains__(&self, item: &Bound<'_, PyAny>) -> PyResult<bool> {
        let eq = binary(BinaryOp::Eq, &self.t, arg_of(item)?).py()?;
        Ok(eq.any().py()?.item().py()?.to_bool())
    }
    fn index_select(&self, dim: i64, index: &Bound<'_, PyTensor>) -> R {
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("index_select", t.numel().max(i.numel()), || crate::ops::index::index_select(t, dim, i)))
    }
    fn gather(&self, dim: i64, index: &Bound<'_, PyTensor>) -> R {
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("gather", i.numel(), || crate::ops::index::gather(t, dim, i)))
    }
    #[pyo3(signature = (dim, index, src=None, value=None, *, reduce=None))]
    fn scatter(&self, dim: i64, index: &Bound<'_, PyTensor>, src: Option<&Bound<'_, PyAny>>, value: Option<&Bound<'_, PyAny>>, reduce: Option<&str>) -> R {
        let s = match (src, value) {
            (Some(s), _) => match arg_of(s)? {
                Arg::S(v) => {
                    v.check_fits(self.t.dtype()).py()?;
                    Arg::S(v)
                }
                t => t,
            },
            (None, Some(v)) => {
                let s = scalar_arg(v)?;
                s.check_fits(self.t.dtype()).py()?;
                Arg::S(s)
            }
            _ => return Err(PyTypeError::new_err("scatter() missing 'src' or 'value'")),
        };
        let red = match reduce { Some("add") => Some("sum"), Some("multiply") => Some("prod"), r => r };
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("scatter", t.numel().max(i.numel()), || crate::ops::index::scatter(t, dim, i, &s, red, true)))
    }
    fn scatter_add(&self, dim: i64, index: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>) -> R {
        let (t, i, s) = (&self.t, &index.get().t, Arg::T(src.get().t.clone()));
        wrap(nogil("scatter_add", t.numel().max(i.numel()), || crate::ops::index::scatter(t, dim, i, &s, Some("sum"), true)))
    }
    fn scatter_add_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, src: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().scatter_add(dim, index, src)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    #[pyo3(signature = (dim, index, src=None, value=None, *, reduce=None))]
    fn scatter_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, src: Option<&Bound<'py, PyAny>>, value: Option<&Bound<'py, PyAny>>, reduce: Option<&str>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().scatter(dim, index, src, value, reduce)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    #[pyo3(signature = (dim, index, src, reduce, *, include_self=true))]
    fn scatter_reduce(&self, dim: i64, index: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>, reduce: &str, include_self: bool) -> R {
        let (t, i, s) = (&self.t, &index.get().t, Arg::T(src.get().t.clone()));
        wrap(nogil("scatter_reduce", t.numel().max(i.numel()), || crate::ops::index::scatter(t, dim, i, &s, Some(reduce), include_self)))
    }
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add(&self, dim: i64, index: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>, alpha: Option<&Bound<'_, PyAny>>) -> R {
        let a = match alpha { Some(a) => scalar_arg(a)?, None => Scalar::Int(1) };
        let (t, i, src) = (&self.t, &index.get().t, &source.get().t);
        wrap(nogil("index_add", t.numel().max(src.numel()), || crate::ops::index::index_add(t, dim, i, src, a, "index_add")))
    }
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, source: &Bound<'py, PyTensor>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let a = match alpha { Some(a) => scalar_arg(a)?, None => Scalar::Int(1) };
        let t = &slf.get().t;
        let (i, src) = (&index.get().t, &source.get().t);
        let r = nogil("index_add_", t.numel().max(src.numel()), || crate::ops::index::index_add(t, dim, i, src, a, "index_add_")).py()?;
        nogil("index_add_", t.numel(), || Ok(inplace_from(t, r))).py()??;
        Ok(slf)
    }
    fn index_copy(&self, dim: i64, index: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>) -> R {
        let (t, i, src) = (&self.t, &index.get().t, &source.get().t);
        wrap(nogil("index_copy", t.numel().max(src.numel()), || crate::ops::index::index_copy(t, dim, i, src, "index_copy")))
    }
    fn index_copy_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, source: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let (i, src) = (&index.get().t, &source.get().t);
        let r = nogil("index_copy_", t.numel().max(src.numel()), || crate::ops::index::index_copy(t, dim, i, src, "index_copy_")).py()?;
        nogil("index_copy_", t.numel(), || Ok(inplace_from(t, r))).py()??;
        Ok(slf)
    }
    fn index_fill(&self, dim: i64, index: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> R {
        let v = index_fill_value(&self.t, value)?;
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("index_fill", t.numel(), || crate::ops::index::index_fill(t, dim, i, &v, "index_fill")))
    }
    fn index_fill_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let v = index_fill_value(t, value)?;
        let i = &index.get().t;
        let r = nogil("index_fill_", t.numel(), || crate::ops::index::index_fill(t, dim, i, &v, "index_fill_")).py()?;
        inplace_from(t, r)?;
        Ok(slf)
    }
    /// `self + value * tensor1 * tensor2`.
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcmul(&self, tensor1: &Bound<'_, PyTensor>, tensor2: &Bound<'_, PyTensor>, value: Option<&Bound<'_, PyAny>>) -> R {
        let p = binary(BinaryOp::Mul, &tensor1.get().t, &tensor2.get().t).py()?;
        let p = match alpha_arg(Arg::T(p), value)? { Arg::T(t) => t, Arg::S(_) => unreachable!() };
        wrap(self.t.add(&p))
    }
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcmul_<'py>(slf: Bound<'py, Self>, tensor1: &Bound<'py, PyTensor>, tensor2: &Bound<'py, PyTensor>, value: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().addcmul(tensor1, tensor2, value)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    /// `self + value * tensor1 / tensor2` (true division; integer inputs are rejected as in PyTorch).
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcdiv(&self, tensor1: &Bound<'_, PyTensor>, tensor2: &Bound<'_, PyTensor>, value: Option<&Bound<'_, PyAny>>) -> R {
        let (a, b) = (&tensor1.get().t, &tensor2.get().t);
        if !a.dtype().is_float() && !b.dtype().is_float() {
            return Err(PyRuntimeError::new_err(format!(
                "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. (got tensor1 {} and tensor2 {})",
                a.dtype(),
                b.dtype()
            )));
        }
        let q = binary(BinaryOp::Div, a, b).py()?;
        let q = match alpha_arg(Arg::T(q), value)? { Arg::T(t) => t, Arg::S(_) => unreachable!() };
        wrap(self.t.add(&q))
    }
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcdiv_<'py>(slf: Bound<'py, Self>, tensor1: &Bound<'py, PyTensor>, tensor2: &Bound<'py, PyTensor>, value: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().addcdiv(tensor1, tensor2, value)?;
        inplace_from(&slf.get().t, r.t)?;
        Ok(slf)
    }
    fn masked_select(&self, mask: &Bound<'_, PyTensor>) -> R {
        let m = &mask.get().t;
        let shape = crate::layout::broadcast_shapes(self.t.shape(), m.shape()).py()?;
        let x = self.t.expand(&shape).py()?;
        let mb = m.expand(&shape).py()?;
        wrap(nogil("masked_select", x.numel(), || crate::ops::index::index(&x, &[crate::opdefs::IndexItem::Tensor(mb)])))
    }
    #[pyo3(signature = (*, as_tuple=false))]
    fn nonzero<'py>(&self, py: Python<'py>, as_tuple: bool) -> PyResult<Bound<'py, PyAny>> {
        let t = &self.t;
        let nz = nogil("nonzero", t.numel(), || crate::ops::index::nonzero(t)).py()?;
        if as_tuple {
            let cols: Vec<PyTensor> = (0..self.t.ndim().max(1) as i64)
                .map(|k| if self.t.ndim() == 0 { nz.reshape(&[-1]) } else { nz.select(1, k)?.contiguous() })
                .collect::<crate::Result<Vec<_>>>().py()?.into_iter().map(PyTensor::from).collect();
            return Ok(PyTuple::new(py, cols)?.into_any());
        }
        Ok(Py::new(py, PyTensor::from(nz))?.into_bound(py).into_any())
    }
    fn take(&self, index: &Bound<'_, PyTensor>) -> R {
        let flat = self.t.reshape(&[-1]).py()?;
        let i = index.get().t.clone();
        wrap(nogil("take", i.numel(), || crate::ops::index::index(&flat, &[crate::opdefs::IndexItem::Tensor(i)])))
    }
}

/// index_fill's value: a Python number, or a 0-d tensor (which keeps its autograd history).
fn index_fill_value(t: &Tensor, value: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    match arg_of(value)? {
        Arg::T(v) => Ok(v),
        Arg::S(s) => {
            s.check_fits(t.dtype()).py()?;
            Tensor::scalar(s, t.dtype()).py()
        }
    }
}

/// Elements an indexing op may touch: none for basic indexing (a view), else the tensor's or its
/// index tensors', whichever is larger.
fn index_work(t: &Tensor, items: &[crate::opdefs::IndexItem]) -> usize {
    items.iter().fold(0, |w, it| match it {
        crate::opdefs::IndexItem::Tensor(i) => w.max(i.numel()).max(t.numel()),
        _ => w,
    })
}
