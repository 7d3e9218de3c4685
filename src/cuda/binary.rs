//! Launchers of `cuda/binary.cu`: the elementwise two-input ops and `where`.
use crate::opdefs::BinaryOp;
use super::compile::{suffix, Family};
use super::launch::{base_ptr, elementwise_cfg, launch, same_device, strides, Operands};
use super::gpu_of;
use crate::error::Result;
use crate::tensor::Tensor;
use cudarc::driver::PushKernelArg;

/// `out = op(a, b)` with a, b in the compute dtype, broadcast to out's shape.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    same_device(op.name(), &[a, b, out])?;
    let name = op.id();
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let d = a.dtype();
    let gpu = gpu_of(out.device())?;
    let f = gpu.func(Family::Binary, d, &format!("binary_{}_{}", name, suffix(d)))?;
    let s = strides(Operands { a: Some(a), b: Some(b), c: None, out })?;
    let (pa, pb, po, n64) = (base_ptr(a), base_ptr(b), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pa, &pb, &po)
}

/// `out = cond ? a : b` (all broadcast to out's shape; cond is bool).
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    same_device("where", &[cond, a, b, out])?;
    let n = out.numel();
    if n == 0 {
        return Ok(());
    }
    let d = out.dtype();
    let gpu = gpu_of(out.device())?;
    let f = gpu.func(Family::Binary, d, &format!("ternary_where_{}", suffix(d)))?;
    let s = strides(Operands { a: Some(a), b: Some(b), c: Some(cond), out })?;
    let (pc, pa, pb, po, n64) = (base_ptr(cond), base_ptr(a), base_ptr(b), base_ptr(out), n as i64);
    launch!(gpu, f, elementwise_cfg(n, &s); &n64, &s, &pc, &pa, &pb, &po)
}

/// The functor and kernel instantiations of one row: `Op_<id>` computes the row's expression on
/// the compute type C, instantiated for its dtype group.
fn functor(id: &str, expr: &str, cmp: bool, group: &str) -> String {
    format!(
        "struct Op_{id} {{\n  template <typename C> RT_DEV auto operator()(C a, C b) const {{ return {expr}; }}\n}};\nRT_FOR_{group}({m}, {id})\n",
        m = if cmp { "BINARY_PRED" } else { "BINARY_OP" },
    )
}

macro_rules! cuda_binary_source {
    ($( ($V:ident $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $(da $da:expr; db $db:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// The generated part of cuda/binary.cu: one functor and one line of kernels per row.
        pub fn generated_source() -> String {
            let mut s = String::from("\n// ---- Generated from binary_table! (src/opdefs/binary.rs): one functor per op. ----\n");
            $( s.push_str(&functor(stringify!($id), $cuda, stringify!($kind) == "cmp", stringify!($group))); )*
            s
        }
    };
}
crate::binary_table!(cuda_binary_source);
