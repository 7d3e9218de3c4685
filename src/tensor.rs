//! `Tensor`: a cheap handle to shared storage plus a layout, a dtype and autograd metadata.
use crate::tape::AutogradMeta;
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::error::{fmt_shape, Result};
use crate::layout::{checked_numel, Layout};
use crate::storage::Storage;
use crate::bail;
use std::sync::{Arc, Mutex, MutexGuard};

pub struct TensorImpl {
    pub(crate) storage: Arc<Storage>,
    pub(crate) layout: Layout,
    pub(crate) dtype: DType,
    pub(crate) meta: Mutex<AutogradMeta>,
}

#[derive(Clone)]
pub struct Tensor(pub(crate) Arc<TensorImpl>);

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tensor(shape={:?}, dtype={}, device={})", self.shape(), self.dtype(), self.device())
    }
}

/// Bytes of a contiguous tensor of `shape` and `dtype`, or PyTorch's error when they overflow.
#[inline]
pub fn storage_bytes(shape: &[usize], dtype: DType) -> Result<usize> {
    checked_numel(shape)
        .ok()
        .and_then(|n| n.checked_mul(dtype.size()))
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or_else(|| crate::err!(Alloc, "Storage size calculation overflowed with sizes={}", fmt_shape(shape)))
}

/// Refuse an op that would return `count` tensors when their handles alone can never fit in
/// memory (`split(1)` of a huge broadcast view), instead of looping until the machine runs out.
pub fn check_output_count(count: usize) -> Result<()> {
    let bytes = count.checked_mul(std::mem::size_of::<TensorImpl>()).unwrap_or(usize::MAX);
    crate::storage::check_alloc(bytes)
}

impl Tensor {
    pub(crate) fn from_parts(storage: Arc<Storage>, layout: Layout, dtype: DType) -> Tensor {
        Tensor(Arc::new(TensorImpl { storage, layout, dtype, meta: Mutex::new(AutogradMeta::default()) }))
    }

    /// A fresh, uninitialised (or zeroed) contiguous tensor.
    #[inline]
    pub fn alloc(shape: &[usize], dtype: DType, device: Device, zeroed: bool) -> Result<Tensor> {
        let nbytes = storage_bytes(shape, dtype)?;
        let storage = Storage::new(device, nbytes, zeroed)?;
        Ok(Tensor::from_parts(Arc::new(storage), Layout::contiguous(shape), dtype))
    }

    /// A fresh contiguous CPU tensor in page-locked memory (`pin_memory=True`); needs CUDA.
    pub fn alloc_pinned(shape: &[usize], dtype: DType, zeroed: bool) -> Result<Tensor> {
        let nbytes = storage_bytes(shape, dtype)?;
        Ok(Tensor::from_parts(Arc::new(Storage::new_pinned(nbytes, zeroed)?), Layout::contiguous(shape), dtype))
    }

    pub fn zeros(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        Tensor::alloc(shape, dtype, device, true)
    }

    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<Tensor> {
        let numel = checked_numel(shape)?;
        if numel != data.len() {
            bail!(Shape, "shape {} is invalid for input of size {}", fmt_shape(shape), data.len());
        }
        let t = Tensor::alloc(shape, T::DTYPE, Device::Cpu, false)?;
        // SAFETY: freshly allocated, contiguous, numel elements of T.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), t.data_ptr::<T>(), numel) };
        Ok(t)
    }

    /// Wrap memory owned by another library (NumPy buffers, DLPack) without copying. `ptr` is
    /// element 0 of the view; `strides` are in elements; `keep_alive` is dropped with the storage.
    ///
    /// # Safety
    /// Every element the layout reaches must be valid, writable memory of `device` while
    /// `keep_alive` lives.
    pub unsafe fn from_foreign(
        device: Device,
        ptr: usize,
        shape: Vec<usize>,
        strides: Vec<isize>,
        dtype: DType,
        keep_alive: Box<dyn std::any::Any + Send + Sync>,
    ) -> Result<Tensor> {
        let es = dtype.size() as isize;
        let layout0 = Layout { shape: shape.into(), strides: strides.into(), offset: 0 };
        checked_numel(&layout0.shape)?;
        let (lo, hi) = layout0.extent();
        // The buffer starts at the lowest element touched; element 0 of the view sits `-lo` in.
        let base = (ptr as isize + lo * es) as usize;
        let nbytes = ((hi - lo) * es) as usize;
        let storage = Storage::foreign(device, base, nbytes, keep_alive)?;
        let layout = Layout { offset: (-lo) as usize, ..layout0 };
        Ok(Tensor::from_parts(Arc::new(storage), layout, dtype))
    }

    /// A new handle on the same storage with another layout (no autograd: callers record it).
    pub fn with_layout(&self, layout: Layout) -> Tensor {
        Tensor::from_parts(self.0.storage.clone(), layout, self.0.dtype)
    }

    pub fn shape(&self) -> &[usize] {
        &self.0.layout.shape
    }
    pub fn strides(&self) -> &[isize] {
        &self.0.layout.strides
    }
    pub fn layout(&self) -> &Layout {
        &self.0.layout
    }
    pub fn offset(&self) -> usize {
        self.0.layout.offset
    }
    pub fn dtype(&self) -> DType {
        self.0.dtype
    }
    pub fn device(&self) -> Device {
        self.0.storage.device()
    }
    pub fn ndim(&self) -> usize {
        self.0.layout.shape.len()
    }
    pub fn numel(&self) -> usize {
        self.0.layout.numel()
    }
    pub fn is_contiguous(&self) -> bool {
        self.0.layout.is_contiguous()
    }
    pub fn storage(&self) -> &Arc<Storage> {
        &self.0.storage
    }
    pub fn same_storage(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0.storage, &other.0.storage)
    }
    pub fn ptr_eq(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    pub(crate) fn meta(&self) -> MutexGuard<'_, AutogradMeta> {
        // A poisoned lock only means a panic elsewhere; the metadata itself stays consistent.
        self.0.meta.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Size of dim `d` with negative wrapping (an IndexError for a 0-d tensor, as in PyTorch).
    pub fn size(&self, d: i64) -> Result<usize> {
        Ok(self.shape()[crate::layout::wrap_dim_strict(d, self.ndim())?])
    }

    /// Address of element 0 of the view (CPU only).
    ///
    /// # Safety
    /// The caller indexes it only with offsets inside the layout, and `T` matches the dtype.
    pub unsafe fn data_ptr<T>(&self) -> *mut T {
        match self.0.storage.cpu() {
            Some(b) => (b.ptr() as *mut T).add(self.0.layout.offset),
            // A CPU kernel reached with device memory is a dispatch bug; stop before touching it.
            None => panic!("internal error: a CPU kernel was given a {} tensor (op not dispatched to the device)", self.device()),
        }
    }

    /// A 0-d CPU tensor, which PyTorch lets join tensors on any device (like a Python scalar).
    pub fn is_cpu_scalar(&self) -> bool {
        self.ndim() == 0 && self.device() == Device::Cpu
    }

    pub fn check_cpu(&self, op: &str) -> Result<()> {
        if self.device() != Device::Cpu {
            bail!(Device, "{}: expected a CPU tensor but got one on {}", op, self.device());
        }
        Ok(())
    }
}
