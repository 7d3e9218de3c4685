//! Indexing: `__getitem__`/`__setitem__`, gather/scatter, index_* ops, masked ops, nonzero, take.
use super::*;
use crate::py::guard::nogil;

/// index_put's values: a tensor as it is (its dtype must match), a Python number in `x`'s dtype.
fn put_values(values: &Bound<'_, PyAny>, x: &Tensor) -> PyResult<Tensor> {
    match scalar_of(values) {
        Some(s) => {
            s.check_fits(x.dtype()).py()?;
            Tensor::scalar(s, x.dtype()).py()
        }
        None => tensor_from_any(values),
    }
}

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
    /// Writes ``values`` into ``self`` at the positions given by a tuple of index tensors, in place.
    ///
    /// ``self.index_put_((i, j), v)`` is ``self[i, j] = v``; ``None`` in ``indices`` takes a
    /// whole dimension.
    ///
    /// Args:
    ///     indices (tuple of Tensor): one index tensor (or ``None``) per indexed dimension;
    ///         the index tensors broadcast together.
    ///     values (Tensor or Number): the values, broadcast to the indexed shape.
    ///     accumulate (bool, optional): add to the existing values instead of replacing
    ///         them; repeated indices all add. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.zeros(3)
    ///     >>> x.index_put_((rtorch.tensor([0, 0, 2]),), rtorch.tensor(1.0), accumulate=True)
    ///     tensor([2., 0., 1.])
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put_<'py>(slf: Bound<'py, Self>, indices: &Bound<'py, PyAny>, values: &Bound<'py, PyAny>, accumulate: bool) -> PyResult<Bound<'py, Self>> {
        let items = index_put_items(indices)?;
        let t = &slf.get().t;
        let v = put_values(values, t)?;
        nogil("index_put_", v.numel().max(index_work(t, &items)), || crate::ops::index::index_put_(t, &items, &v, accumulate)).py()?;
        Ok(slf)
    }
    /// Out-of-place version of :meth:`Tensor.index_put_`.
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put(&self, indices: &Bound<'_, PyAny>, values: &Bound<'_, PyAny>, accumulate: bool) -> R {
        let items = index_put_items(indices)?;
        let t = &self.t;
        let v = put_values(values, t)?;
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
    /// Returns the entries of ``input`` at positions ``index`` along dimension ``dim`` (a copy).
    ///
    /// Args:
    ///     dim (int): the dimension to index.
    ///     index (Tensor): a 1-D (or 0-D) integer tensor of indices.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1, 2], [3, 4]])
    ///     >>> x.index_select(0, rtorch.tensor([1, 0]))
    ///     tensor([[3, 4],
    ///             [1, 2]])
    fn index_select(&self, dim: i64, index: &Bound<'_, PyTensor>) -> R {
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("index_select", t.numel().max(i.numel()), || crate::ops::index::index_select(t, dim, i)))
    }
    /// Gathers values of ``input`` along ``dim`` at the positions given by ``index``.
    ///
    /// For a 2-D input and ``dim=1``: ``out[i][j] = input[i][index[i][j]]``. ``index`` has the
    /// same number of dimensions as ``input`` and the output has ``index``'s shape.
    ///
    /// Args:
    ///     dim (int): the dimension to gather along.
    ///     index (Tensor): an int64 tensor of indices.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1, 2], [3, 4]])
    ///     >>> x.gather(1, rtorch.tensor([[0, 0], [1, 0]]))
    ///     tensor([[1, 1],
    ///             [4, 3]])
    fn gather(&self, dim: i64, index: &Bound<'_, PyTensor>) -> R {
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("gather", i.numel(), || crate::ops::index::gather(t, dim, i)))
    }
    /// Returns a copy of ``input`` with values from ``src`` (or the number ``value``) written at ``index`` along ``dim``.
    ///
    /// For a 2-D input and ``dim=1``: ``out[i][index[i][j]] = src[i][j]``; the inverse of
    /// :meth:`Tensor.gather`. Where an index repeats, which value wins is unspecified.
    ///
    /// Args:
    ///     dim (int): the dimension to scatter along.
    ///     index (Tensor): an int64 tensor of indices, with as many dimensions as ``input``.
    ///     src (Tensor or Number, optional): the values to write.
    ///     value (Number, optional): a single value to write (instead of ``src``).
    ///     reduce (str, optional): ``"add"`` or ``"multiply"`` to combine with the existing
    ///         values instead of replacing them.
    ///
    /// Example::
    ///
    ///     >>> out = rtorch.zeros(2, 3)
    ///     >>> out.scatter(1, rtorch.tensor([[0], [2]]), rtorch.tensor([[5.0], [6.0]]))
    ///     tensor([[5., 0., 0.],
    ///             [0., 0., 6.]])
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
        same_dtype_src(t, &s)?;
        wrap(nogil("scatter", t.numel().max(i.numel()), || crate::ops::index::scatter(t, dim, i, &s, red, true)))
    }
    /// Returns a copy of ``input`` with the values of ``src`` added at ``index`` along ``dim`` (duplicates accumulate).
    ///
    /// For a 2-D input and ``dim=1``: ``out[i][index[i][j]] += src[i][j]``.
    ///
    /// Args:
    ///     dim (int): the dimension to scatter along.
    ///     index (Tensor): an int64 tensor of indices, with as many dimensions as ``input``.
    ///     src (Tensor): the values to add.
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(3).scatter_add(0, rtorch.tensor([0, 0, 2]), rtorch.tensor([1.0, 2.0, 3.0]))
    ///     tensor([3., 0., 3.])
    fn scatter_add(&self, dim: i64, index: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>) -> R {
        let (t, i, s) = (&self.t, &index.get().t, Arg::T(src.get().t.clone()));
        same_dtype_src(t, &s)?;
        wrap(nogil("scatter_add", t.numel().max(i.numel()), || crate::ops::index::scatter(t, dim, i, &s, Some("sum"), true)))
    }
    /// In-place version of :meth:`Tensor.scatter_add`.
    fn scatter_add_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, src: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().scatter_add(dim, index, src)?;
        inplace_from(&slf.get().t, r.t.clone())?;
        Ok(slf)
    }
    /// In-place version of :meth:`Tensor.scatter`.
    #[pyo3(signature = (dim, index, src=None, value=None, *, reduce=None))]
    fn scatter_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, src: Option<&Bound<'py, PyAny>>, value: Option<&Bound<'py, PyAny>>, reduce: Option<&str>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().scatter(dim, index, src, value, reduce)?;
        inplace_from(&slf.get().t, r.t.clone())?;
        Ok(slf)
    }
    /// Returns a copy of ``input`` with the values of ``src`` reduced into it at ``index`` along ``dim``.
    ///
    /// Args:
    ///     dim (int): the dimension to scatter along.
    ///     index (Tensor): an int64 tensor of indices, with as many dimensions as ``input``.
    ///     src (Tensor): the values to scatter.
    ///     reduce (str): ``"sum"``, ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``.
    ///     include_self (bool, optional): whether the existing values of ``input`` at the
    ///         scattered positions take part in the reduction. Default: ``True``.
    ///
    /// Example::
    ///
    ///     >>> src = rtorch.tensor([1.0, 2.0, 3.0])
    ///     >>> rtorch.ones(3).scatter_reduce(0, rtorch.tensor([0, 0, 2]), src, "amax")
    ///     tensor([2., 1., 3.])
    #[pyo3(signature = (dim, index, src, reduce, *, include_self=true))]
    fn scatter_reduce(&self, dim: i64, index: &Bound<'_, PyTensor>, src: &Bound<'_, PyTensor>, reduce: &str, include_self: bool) -> R {
        let (t, i, s) = (&self.t, &index.get().t, Arg::T(src.get().t.clone()));
        same_dtype_src(t, &s)?;
        wrap(nogil("scatter_reduce", t.numel().max(i.numel()), || crate::ops::index::scatter(t, dim, i, &s, Some(reduce), include_self)))
    }
    /// Returns a copy of ``input`` with ``alpha * source`` added at positions ``index`` of dimension ``dim``.
    ///
    /// For ``dim=0``: ``out[index[i]] += alpha * source[i]``; repeated indices accumulate.
    ///
    /// Args:
    ///     dim (int): the dimension to index.
    ///     index (Tensor): a 1-D integer tensor, one entry per slice of ``source`` along ``dim``.
    ///     source (Tensor): the values to add.
    ///     alpha (Number, optional): the scale of ``source``. Default: ``1``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(3, 2).index_add(0, rtorch.tensor([0, 2]), rtorch.ones(2, 2), alpha=2)
    ///     tensor([[2., 2.],
    ///             [0., 0.],
    ///             [2., 2.]])
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add(&self, dim: i64, index: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>, alpha: Option<&Bound<'_, PyAny>>) -> R {
        let a = match alpha { Some(a) => scalar_arg(a)?, None => Scalar::Int(1) };
        let (t, i, src) = (&self.t, &index.get().t, &source.get().t);
        wrap(nogil("index_add", t.numel().max(src.numel()), || crate::ops::index::index_add(t, dim, i, src, a, "index_add")))
    }
    /// In-place version of :meth:`Tensor.index_add`.
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, source: &Bound<'py, PyTensor>, alpha: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let a = match alpha { Some(a) => scalar_arg(a)?, None => Scalar::Int(1) };
        let t = &slf.get().t;
        let (i, src) = (&index.get().t, &source.get().t);
        let r = nogil("index_add_", t.numel().max(src.numel()), || crate::ops::index::index_add(t, dim, i, src, a, "index_add_")).py()?;
        nogil("index_add_", t.numel(), || Ok(inplace_from(t, r))).py()??;
        Ok(slf)
    }
    /// Returns a copy of ``input`` with the slices of ``source`` written at positions ``index`` of dimension ``dim``.
    ///
    /// Args:
    ///     dim (int): the dimension to index.
    ///     index (Tensor): a 1-D integer tensor, one entry per slice of ``source`` along ``dim``.
    ///     source (Tensor): the values to write.
    ///
    /// Example::
    ///
    ///     >>> src = rtorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    ///     >>> rtorch.zeros(3, 2).index_copy(0, rtorch.tensor([2, 0]), src)
    ///     tensor([[3., 4.],
    ///             [0., 0.],
    ///             [1., 2.]])
    fn index_copy(&self, dim: i64, index: &Bound<'_, PyTensor>, source: &Bound<'_, PyTensor>) -> R {
        let (t, i, src) = (&self.t, &index.get().t, &source.get().t);
        wrap(nogil("index_copy", t.numel().max(src.numel()), || crate::ops::index::index_copy(t, dim, i, src, "index_copy")))
    }
    /// In-place version of :meth:`Tensor.index_copy`.
    fn index_copy_<'py>(slf: Bound<'py, Self>, dim: i64, index: &Bound<'py, PyTensor>, source: &Bound<'py, PyTensor>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let (i, src) = (&index.get().t, &source.get().t);
        let r = nogil("index_copy_", t.numel().max(src.numel()), || crate::ops::index::index_copy(t, dim, i, src, "index_copy_")).py()?;
        nogil("index_copy_", t.numel(), || Ok(inplace_from(t, r))).py()??;
        Ok(slf)
    }
    /// Returns a copy of ``input`` with ``value`` written at positions ``index`` of dimension ``dim``.
    ///
    /// Args:
    ///     dim (int): the dimension to index.
    ///     index (Tensor): a 1-D integer tensor of indices.
    ///     value (Number or Tensor): the value (a 0-d tensor keeps its autograd history).
    ///
    /// Example::
    ///
    ///     >>> rtorch.zeros(2, 3).index_fill(1, rtorch.tensor([0, 2]), -1.0)
    ///     tensor([[-1.,  0., -1.],
    ///             [-1.,  0., -1.]])
    fn index_fill(&self, dim: i64, index: &Bound<'_, PyTensor>, value: &Bound<'_, PyAny>) -> R {
        let v = index_fill_value(&self.t, value)?;
        let (t, i) = (&self.t, &index.get().t);
        wrap(nogil("index_fill", t.numel(), || crate::ops::index::index_fill(t, dim, i, &v, "index_fill")))
    }
    /// In-place version of :meth:`Tensor.index_fill`.
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
        scale_and_add(&self.t, p, value)
    }
    /// In-place version of :meth:`Tensor.addcmul`.
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcmul_<'py>(slf: Bound<'py, Self>, tensor1: &Bound<'py, PyTensor>, tensor2: &Bound<'py, PyTensor>, value: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().addcmul(tensor1, tensor2, value)?;
        inplace_from(&slf.get().t, r.t.clone())?;
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
        scale_and_add(&self.t, q, value)
    }
    /// In-place version of :meth:`Tensor.addcdiv`.
    #[pyo3(signature = (tensor1, tensor2, *, value=None))]
    fn addcdiv_<'py>(slf: Bound<'py, Self>, tensor1: &Bound<'py, PyTensor>, tensor2: &Bound<'py, PyTensor>, value: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, Self>> {
        let r = slf.get().addcdiv(tensor1, tensor2, value)?;
        inplace_from(&slf.get().t, r.t.clone())?;
        Ok(slf)
    }
    /// Returns a new 1-D tensor with the elements of ``input`` where ``mask`` is True, in row-major order.
    ///
    /// Args:
    ///     mask (Tensor): a boolean tensor, broadcastable with ``input``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[1, 2], [3, 4]])
    ///     >>> x.masked_select(x > 1)
    ///     tensor([2, 3, 4])
    fn masked_select(&self, mask: &Bound<'_, PyTensor>) -> R {
        let m = &mask.get().t;
        let shape = crate::layout::broadcast_shapes(self.t.shape(), m.shape()).py()?;
        let x = self.t.expand(&shape).py()?;
        let mb = m.expand(&shape).py()?;
        wrap(nogil("masked_select", x.numel(), || crate::ops::index::index(&x, &[crate::opdefs::IndexItem::Tensor(mb)])))
    }
    /// Returns the indices of the non-zero elements of ``input``.
    ///
    /// By default an int64 tensor of shape ``(count, input.dim())``, one row per element; with
    /// ``as_tuple=True`` a tuple of one 1-D index tensor per dimension (usable as ``x[idx]``).
    ///
    /// Args:
    ///     as_tuple (bool, optional): return a tuple of index tensors. Default: ``False``.
    ///
    /// Example::
    ///
    ///     >>> x = rtorch.tensor([[0, 1], [2, 0]])
    ///     >>> x.nonzero()
    ///     tensor([[0, 1],
    ///             [1, 0]])
    ///     >>> x.nonzero(as_tuple=True)
    ///     (tensor([0, 1]), tensor([1, 0]))
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
    /// Returns the elements of ``input`` at the given flat (row-major) indices, in ``index``'s shape.
    ///
    /// Args:
    ///     index (Tensor): an integer tensor of indices into ``input.flatten()``.
    ///
    /// Example::
    ///
    ///     >>> rtorch.tensor([[1, 2], [3, 4]]).take(rtorch.tensor([0, 3]))
    ///     tensor([1, 4])
    fn take(&self, index: &Bound<'_, PyTensor>) -> R {
        let flat = self.t.reshape(&[-1]).py()?;
        let i = index.get().t.clone();
        wrap(nogil("take", i.numel(), || crate::ops::index::index(&flat, &[crate::opdefs::IndexItem::Tensor(i)])))
    }
}

/// index_fill's value: a Python number, or a 0-d tensor (which keeps its autograd history).
/// `base + value * p` for addcmul / addcdiv: `p`, the fresh product or quotient, is scaled and
/// summed in its own buffer where autograd and the dtypes allow (`ops::pointwise::step_into`).
fn scale_and_add(base: &Tensor, p: Tensor, value: Option<&Bound<'_, PyAny>>) -> R {
    use crate::ops::pointwise::{plus, step_into};
    let p = match value {
        Some(v) => step_into(p, BinaryOp::Mul, Arg::S(scalar_arg(v)?)),
        None => Ok(p),
    };
    wrap(p.and_then(|p| plus(base, p)))
}

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

/// PyTorch's scatter family takes `src` of `self`'s dtype only (no silent cast); its message names
/// `scatter()` for every member of the family.
fn same_dtype_src(t: &Tensor, src: &Arg) -> PyResult<()> {
    match src {
        Arg::T(s) if s.dtype() != t.dtype() => Err(PyRuntimeError::new_err("scatter(): Expected self.dtype to be equal to src.dtype")),
        _ => Ok(()),
    }
}
