//! DLPack: zero-copy exchange with NumPy, PyTorch, CuPy, JAX... on CPU and CUDA.
//! Export is `Tensor.__dlpack__` / `__dlpack_device__`; import is `rtorch.from_dlpack`. Both the
//! versioned (DLPack >= 1.0, capsule "dltensor_versioned") and the legacy ("dltensor") forms.
use super::tensor::PyTensor;
use crate::device::Device;
use crate::dtype::DType;
use super::errors::IntoPy;
use crate::tensor::Tensor;
use dlpack_ffi as dl;
use pyo3::exceptions::{PyBufferError, PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyTuple};
use std::ffi::{c_void, CStr};

const VERSIONED: &CStr = c"dltensor_versioned";
const LEGACY: &CStr = c"dltensor";
const USED_VERSIONED: &CStr = c"used_dltensor_versioned";
const USED_LEGACY: &CStr = c"used_dltensor";

fn dl_dtype(d: DType) -> dl::DLDataType {
    let code = match d {
        DType::F16 | DType::F32 | DType::F64 => dl::DLDataTypeCode::kDLFloat,
        DType::BF16 => dl::DLDataTypeCode::kDLBfloat,
        DType::I8 | DType::I16 | DType::I32 | DType::I64 => dl::DLDataTypeCode::kDLInt,
        DType::U8 => dl::DLDataTypeCode::kDLUInt,
        DType::Bool => dl::DLDataTypeCode::kDLBool,
        DType::C64 | DType::C128 => dl::DLDataTypeCode::kDLComplex,
    };
    dl::DLDataType { code: code.0 as u8, bits: (d.size() * 8) as u8, lanes: 1 }
}

fn from_dl_dtype(t: dl::DLDataType) -> PyResult<DType> {
    let (code, bits) = (dl::DLDataTypeCode(t.code as u32), t.bits);
    let d = match (code, bits) {
        (dl::DLDataTypeCode::kDLFloat, 16) => DType::F16,
        (dl::DLDataTypeCode::kDLFloat, 32) => DType::F32,
        (dl::DLDataTypeCode::kDLFloat, 64) => DType::F64,
        (dl::DLDataTypeCode::kDLBfloat, 16) => DType::BF16,
        (dl::DLDataTypeCode::kDLComplex, 64) => DType::C64,
        (dl::DLDataTypeCode::kDLComplex, 128) => DType::C128,
        (dl::DLDataTypeCode::kDLInt, 8) => DType::I8,
        (dl::DLDataTypeCode::kDLInt, 16) => DType::I16,
        (dl::DLDataTypeCode::kDLInt, 32) => DType::I32,
        (dl::DLDataTypeCode::kDLInt, 64) => DType::I64,
        (dl::DLDataTypeCode::kDLUInt, 8) => DType::U8,
        (dl::DLDataTypeCode::kDLBool, 8) => DType::Bool,
        _ => {
            return Err(PyBufferError::new_err(format!(
                "from_dlpack: unsupported DLPack dtype (code {}, {} bits, {} lanes)",
                t.code, t.bits, t.lanes
            )))
        }
    };
    if t.lanes != 1 {
        return Err(PyBufferError::new_err(format!("from_dlpack: vector dtypes ({} lanes) are not supported", t.lanes)));
    }
    Ok(d)
}

fn dl_device(d: Device) -> dl::DLDevice {
    match d {
        Device::Cpu => dl::DLDevice { device_type: dl::DLDeviceType::kDLCPU, device_id: 0 },
        Device::Cuda(i) => dl::DLDevice { device_type: dl::DLDeviceType::kDLCUDA, device_id: i as i32 },
    }
}

/// What an exported capsule owns: the tensor (so its storage stays alive) and the shape/stride
/// arrays the DLTensor points into.
struct ExportCtx {
    _tensor: Tensor,
    shape: Vec<i64>,
    strides: Vec<i64>,
}

fn dl_tensor(t: &Tensor, ctx: &mut ExportCtx) -> dl::DLTensor {
    dl::DLTensor {
        data: t.data_ptr_addr() as *mut c_void,
        device: dl_device(t.device()),
        ndim: t.ndim() as i32,
        dtype: dl_dtype(t.dtype()),
        shape: ctx.shape.as_mut_ptr(),
        strides: ctx.strides.as_mut_ptr(),
        byte_offset: 0,
    }
}

unsafe extern "C" fn delete_versioned(m: *mut dl::DLManagedTensorVersioned) {
    drop(Box::from_raw((*m).manager_ctx as *mut ExportCtx));
    drop(Box::from_raw(m));
}

unsafe extern "C" fn delete_legacy(m: *mut dl::DLManagedTensor) {
    drop(Box::from_raw((*m).manager_ctx as *mut ExportCtx));
    drop(Box::from_raw(m));
}

