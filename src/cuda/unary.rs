//! Launchers of `cuda/unary.cu`: dtype-converting copies, fill and the elementwise one-input ops.
use crate::opdefs::UnaryOp;
use super::compile::{suffix, Family};
use super::launch::{base_ptr, elementwise_cfg, launch, same_device, strides, Operands};
use super::gpu_of;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::with_dtype;
use cudarc::driver::PushKernelArg;

/// Copy `src` (broadcast to `dst`'s shape) into `dst`, converting dtype.
pub fn copy_cast(src: &Tensor, dst: &Tensor) -> Result<()> {
    same_device("copy_", &[src, dst])?;
    let n = dst.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(dst.device())?;
    let name = format!("cast_{}_{}", suffix(src.dtype()), suffix(dst.dtype()));
    let f = gpu.func(Family::Unary, src.dtype(), &name)?;
    let s = strides(Operands { a: Some(src), b: None, c: None, out: dst })?;
    let (pa, po, n64) = (base_ptr(src), base_ptr(dst), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &po)
}

/// Write `value` into every element of the view.
pub fn fill(t: &Tensor, value: Scalar) -> Result<()> {
    let n = t.numel();
    if n == 0 {
        return Ok(());
    }
    let gpu = gpu_of(t.device())?;
    let f = gpu.func(Family::Unary, t.dtype(), &format!("fill_{}", suffix(t.dtype())))?;
    let s = strides(Operands { a: None, b: None, c: None, out: t })?;
    let (po, n64) = (base_ptr(t), n as i64);
    // The value travels as its raw bits in an integer of the element's size.
    let mut bits = 0u64;
    with_dtype!(t.dtype(), T => {
        let v: T = value.to_elem();
        // SAFETY: copies size_of::<T>() <= 8 bytes of a plain value.
        unsafe { std::ptr::copy_nonoverlapping(&v as *const T as *const u8, &mut bits as *mut u64 as *mut u8, std::mem::size_of::<T>()) };
    });
    let cfg = elementwise_cfg(n, &s);
    let (b1, b2, b4) = (bits as u8, bits as u16, bits as u32);
    match t.dtype().size() {
        1 => launch!(gpu, f, cfg; &n64, &s, &po, &b1),
        2 => launch!(gpu, f, cfg; &n64, &s, &po, &b2),
        4 => launch!(gpu, f, cfg; &n64, &s, &po, &b4),
        _ => launch!(gpu, f, cfg; &n64, &s, &po, &bits),
    }
}

/// `out = op(x)` where x already has the kernel's input dtype (its output dtype, except for
/// predicates). Every row of `unary_table!` whose CUDA group covers x's dtype has a kernel.
pub fn unary(op: UnaryOp, x: &Tensor, out: &Tensor) -> Result<()> {
    same_device(op.name(), &[x, out])?;
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let d = x.dtype();
    let [p0, p1, p2] = op.params();
    let gpu = gpu_of(x.device())?;
    let f = gpu.func(Family::Unary, d, &format!("unary_{}_{}", op.id(), suffix(d)))?;
    let s = strides(Operands { a: Some(x), b: None, c: None, out })?;
    let (pa, po, n64) = (base_ptr(x), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &po, &p0, &p1, &p2)
}

/// The functor and kernel instantiations of one row: `Op_<id>` computes the row's expression on
/// the compute type C with the row's parameters (doubles), instantiated for its dtype group.
fn functor(id: &str, params: &[&str], expr: &str, pred: bool, group: &str) -> String {
    let p = |i: usize| params.get(i).copied().unwrap_or("");
    format!(
        "struct Op_{id} {{\n  template <typename C> RT_DEV auto operator()(C x, double {p0}, double {p1}, double {p2}) const {{ return {expr}; }}\n}};\nRT_FOR_{group}({m}, {id})\n",
        p0 = p(0),
        p1 = p(1),
        p2 = p(2),
        m = if pred { "UNARY_PRED" } else { "UNARY_OP" },
    )
}

macro_rules! cuda_unary_source {
    ($( ($V:ident $({ $($p:ident),* })? $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $($grad:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// The generated part of cuda/unary.cu: one functor and one line of kernels per row.
        pub fn generated_source() -> String {
            let mut s = String::from("\n// ---- Generated from unary_table! (src/opdefs/unary.rs): one functor per op. ----\n");
            $( s.push_str(&functor(stringify!($id), &[$($(stringify!($p)),*)?], $cuda, stringify!($kind) == "pred", stringify!($group))); )*
            s
        }
    };
}
crate::unary_table!(cuda_unary_source);
