//! The derivatives of the elementwise two-input ops, generated from `binary_table!`: each row's
//! `da` / `db` closures give the gradient of `op(a, b)` for one operand from the output gradient and
//! what the op saved (before broadcast dims are summed to the operand's shape).
use crate::bail;
use crate::error::Result;
use crate::opdefs::BinaryOp;
use crate::tensor::Tensor;

/// What a two-input op saved for backward; each accessor reports a lost value as an error.
pub struct Saved3<'a> {
    op: BinaryOp,
    a: Option<&'a Tensor>,
    b: Option<&'a Tensor>,
    y: Option<&'a Tensor>,
}

impl<'a> Saved3<'a> {
    fn need(&self, t: Option<&'a Tensor>, what: &str) -> Result<&'a Tensor> {
        t.ok_or_else(|| crate::err!(Runtime, "internal error: {} backward lost its saved {}", self.op.name(), what))
    }
    /// The first operand.
    pub fn a(&self) -> Result<&'a Tensor> {
        self.need(self.a, "first operand")
    }
    /// The second operand.
    pub fn b(&self) -> Result<&'a Tensor> {
        self.need(self.b, "second operand")
    }
    /// The output.
    pub fn y(&self) -> Result<&'a Tensor> {
        self.need(self.y, "output")
    }
}

fn call(f: impl FnOnce(&Tensor, &Saved3) -> Result<Tensor>, g: &Tensor, s: &Saved3) -> Result<Tensor> {
    f(g, s)
}

/// The gradient of a max/min-style selection for operand a (`first`) or b: it goes to the winner,
/// split evenly between ties.
pub fn select_grad(g: &Tensor, s: &Saved3, max: bool, first: bool) -> Result<Tensor> {
    let (a, b) = (s.a()?, s.b()?);
    let win = if max { a.gt(b)? } else { a.lt(b)? };
    let tie = a.eq(b)?;
    let wa = win.to_dtype(g.dtype())?.add(&tie.to_dtype(g.dtype())?.mul_scalar(0.5)?)?;
    g.mul(&if first { wa } else { wa.neg()?.add_scalar(1.0)? })
}

/// d/dx of the regularized incomplete gamma P(a, x): x^(a-1) e^-x / Gamma(a) (igamma, igammac).
pub fn igamma_density(a: &Tensor, x: &Tensor) -> Result<Tensor> {
    a.sub_scalar(1.0)?.mul(&x.log()?)?.sub(x)?.sub(&a.lgamma()?)?.exp()
}

macro_rules! binary_grad_arm {
    ($op:ident, $first:ident, $g:ident, $s:ident;) => { bail!(Runtime, "{} is not differentiable", $op.name()) };
    ($op:ident, $first:ident, $g:ident, $s:ident; $da:expr, $db:expr) => {
        if $first { call($da, $g, &$s) } else { call($db, $g, &$s) }
    };
}

macro_rules! binary_derivatives {
    ($( ($V:ident $id:ident $display:literal $kind:ident
         cpu { $($cpu:tt)* } int { $($int:tt)* } cuda($group:ident) $cuda:literal
         grad $gk:tt $(da $da:expr; db $db:expr)?;
         names [$(($py:ident $pyi:tt))*] function $func:ident
         $doc:literal) )*) => {
        /// The gradient of `op(a, b)` for operand a (`first`) or b, given what the op saved. One
        /// side at a time, so an operand that needs no gradient costs nothing.
        pub fn grad(op: BinaryOp, first: bool, g: &Tensor, a: Option<&Tensor>, b: Option<&Tensor>, y: Option<&Tensor>) -> Result<Tensor> {
            let s = Saved3 { op, a, b, y };
            match op {
                $( BinaryOp::$V => binary_grad_arm!(op, first, g, s; $($da, $db)?), )*
            }
        }
    };
}
crate::binary_table!(binary_derivatives);
