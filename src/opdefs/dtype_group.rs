//! The dtype groups an elementwise row declares (`cuda(GROUP)` in the op tables): the dtypes its
//! kernels run in on every device. The op layer rejects the others before any kernel is chosen,
//! so the CPU and CUDA accept exactly the same dtypes, and the CUDA side instantiates exactly
//! these (`RT_FOR_<GROUP>` in cuda/common.cuh).
use crate::bail;
use crate::dtype::DType;
use crate::error::Result;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DtypeGroup {
    /// Floating point: float16, bfloat16, float32, float64.
    F,
    /// Integers: uint8, int8, int16, int32, int64.
    I,
    /// Real floats and integers (not bool, not complex).
    NUM,
    /// Integers and bool.
    INTB,
    /// Every real dtype (not complex).
    ALL,
    /// Floats and complex.
    FC,
    /// Floats, integers and complex (not bool).
    NUMC,
    /// Every dtype, complex included.
    ALLC,
}

impl DtypeGroup {
    pub fn contains(self, d: DType) -> bool {
        match self {
            DtypeGroup::F => d.is_float(),
            DtypeGroup::I => d.is_int(),
            // The groups without C never contain complex: a row declares complex support explicitly.
            DtypeGroup::NUM => d != DType::Bool && !d.is_complex(),
            DtypeGroup::INTB => d.is_int() || d == DType::Bool,
            DtypeGroup::ALL => !d.is_complex(),
            DtypeGroup::FC => d.is_float() || d.is_complex(),
            DtypeGroup::NUMC => d != DType::Bool,
            DtypeGroup::ALLC => true,
        }
    }

    /// Ok when the kernel dtype `d` is in the group, else PyTorch's error for a dtype a kernel
    /// is not implemented for (`"abs" not implemented for 'Bool'`).
    pub fn check(self, op: &str, d: DType) -> Result<()> {
        if !self.contains(d) {
            bail!(NotImplemented, "\"{}\" not implemented for '{}'", op, d.legacy_name());
        }
        Ok(())
    }
}
