//! The explicit list of work that has no device kernel: on a CUDA tensor it runs on host copies
//! (correct, slower), each entry with the reason. Only the dispatcher consults it; an op that is
//! not listed here has a device kernel. The drift tests read the list (`rtorch._rtorch._host_only()`).
use crate::device::Device;
use crate::error::Result;
use crate::tensor::Tensor;

/// Work that runs on host copies of device tensors, with the reason it has no device kernel.
pub const HOST_ONLY: &[(&str, &str)] = &[
    ("sort.rows_over_2048", "the CUDA sort kernel sorts one row in shared memory (at most 2048 elements)"),
    ("sort.median_rows_over_2048", "median is a selection on the device sort, so it shares its row limit"),
    ("sort.unique", "unique needs a global sort and compaction; no device kernel yet"),
    ("random.randperm", "Fisher-Yates is sequential; a device shuffle would draw a different stream"),
    ("random.multinomial", "sampling without replacement is sequential per row"),
    ("random.randint_bool", "cuda/random.cu's randint has no bool instantiation (bool draws are rare)"),
    ("linalg.lu_factor", "cuSOLVER path not written yet (getrf)"),
    ("linalg.lu_solve", "cuSOLVER path not written yet (getrs)"),
    ("linalg.triangular_solve", "cuSOLVER path not written yet (cuBLAS trsm)"),
    ("linalg.cholesky", "cuSOLVER path not written yet (potrf)"),
    ("linalg.qr", "cuSOLVER path not written yet (geqrf/orgqr)"),
    ("linalg.eigh", "cuSOLVER path not written yet (syevd)"),
    ("linalg.svd", "cuSOLVER path not written yet (gesvd)"),
    // linalg2: eig, LDL and packed QR.
    ("linalg.eig", "cuSOLVER path not written yet (geev)"),
    ("linalg.ldl_factor", "cuSOLVER path not written yet (sytrf)"),
    ("linalg.ldl_solve", "cuSOLVER path not written yet (sytrs)"),
    ("geqrf", "cuSOLVER path not written yet (geqrf)"),
    ("fft.c2c", "cuFFT path not written yet (cufftExecC2C/Z2Z through cudarc)"),
    ("fft.r2c", "cuFFT path not written yet (cufftExecR2C/D2Z through cudarc)"),
    ("fft.c2r", "cuFFT path not written yet (cufftExecC2R/Z2D through cudarc)"),
    ("index.scatter_reduce", "scatter_reduce with prod/amax/amin/mean needs atomic min/max/mul per dtype; sum has a kernel"),
];

/// The reason `key` runs on the host, if it is listed.
pub fn reason(key: &str) -> Option<&'static str> {
    HOST_ONLY.iter().find(|(k, _)| *k == key).map(|(_, r)| *r)
}

/// Run the host kernel `f` for the listed work `key` on host copies of `ins`, writing host
/// buffers shaped like `outs`, then copy the results into `outs` on their device.
pub(crate) fn run(key: &str, ins: &[&Tensor], outs: &[&Tensor], f: impl FnOnce(&[Tensor], &[Tensor]) -> Result<()>) -> Result<()> {
    if reason(key).is_none() {
        crate::bail!(Runtime, "internal error: '{}' runs on the host but is not on the dispatcher's host-only list", key);
    }
    let hin = ins.iter().map(|t| to_host(t)).collect::<Result<Vec<_>>>()?;
    let hout = outs.iter().map(|t| Tensor::alloc(t.shape(), t.dtype(), Device::Cpu, false)).collect::<Result<Vec<_>>>()?;
    f(&hin, &hout)?;
    for (h, o) in hout.iter().zip(outs) {
        super::copy_cast(h, o)?;
    }
    Ok(())
}

/// A host copy of `t` (itself when it is already on the host).
pub(crate) fn to_host(t: &Tensor) -> Result<Tensor> {
    if t.device() == Device::Cpu {
        return Ok(t.clone());
    }
    super::transfer(t, Device::Cpu, false)
}

/// Run `f` on host copies of `ins` and move each result to `device` (for listed work whose
/// results' shapes are only known after it runs, such as `unique`).
pub(crate) fn run_new(key: &str, ins: &[&Tensor], device: Device, f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>) -> Result<Vec<Tensor>> {
    if reason(key).is_none() {
        crate::bail!(Runtime, "internal error: '{}' runs on the host but is not on the dispatcher's host-only list", key);
    }
    let hin = ins.iter().map(|t| to_host(t)).collect::<Result<Vec<_>>>()?;
    f(&hin)?.iter().map(|t| super::transfer(t, device, false)).collect()
}
