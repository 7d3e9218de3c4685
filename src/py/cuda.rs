//! Bindings behind `rtorch.cuda` (device queries, synchronisation, memory statistics) and
//! `rtorch.backends.cuda.matmul.allow_tf32`.
use super::errors::IntoPy;
use crate::cuda;
use pyo3::prelude::*;

#[pyfunction]
fn _cuda_device_count() -> usize {
    cuda::device_count()
}

#[pyfunction]
fn _cuda_device_name(device: usize) -> PyResult<String> {
    cuda::gpu(device).py()?.name().py()
}

#[pyfunction]
fn _cuda_synchronize(device: usize) -> PyResult<()> {
    cuda::gpu(device).py()?.synchronize().py()
}

#[pyfunction]
fn _cuda_memory_allocated(device: usize) -> PyResult<usize> {
    Ok(cuda::gpu(device).py()?.memory_allocated())
}

#[pyfunction]
fn _cuda_max_memory_allocated(device: usize) -> PyResult<usize> {
    Ok(cuda::gpu(device).py()?.max_memory_allocated())
}

#[pyfunction]
fn _cuda_reset_peak_memory_stats(device: usize) -> PyResult<()> {
    cuda::gpu(device).py()?.reset_peak();
    Ok(())
}

#[pyfunction]
fn _cuda_empty_cache(device: usize) -> PyResult<()> {
    let g = cuda::gpu(device).py()?;
    g.synchronize().py()?;
    // Freed pinned host blocks go too (host memory: never counted in memory_allocated).
    cuda::pinned::empty_cache();
    cuda::memory::trim(&g).py()
}

#[pyfunction]
fn _cuda_mem_get_info(device: usize) -> PyResult<(usize, usize)> {
    cuda::gpu(device).py()?.mem_info().py()
}

#[pyfunction]
fn _cuda_get_device_capability(device: usize) -> PyResult<(u32, u32)> {
    let a = cuda::gpu(device).py()?.arch;
    Ok((a / 10, a % 10))
}

/// This thread's current CUDA device (what `"cuda"` without an index means).
#[pyfunction]
fn _cuda_current_device() -> usize {
    crate::device::current_cuda()
}

#[pyfunction]
fn _cuda_set_current_device(device: usize) {
    crate::device::set_current_cuda(device)
}

#[pyfunction]
fn _cuda_set_allow_tf32(on: bool) {
    cuda::blas::set_allow_tf32(on)
}

#[pyfunction]
fn _cuda_get_allow_tf32() -> bool {
    cuda::blas::allow_tf32()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_cuda_device_count, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_device_name, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_synchronize, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_memory_allocated, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_max_memory_allocated, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_reset_peak_memory_stats, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_empty_cache, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_mem_get_info, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_get_device_capability, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_set_allow_tf32, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_current_device, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_set_current_device, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_get_allow_tf32, m)?)?;
    Ok(())
}