/// A capsule nobody consumed still owns its tensor: free it when the capsule goes away.
unsafe extern "C" fn capsule_destructor(cap: *mut ffi::PyObject) {
    if ffi::PyCapsule_IsValid(cap, VERSIONED.as_ptr()) == 1 {
        let m = ffi::PyCapsule_GetPointer(cap, VERSIONED.as_ptr()) as *mut dl::DLManagedTensorVersioned;
        if let Some(d) = (*m).deleter {
            d(m);
        }
    } else if ffi::PyCapsule_IsValid(cap, LEGACY.as_ptr()) == 1 {
        let m = ffi::PyCapsule_GetPointer(cap, LEGACY.as_ptr()) as *mut dl::DLManagedTensor;
        if let Some(d) = (*m).deleter {
            d(m);
        }
    }
}

/// `tensor.__dlpack__(stream=None, max_version=None, dl_device=None, copy=None)`.
pub fn export<'py>(
    py: Python<'py>,
    t: &Tensor,
    requires_grad: bool,
    max_version: Option<(u32, u32)>,
    dl_device_req: Option<(i32, i32)>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    if requires_grad {
        return Err(PyRuntimeError::new_err(
            "Can't export tensors that require gradient, use tensor.detach()",
        ));
    }
    let mut t = t.detach();
    if let Some((ty, id)) = dl_device_req {
        let want = dl_device(t.device());
        if (ty, id) != (want.device_type.0 as i32, want.device_id) {
            if ty == dl::DLDeviceType::kDLCPU.0 as i32 && copy != Some(false) {
                t = t.to_device(Device::Cpu).py()?;
            } else {
                return Err(PyBufferError::new_err(format!(
                    "__dlpack__: cannot export a {} tensor to DLPack device ({}, {}) (copy={:?})",
                    t.device(),
                    ty,
                    id,
                    copy
                )));
            }
        }
    }
    // Negative strides are legal in rtorch but not for every consumer: hand out a copy then.
    if copy == Some(true) || t.strides().iter().any(|&s| s < 0) {
        if copy == Some(false) {
            return Err(PyBufferError::new_err("__dlpack__: a tensor with negative strides can only be exported as a copy"));
        }
        t = t.contiguous_copy().py()?;
    }
    if let Device::Cuda(i) = t.device() {
        // Consumers read on their own stream: finish our queued work first.
        crate::cuda::gpu(i).and_then(|g| g.synchronize()).py()?;
    }
    let ctx = Box::into_raw(Box::new(ExportCtx {
        shape: t.shape().iter().map(|&d| d as i64).collect(),
        strides: t.strides().iter().map(|&s| s as i64).collect(),
        _tensor: t.clone(),
    }));
    // SAFETY: ctx is a fresh box; the managed tensor is freed exactly once, by its deleter
    // (called by the consumer, or by capsule_destructor when nobody consumed it).
    unsafe {
        let dlt = dl_tensor(&t, &mut *ctx);
        let (ptr, name) = if max_version.is_some_and(|v| v.0 >= 1) {
            let m = Box::new(dl::DLManagedTensorVersioned {
                version: dl::DLPackVersion { major: 1, minor: 0 },
                manager_ctx: ctx as *mut c_void,
                deleter: Some(delete_versioned),
                flags: if copy == Some(true) { dl::DLPACK_FLAG_BITMASK_IS_COPIED as u64 } else { 0 },
                dl_tensor: dlt,
            });
            (Box::into_raw(m) as *mut c_void, VERSIONED)
        } else {
            let m = Box::new(dl::DLManagedTensor { dl_tensor: dlt, manager_ctx: ctx as *mut c_void, deleter: Some(delete_legacy) });
            (Box::into_raw(m) as *mut c_void, LEGACY)
        };
        let cap = ffi::PyCapsule_New(ptr, name.as_ptr(), Some(capsule_destructor));
        Bound::from_owned_ptr_or_err(py, cap)
    }
}

pub fn device_tuple(t: &Tensor) -> (i32, i32) {
    let d = dl_device(t.device());
    (d.device_type.0 as i32, d.device_id)
}

/// Owns an imported DLPack tensor: dropping it calls the producer's deleter.
struct Imported {
    ptr: *mut c_void,
    versioned: bool,
}

// SAFETY: DLPack deleters may be called from any thread (producers take their own locks / GIL).
unsafe impl Send for Imported {}
unsafe impl Sync for Imported {}

impl Drop for Imported {
    fn drop(&mut self) {
        // SAFETY: ptr is the managed tensor we took ownership of when renaming its capsule.
        unsafe {
            if self.versioned {
                let m = self.ptr as *mut dl::DLManagedTensorVersioned;
                if let Some(d) = (*m).deleter {
                    d(m);
                }
            } else {
                let m = self.ptr as *mut dl::DLManagedTensor;
                if let Some(d) = (*m).deleter {
                    d(m);
                }
            }
        }
    }
}

