//! Strided iteration for N operands of one shape: coalesce dims (TensorIterator-style), then hand
//! the innermost run to a kernel as (start offsets, length, inner strides). Parallel over outer runs.
use crate::layout::{zeros, Dims};

/// Elements below which work stays on the calling thread (threads cost more than they save).
pub const GRAIN: usize = 1 << 15;

/// How many pool chunks to cut `items` into when they hold `work` elements' worth of work in
/// all: about GRAIN each, at most four per thread (more only makes the threads contend for the
/// chunk counter), at most one per item.
pub fn chunks_for(items: usize, work: usize) -> usize {
    (work / GRAIN).clamp(1, super::threads::num_threads() * 4).min(items.max(1))
}

pub use crate::layout::coalesce;


/// Whether a view of `shape` with `strides` is row-major contiguous (size-1 dims ignored).
#[inline]
fn dense(shape: &[usize], strides: &[isize]) -> bool {
    let mut expect = 1isize;
    for (&n, &s) in shape.iter().zip(strides).rev() {
        if n != 1 {
            if s != expect {
                return false;
            }
            expect *= n as isize;
        }
    }
    true
}

/// Call `f(offsets, len, inner_strides)` for every innermost run of the iteration space.
/// Offsets are in elements, relative to each operand's element 0.
pub fn for_each_run<const N: usize, F>(shape: &[usize], strides: [&[isize]; N], f: F)
where
    F: Fn([isize; N], usize, [isize; N]) + Sync,
{
    let numel: usize = shape.iter().product();
    if numel == 0 {
        return;
    }
    if numel < GRAIN && strides.iter().all(|s| dense(shape, s)) {
        // Small and dense (the common case): one run, no coalescing or odometer.
        return f([0; N], numel, [1; N]);
    }
    let (sizes, st) = coalesce(shape, strides);
    let nd = sizes.len();
    let inner = sizes[nd - 1];
    let inner_st: [isize; N] = std::array::from_fn(|k| st[k][nd - 1]);
    let outer: usize = sizes[..nd - 1].iter().product();
    let run_range = |lo: usize, hi: usize| {
        // Odometer over the outer dims starting at linear index `lo`.
        let mut idx: Dims = zeros(nd - 1);
        let mut rem = lo;
        for d in (0..nd - 1).rev() {
            idx[d] = rem % sizes[d];
            rem /= sizes[d];
        }
        let mut off: [isize; N] =
            std::array::from_fn(|k| (0..nd - 1).map(|d| idx[d] as isize * st[k][d]).sum());
        for _ in lo..hi {
            f(off, inner, inner_st);
            for d in (0..nd - 1).rev() {
                idx[d] += 1;
                for k in 0..N {
                    off[k] += st[k][d];
                }
                if idx[d] < sizes[d] {
                    break;
                }
                for k in 0..N {
                    off[k] -= st[k][d] * sizes[d] as isize;
                }
                idx[d] = 0;
            }
        }
    };
    let threads = super::threads::num_threads();
    if numel < GRAIN || threads == 1 {
        run_range(0, outer);
    } else if outer >= threads * 4 || inner < GRAIN {
        let chunks = chunks_for(outer, numel);
        super::threads::parallel_for(chunks, chunks, |c| run_range(c * outer / chunks, (c + 1) * outer / chunks));
    } else {
        // Few long runs: split each run into pieces.
        let pieces = (inner / GRAIN).clamp(1, threads * 4);
        super::threads::parallel_for(outer * pieces, outer * pieces, |job| {
            let (o, p) = (job / pieces, job % pieces);
            let mut rem = o;
            let mut off = [0isize; N];
            for d in (0..nd - 1).rev() {
                let i = rem % sizes[d];
                rem /= sizes[d];
                for k in 0..N {
                    off[k] += i as isize * st[k][d];
                }
            }
            let (lo, hi) = (p * inner / pieces, (p + 1) * inner / pieces);
            let o2: [isize; N] = std::array::from_fn(|k| off[k] + lo as isize * inner_st[k]);
            f(o2, hi - lo, inner_st);
        });
    }
}

/// A raw pointer that may cross threads; kernels guarantee disjoint writes.
pub struct SendPtr<T>(pub *mut T);
// Manual impls: derive would demand `T: Copy`.
impl<T> Clone for SendPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for SendPtr<T> {}
// SAFETY: used only to move base pointers into pool jobs that write disjoint elements.
unsafe impl<T> Send for SendPtr<T> {}
unsafe impl<T> Sync for SendPtr<T> {}
impl<T> SendPtr<T> {
    /// Taking `self` by value makes closures capture the whole (Send) wrapper, not the raw field.
    #[inline(always)]
    pub fn get(self) -> *mut T {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn coalesces_contiguous_and_keeps_transposed() {
        let (s, st) = coalesce(&[2, 3, 4], [&[12, 4, 1], &[12, 4, 1]]);
        assert_eq!(s.as_slice(), &[24]);
        assert_eq!(st[0].as_slice(), &[1]);
        let (s, _) = coalesce(&[2, 3], [&[1, 2], &[3, 1]]);
        assert_eq!(s.as_slice(), &[2, 3]);
    }
    #[test]
    fn visits_every_element_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let shape = [3usize, 70000];
        let hits: Vec<AtomicUsize> = (0..3 * 70000).map(|_| AtomicUsize::new(0)).collect();
        for_each_run(&shape, [&[1isize, 3]], |[o], n, [s]| {
            for i in 0..n {
                hits[(o + i as isize * s) as usize].fetch_add(1, Ordering::Relaxed);
            }
        });
        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
    }
}
