//! `AttentionDims`: the sizes of a fused attention call.

/// Sizes of a call: `bh` (batch x heads) problems of L queries and S keys, head dims E and Ev.
#[derive(Clone, Copy)]
pub struct AttentionDims {
    pub bh: usize,
    pub l: usize,
    pub s: usize,
    pub e: usize,
    pub ev: usize,
    pub scale: f64,
}
