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
    if n > (1u64 << 48) as f64 {
        bail!(Alloc, "arange: {} elements is too many", n);
    }
    let n = n as usize;
    with_dtype!(dtype, T => {
        let v: Vec<T> = if dtype.is_float() {
            (0..n).map(|i| T::from_f64(start + i as f64 * step)).collect()
        } else {
            (0..n).map(|i| T::from_i64((start + i as f64 * step) as i64)).collect()
        };
        Tensor::from_vec(v, &[n])
    })
}

pub fn linspace(start: f64, end: f64, steps: usize, dtype: DType) -> Result<Tensor> {
    let step = if steps > 1 { (end - start) / (steps - 1) as f64 } else { 0.0 };
    // Symmetric from both ends, like PyTorch, so the last value is exactly `end`.
    let half = steps / 2;
    let v: Vec<f64> = (0..steps)
        .map(|i| if i < half { start + step * i as f64 } else { end - step * (steps - 1 - i) as f64 })
        .collect();
    with_dtype!(dtype, T => Tensor::from_vec(v.into_iter().map(|x| if dtype.is_float() { T::from_f64(x) } else { T::from_i64(x as i64) }).collect::<Vec<T>>(), &[steps]))
}

pub fn logspace(start: f64, end: f64, steps: usize, base: f64, dtype: DType) -> Result<Tensor> {
    let l = linspace(start, end, steps, DType::F64)?.to_vec::<f64>()?;
    with_dtype!(dtype, T => Tensor::from_vec(l.into_iter().map(|x| T::from_f64(base.powf(x))).collect::<Vec<T>>(), &[steps]))
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