/// `rtorch.from_dlpack(obj)`: obj has `__dlpack__` (any DLPack producer) or is a capsule.
#[pyfunction]
pub fn from_dlpack(py: Python<'_>, ext: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
    let cap = if ext.is_instance_of::<PyCapsule>() {
        ext.clone()
    } else {
        if !ext.hasattr("__dlpack__")? {
            return Err(PyTypeError::new_err(format!(
                "from_dlpack: expected an object with __dlpack__ or a DLPack capsule, got {}",
                ext.get_type().name()?
            )));
        }
        let dev: (i32, i32) = ext.call_method0("__dlpack_device__")?.extract()?;
        let kw = PyDict::new(py);
        if dev.0 == dl::DLDeviceType::kDLCUDA.0 as i32 {
            kw.set_item("stream", 1)?; // we run on the legacy default stream
        }
        kw.set_item("max_version", PyTuple::new(py, [1u32, 0])?)?;
        match ext.call_method("__dlpack__", (), Some(&kw)) {
            Ok(c) => c,
            // Producers older than DLPack 1.0 do not know max_version.
            Err(e) if e.is_instance_of::<PyTypeError>(py) => {
                kw.del_item("max_version")?;
                ext.call_method("__dlpack__", (), Some(&kw))?
            }
            Err(e) => return Err(e),
        }
    };
    let raw = cap.as_ptr();
    // SAFETY: capsule pointers are checked by name before use; after renaming the capsule we
    // own the managed tensor and release it through `Imported`.
    unsafe {
        let (ptr, versioned, t) = if ffi::PyCapsule_IsValid(raw, VERSIONED.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(raw, VERSIONED.as_ptr()) as *mut dl::DLManagedTensorVersioned;
            if (*m).version.major > 1 {
                return Err(PyBufferError::new_err(format!(
                    "from_dlpack: DLPack version {}.{} is newer than this rtorch understands (1.x)",
                    (*m).version.major,
                    (*m).version.minor
                )));
            }
            let ro = (*m).flags & dl::DLPACK_FLAG_BITMASK_READ_ONLY as u64 != 0;
            ffi::PyCapsule_SetName(raw, USED_VERSIONED.as_ptr());
            (m as *mut c_void, true, ((*m).dl_tensor, ro))
        } else if ffi::PyCapsule_IsValid(raw, LEGACY.as_ptr()) == 1 {
            let m = ffi::PyCapsule_GetPointer(raw, LEGACY.as_ptr()) as *mut dl::DLManagedTensor;
            ffi::PyCapsule_SetName(raw, USED_LEGACY.as_ptr());
            (m as *mut c_void, false, ((*m).dl_tensor, false))
        } else {
            return Err(PyBufferError::new_err(
                "from_dlpack: the capsule is not an unconsumed DLPack tensor (each capsule can be consumed once)",
            ));
        };
        let owner = Imported { ptr, versioned };
        let (dlt, read_only) = t;
        let dtype = from_dl_dtype(dlt.dtype)?;
        let device = match dlt.device.device_type {
            dl::DLDeviceType::kDLCPU | dl::DLDeviceType::kDLCUDAHost => Device::Cpu,
            dl::DLDeviceType::kDLCUDA => Device::Cuda(dlt.device.device_id as usize),
            other => {
                return Err(PyBufferError::new_err(format!(
                    "from_dlpack: DLPack device type {} is not supported (rtorch has CPU and CUDA)",
                    other.0
                )))
            }
        };
        let nd = dlt.ndim.max(0) as usize;
        let shape_i: Vec<i64> = (0..nd).map(|i| *dlt.shape.add(i)).collect();
        if shape_i.iter().any(|&d| d < 0) {
            return Err(PyBufferError::new_err(format!("from_dlpack: invalid DLPack shape {:?}", shape_i)));
        }
        let shape: Vec<usize> = shape_i.iter().map(|&d| d as usize).collect();
        let strides: Vec<isize> = if dlt.strides.is_null() {
            crate::layout::contiguous_strides(&shape).to_vec()
        } else {
            (0..nd).map(|i| *dlt.strides.add(i) as isize).collect()
        };
        let data = dlt.data as usize + dlt.byte_offset as usize;
        let t = Tensor::from_foreign(device, data, shape, strides, dtype, Box::new(owner)).py()?;
        // Read-only memory (a read-only NumPy array...) would fault on the first in-place op: copy it.
        let t = if read_only { t.contiguous_copy().py()? } else { t };
        Ok(t.into())
    }
}
