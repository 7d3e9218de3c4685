//! Complex-specific tensor ops: `view_as_real` / `view_as_complex`, `real` / `imag` (views), `conj`,
//! `complex(real, imag)` and `polar(abs, angle)`.
//!
//! The views reinterpret the same storage with the other dtype: a complex element at offset `o` with
//! stride `s` is the real pair at offset `2o`, strides `2s` and a last dim of size 2, stride 1.
use crate::bail;
use crate::backend;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::Layout;
use crate::tape::{record1, Backward};
use crate::tensor::Tensor;

impl Tensor {
    /// `torch.view_as_real`: the complex tensor as a real one with a trailing dim of size 2 (real,
    /// imaginary), sharing storage.
    pub fn view_as_real(&self) -> Result<Tensor> {
        if !self.dtype().is_complex() {
            bail!(DType, "view_as_real is only supported for complex tensors");
        }
        let l = self.layout();
        let mut shape: Vec<usize> = l.shape.to_vec();
        shape.push(2);
        let mut strides: Vec<isize> = l.strides.iter().map(|s| s * 2).collect();
        strides.push(1);
        let layout = Layout { shape: shape.as_slice().into(), strides: strides.as_slice().into(), offset: l.offset * 2 };
        let out = Tensor::from_parts(self.storage().clone(), layout, self.dtype().to_real());
        record1(&out, &[self], || Backward::ViewAsReal);
        Ok(out)
    }

    /// `torch.view_as_complex`: a float32/float64 tensor whose last dim has size 2 and stride 1 (and
    /// even other strides and offset) as a complex tensor on the same storage.
    pub fn view_as_complex(&self) -> Result<Tensor> {
        let d = self.dtype();
        let c = match d {
            DType::F32 => DType::C64,
            DType::F64 => DType::C128,
            DType::F16 => bail!(NotImplemented, "view_as_complex: rtorch has no complex32, so a Half tensor cannot be viewed as complex"),
            _ => bail!(
                NotImplemented,
                "view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar type: {}",
                d.legacy_name()
            ),
        };
        let l = self.layout();
        let n = l.shape.len();
        if n == 0 {
            bail!(Runtime, "Input tensor must have one or more dimensions");
        }
        if l.shape[n - 1] != 2 {
            bail!(Runtime, "Tensor must have a last dimension of size 2");
        }
        if l.strides[n - 1] != 1 {
            bail!(Runtime, "Tensor must have a last dimension with stride 1");
        }
        if l.strides[..n - 1].iter().zip(&l.shape[..n - 1]).any(|(s, &k)| s % 2 != 0 && k > 1) {
            bail!(Runtime, "Tensor must have a stride divisible by 2 for all but last dimension");
        }
        if l.offset % 2 != 0 {
            bail!(Runtime, "Tensor must have a storage_offset divisible by 2");
        }
        let strides: Vec<isize> = l.strides[..n - 1].iter().map(|s| s / 2).collect();
        let layout = Layout { shape: l.shape[..n - 1].into(), strides: strides.as_slice().into(), offset: l.offset / 2 };
        let out = Tensor::from_parts(self.storage().clone(), layout, c);
        record1(&out, &[self], || Backward::ViewAsComplex);
        Ok(out)
    }

    /// `Tensor.real`: for a complex tensor, a real view of the real parts; a real tensor itself.
    pub fn real_part(&self) -> Result<Tensor> {
        if !self.dtype().is_complex() {
            return Ok(self.clone());
        }
        self.part(0)
    }

    /// `Tensor.imag`: a real view of the imaginary parts (complex tensors only, as in PyTorch).
    pub fn imag_part(&self) -> Result<Tensor> {
        if !self.dtype().is_complex() {
            bail!(DType, "imag is not implemented for tensors with non-complex dtypes.");
        }
        self.part(1)
    }

    /// Part `k` (0 real, 1 imaginary) of every element, as a view (`view_as_real(x)[..., k]`, recorded as
    /// those two views).
    fn part(&self, k: usize) -> Result<Tensor> {
        self.view_as_real()?.select(-1, k as i64)
    }

    /// `conj()` / `conj_physical()`: a new tensor with the imaginary parts negated (real tensors: self).
    /// rtorch has no conjugate bit: the copy is eager.
    pub fn conj_copy(&self) -> Result<Tensor> {
        if !self.dtype().is_complex() {
            return Ok(self.clone());
        }
        backend::dtypes::complex_on_cuda("conj", self)?;
        let out = Tensor::alloc(self.shape(), self.dtype(), self.device(), false)?;
        backend::copy_cast(self, &out)?;
        let im = out.detach().imag_part()?;
        backend::unary(crate::opdefs::UnaryOp::Neg, &im, &im)?;
        record1(&out, &[self], || Backward::Conj);
        Ok(out)
    }
}

/// `torch.complex(real, imag)`: a complex tensor from two float tensors of the same dtype (broadcast).
pub fn complex(re: &Tensor, im: &Tensor) -> Result<Tensor> {
    let (a, b) = (re.dtype(), im.dtype());
    if a != b {
        bail!(Runtime, "Expected object of scalar type {} but got scalar type {} for second argument", a.legacy_name(), b.legacy_name());
    }
    let c = match a {
        DType::F32 => DType::C64,
        DType::F64 => DType::C128,
        DType::F16 => bail!(NotImplemented, "\"complex\" not implemented for 'Half': rtorch has no complex32"),
        _ => bail!(
            NotImplemented,
            "Expected both inputs to be Half, Float or Double tensors but got {} and {}",
            a.legacy_name(),
            b.legacy_name()
        ),
    };
    if re.device() != im.device() {
        bail!(Runtime, "Expected all tensors to be on the same device, but found at least two devices, {} and {}!", re.device(), im.device());
    }
    let shape = crate::layout::broadcast_shapes(re.shape(), im.shape())?;
    let out = Tensor::alloc(&shape, c, re.device(), false)?;
    let parts = out.detach();
    backend::copy_cast(&re.detach().expand(&shape)?, &parts.real_part()?)?;
    backend::copy_cast(&im.detach().expand(&shape)?, &parts.imag_part()?)?;
    // The gradient of each part is that of the result's part, summed back to the part's own shape.
    let (re_e, im_e) = (re.expand(&shape)?, im.expand(&shape)?);
    record1(&out, &[&re_e, &im_e], || Backward::ComplexOf);
    Ok(out)
}

/// `torch.polar(abs, angle)`: `abs * (cos(angle) + i sin(angle))`.
pub fn polar(abs: &Tensor, angle: &Tensor) -> Result<Tensor> {
    if abs.dtype() != angle.dtype() {
        bail!(Runtime, "Expected object of scalar type {} but got scalar type {} for second argument", abs.dtype().legacy_name(), angle.dtype().legacy_name());
    }
    if !matches!(abs.dtype(), DType::F32 | DType::F64) {
        bail!(NotImplemented, "Expected both inputs to be Half, Float or Double tensors but got {} and {}", abs.dtype().legacy_name(), angle.dtype().legacy_name());
    }
    complex(&abs.mul(&angle.cos()?)?, &abs.mul(&angle.sin()?)?)
}
