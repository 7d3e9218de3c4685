//! The PyO3 module `rtorch._rtorch`: registers the classes and functions. Bindings only; all
//! behaviour lives in the engine.
mod alias;
mod autograd;
mod binary;
mod convert;
mod cuda;
mod declarations;
pub(crate) mod dist_autograd;
mod dlpack;
mod errors;
mod functions;
mod guard;
mod fft;
mod linalg;
mod nccl;
mod nn;
mod pool;
mod optim;
mod ordering;
mod out;
mod shm;
mod special;
mod tensor;
mod unary;

use pyo3::prelude::*;

#[pymodule]
fn _rtorch(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<tensor::PyTensor>()?;
    m.add_class::<convert::PyDType>()?;
    m.add_class::<convert::PyDevice>()?;
    m.add_class::<functions::PyGenerator>()?;
    m.add_class::<autograd::PyNode>()?;
    for d in crate::dtype::ALL_DTYPES {
        m.add(d.name(), convert::dtype_obj(py, d))?;
    }
    use functions::*;
    m.add_function(wrap_pyfunction!(zeros, m)?)?;
    m.add_function(wrap_pyfunction!(ones, m)?)?;
    m.add_function(wrap_pyfunction!(empty, m)?)?;
    m.add_function(wrap_pyfunction!(full, m)?)?;
    m.add_function(wrap_pyfunction!(arange, m)?)?;
    m.add_function(wrap_pyfunction!(linspace, m)?)?;
    m.add_function(wrap_pyfunction!(logspace, m)?)?;
    m.add_function(wrap_pyfunction!(eye, m)?)?;
    m.add_function(wrap_pyfunction!(rand, m)?)?;
    m.add_function(wrap_pyfunction!(randn, m)?)?;
    m.add_function(wrap_pyfunction!(randint, m)?)?;
    m.add_function(wrap_pyfunction!(randperm, m)?)?;
    m.add_function(wrap_pyfunction!(bernoulli, m)?)?;
    m.add_function(wrap_pyfunction!(multinomial, m)?)?;
    m.add_function(wrap_pyfunction!(manual_seed, m)?)?;
    m.add_function(wrap_pyfunction!(initial_seed, m)?)?;
    m.add_function(wrap_pyfunction!(_default_rng_state, m)?)?;
    m.add_function(wrap_pyfunction!(_set_default_rng_state, m)?)?;
    m.add_function(wrap_pyfunction!(cat, m)?)?;
    m.add_function(wrap_pyfunction!(stack, m)?)?;
    m.add_function(wrap_pyfunction!(r#where, m)?)?;
    m.add_function(wrap_pyfunction!(promote_types, m)?)?;
    m.add_function(wrap_pyfunction!(result_type, m)?)?;
    m.add_function(wrap_pyfunction!(set_default_dtype, m)?)?;
    m.add_function(wrap_pyfunction!(get_default_dtype, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(set_flush_denormal, m)?)?;
    m.add_function(wrap_pyfunction!(_empty_cpu_cache, m)?)?;
    m.add_function(wrap_pyfunction!(_cpu_cache_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(_from_buffer, m)?)?;
    m.add_function(wrap_pyfunction!(_set_default_device, m)?)?;
    m.add_function(wrap_pyfunction!(_get_default_device, m)?)?;
    m.add_function(wrap_pyfunction!(dlpack::from_dlpack, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::is_grad_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::_set_grad_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::is_inference_mode_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::_set_inference_mode, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::is_anomaly_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::is_anomaly_check_nan_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::set_anomaly_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::grad, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::_record_function, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::_graph_seq, m)?)?;
    m.add_function(wrap_pyfunction!(autograd::_name_grad_fn, m)?)?;
    m.add_function(wrap_pyfunction!(tensor::complex::complex, m)?)?;
    m.add_function(wrap_pyfunction!(tensor::complex::polar, m)?)?;
    nn::register(m)?;
    pool::register(m)?;
    ordering::register(m)?;
    cuda::register(m)?;
    optim::register(m)?;
    shm::register(m)?;
    unary::register(m)?;
    binary::register(m)?;
    declarations::register(m)?;
    nccl::register(m)?;
    dist_autograd::register(m)?;
    alias::register(m)?;
    guard::register(m)?;
    fft::register(m)?;
    linalg::register(m)?;
    special::register(m)?;
    // `from rtorch._rtorch import *` brings exactly the op functions the declaration tables
    // generate. Set last: pyo3's `add` appends every later name to an existing `__all__`.
    let generated: Vec<&str> = unary::DECLARATIONS.iter().chain(binary::DECLARATIONS).filter(|d| d.function).flat_map(|d| d.names.iter().map(|n| n.0)).collect();
    m.setattr("__all__", generated)?;
    Ok(())
}
