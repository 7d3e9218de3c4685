//! Tensors made from nothing: arange, linspace, logspace, eye.
use crate::device::Device;
use crate::dtype::{DType, Element};
use crate::scalar::Scalar;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, with_dtype};

pub fn arange(start: f64, end: f64, step: f64, dtype: DType) -> Result<Tensor> {
    if step == 0.0 {
        bail!(Runtime, "step must be nonzero");
    }
    if !start.is_finite() || !end.is_finite() {
        bail!(Runtime, "unsupported range: {} -> {}", start, end);
    }
    if (step > 0.0 && end < start) || (step < 0.0 && end > start) {
        bail!(Runtime, "upper bound and larger bound inconsistent with step sign");
    }
    let n = ((end - start) / step).ceil().max(0.0);
    if n >= i64::MAX as f64 {
        bail!(Runtime, "invalid size, possible overflow?");
    }
    let n = n as usize;
    let is_float = dtype.is_float() || dtype.is_complex();
    fill_new(n, dtype, |i| start + i as f64 * step, !is_float)
}

/// A new 1-D tensor of `n` elements of `dtype` with element i = `value(i)` (truncated to an
/// integer first when `trunc`), written in place: the tensor is allocated (fallibly) before any
/// value is computed, and no intermediate buffer is needed.
fn fill_new(n: usize, dtype: DType, value: impl Fn(usize) -> f64, trunc: bool) -> Result<Tensor> {
    let t = Tensor::alloc(&[n], dtype, Device::Cpu, false)?;
    with_dtype!(dtype, T => {
        let p = unsafe { t.data_ptr::<T>() };
        for i in 0..n {
            let v = value(i);
            let e = if trunc { T::from_i64(v as i64) } else { T::from_f64(v) };
            // SAFETY: t is a fresh contiguous tensor of n elements of T.
            unsafe { *p.add(i) = e };
        }
    });
    Ok(t)
}

/// Element i of `linspace(start, end, steps)`: symmetric from both ends, like PyTorch, so that
/// the first value is exactly `start` and the last exactly `end`.
fn linspace_at(start: f64, end: f64, steps: usize, i: usize) -> f64 {
    if steps == 1 {
        return start;
    }
    let step = (end - start) / (steps - 1) as f64;
    if i < steps / 2 { start + step * i as f64 } else { end - step * (steps - 1 - i) as f64 }
}

pub fn linspace(start: f64, end: f64, steps: usize, dtype: DType) -> Result<Tensor> {
    check_ends(start, end, dtype)?;
    // An integer dtype takes the ends as it stores them (truncated), as PyTorch: linspace(0.5, 100.7, 4)
    // in int8 is 0, 33, 66, 100.
    let real = dtype.is_float() || dtype.is_complex();
    let (start, end) = if real { (start, end) } else { (start.trunc(), end.trunc()) };
    fill_new(steps, dtype, |i| linspace_at(start, end, steps, i), !real)
}

pub fn logspace(start: f64, end: f64, steps: usize, base: f64, dtype: DType) -> Result<Tensor> {
    check_ends(start, end, dtype)?;
    fill_new(steps, dtype, |i| base.powf(linspace_at(start, end, steps, i)), false)
}

/// PyTorch stores linspace/logspace's `start` and `end` in the result dtype first: an integer dtype
/// refuses ends that do not fit it ("value cannot be converted to type int8_t without overflow").
fn check_ends(start: f64, end: f64, dtype: DType) -> Result<()> {
    if !dtype.is_float() && !dtype.is_complex() {
        crate::scalar::Scalar::Float(start).check_fits(dtype)?;
        crate::scalar::Scalar::Float(end).check_fits(dtype)?;
    }
    Ok(())
}

pub fn eye(n: usize, m: usize, dtype: DType) -> Result<Tensor> {
    let t = Tensor::zeros(&[n, m], dtype, crate::device::Device::Cpu)?;
    with_dtype!(dtype, T => {
        let p = unsafe { t.data_ptr::<T>() };
        for i in 0..n.min(m) {
            // SAFETY: inside the n x m buffer.
            unsafe { *p.add(i * m + i) = T::elem_one() };
        }
    });
    Ok(t)
}

impl Tensor {
    /// A tensor of `shape` filled with `value`.
    pub fn full(shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
        let t = Tensor::alloc(shape, dtype, device, false)?;
        crate::backend::fill(&t, value)?;
        Ok(t)
    }

    pub fn scalar(value: Scalar, dtype: DType) -> Result<Tensor> {
        Tensor::full(&[], value, dtype, Device::Cpu)
    }
}
