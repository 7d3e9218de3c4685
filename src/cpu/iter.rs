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

/// A 2-D block of an iteration space: operand k's element (r, c), r < `rows`, c < `cols`, is at
/// element offset `off[k] + r * rs[k] + c * cs[k]`. The columns run along the last operand's
/// (the output's) fastest dim.
#[derive(Clone, Copy, Debug)]
pub struct Block<const N: usize> {
    pub off: [isize; N],
    pub rows: usize,
    pub cols: usize,
    pub rs: [isize; N],
    pub cs: [isize; N],
}

/// How `for_each_block` walks a shape: the dims reordered so the last operand's strides fall
/// from outer to inner (TensorIterator's order: `y.t().copy_(x)` walks `y` in memory order),
/// coalesced, then the dim where the first operand with a non-unit inner stride is contiguous
/// moved next to the inner dim (so a transposed input is read as square tiles, not columns).
pub struct Plan<const N: usize> {
    sizes: Dims,
    st: [crate::layout::Strides; N],
}

impl<const N: usize> Plan<N> {
    pub fn new(shape: &[usize], strides: [&[isize]; N]) -> Self {
        // Dims ordered by the output's |stride|, outermost first (stable: ties keep their order).
        let mut order: Dims = (0..shape.len()).filter(|&d| shape[d] != 1).collect();
        let key = |d: usize| strides[N - 1][d].unsigned_abs();
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && key(order[j - 1]) < key(order[j]) {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
        let sh: Dims = order.iter().map(|&d| shape[d]).collect();
        let st: [crate::layout::Strides; N] = std::array::from_fn(|k| order.iter().map(|&d| strides[k][d]).collect());
        let (mut sizes, mut st) = coalesce(&sh, std::array::from_fn(|k| &st[k][..]));
        let nd = sizes.len();
        if nd >= 3 {
            // The first operand read across its layout: bring its most contiguous dim next to the inner one.
            if let Some(k) = (0..N).find(|&k| !matches!(st[k][nd - 1], 0 | 1)) {
                let best = (0..nd - 1).filter(|&d| st[k][d] != 0).min_by_key(|&d| st[k][d].unsigned_abs());
                if let Some(d) = best {
                    if d != nd - 2 {
                        let size = sizes.remove(d);
                        sizes.insert(nd - 2, size);
                        for s in st.iter_mut() {
                            let v = s.remove(d);
                            s.insert(nd - 2, v);
                        }
                    }
                }
            }
        }
        Plan { sizes, st }
    }

    /// Each operand's stride along the inner (column) dim.
    pub fn inner_strides(&self) -> [isize; N] {
        std::array::from_fn(|k| *self.st[k].last().unwrap())
    }

    /// Each operand's stride along the row dim (0 when the plan has one dim).
    pub fn row_strides(&self) -> [isize; N] {
        let nd = self.sizes.len();
        std::array::from_fn(|k| if nd >= 2 { self.st[k][nd - 2] } else { 0 })
    }

    /// Call `f` for blocks of at most `tile_rows` x `tile_cols` covering the space (`tile_cols`
    /// 0: whole rows, split only when there are too few rows to share among the threads).
    /// Parallel over blocks above the grain size.
    pub fn for_each_block<F: Fn(Block<N>) + Sync>(&self, tile_rows: usize, tile_cols: usize, f: F) {
        let nd = self.sizes.len();
        let numel: usize = self.sizes.iter().product();
        if numel == 0 {
            return;
        }
        let cols = self.sizes[nd - 1];
        let rows = if nd >= 2 { self.sizes[nd - 2] } else { 1 };
        let outer_dims = nd.saturating_sub(2);
        let outer: usize = self.sizes[..outer_dims].iter().product();
        let threads = super::threads::num_threads();
        let parallel = numel >= GRAIN && threads > 1;
        let tc = if tile_cols > 0 {
            tile_cols.min(cols)
        } else if parallel && outer * rows < threads * 4 && cols >= 2 * GRAIN {
            cols.div_ceil((cols / GRAIN).clamp(1, threads * 4))
        } else {
            cols
        };
        let tr = if tile_rows > 0 {
            tile_rows.min(rows)
        } else if parallel && rows >= 2 && outer < threads * 4 && tc == cols {
            // Whole rows: cut the rows into bands so the pool gets ~4 jobs a thread (one block of
            // every row of a 2-D space, e.g. `x + y` with `y` a broadcast row, ran on one thread).
            let bands = chunks_for(outer * rows, numel).div_ceil(outer).max(1);
            rows.div_ceil(bands)
        } else {
            rows
        };
        let (rb, cb) = (rows.div_ceil(tr), cols.div_ceil(tc));
        let jobs = outer * rb * cb;
        let rs = self.row_strides();
        let cs = self.inner_strides();
        let block = |j: usize| {
            let (c_i, rest) = (j % cb, j / cb);
            let (r_i, mut o) = (rest % rb, rest / rb);
            let mut off = [0isize; N];
            for d in (0..outer_dims).rev() {
                let i = (o % self.sizes[d]) as isize;
                o /= self.sizes[d];
                for k in 0..N {
                    off[k] += i * self.st[k][d];
                }
            }
            let (r0, c0) = (r_i * tr, c_i * tc);
            for k in 0..N {
                off[k] += r0 as isize * rs[k] + c0 as isize * cs[k];
            }
            f(Block { off, rows: tr.min(rows - r0), cols: tc.min(cols - c0), rs, cs })
        };
        if !parallel || jobs == 1 {
            (0..jobs).for_each(block);
        } else {
            super::threads::parallel_for(jobs, chunks_for(jobs, numel), block);
        }
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
    fn blocks_cover_every_element_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // (shape, input strides, output strides) incl. transposed, permuted, stepped, negative and broadcast.
        let cases: Vec<(Vec<usize>, Vec<isize>, Vec<isize>)> = vec![
            (vec![300, 70], vec![1, 300], vec![70, 1]),
            (vec![5, 40, 33], vec![1, 165, 5], vec![1320, 33, 1]),
            (vec![7, 9, 130], vec![2340, 260, 2], vec![1170, 130, 1]),
            (vec![64, 65], vec![-65, -1], vec![65, 1]),
            (vec![64, 65], vec![0, 1], vec![1, 64]),
            (vec![3, 1, 100000], vec![100000, 7, 1], vec![1, 1, 3]),
            (vec![200000], vec![3], vec![1]),
            // Whole-row blocks cut into bands (a broadcast row; rows of a 3-D space, few outer).
            (vec![2048, 64], vec![0, 1], vec![64, 1]),
            (vec![3, 4099, 17], vec![0, 0, 1], vec![69683, 17, 1]),
        ];
        let prev = crate::cpu::threads::num_threads();
        for threads in [1, 2] {
            crate::cpu::threads::set_num_threads(threads).unwrap();
            for (shape, si, so) in &cases {
                let n: usize = shape.iter().product();
                // The input offset each output offset must be paired with.
                let mut want = std::collections::HashMap::new();
                for lin in 0..n {
                    let (mut rem, mut oi, mut oo) = (lin, 0isize, 0isize);
                    for d in (0..shape.len()).rev() {
                        let i = (rem % shape[d]) as isize;
                        rem /= shape[d];
                        oi += i * si[d];
                        oo += i * so[d];
                    }
                    want.insert(oo, oi);
                }
                let hits: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
                let plan = Plan::new(shape, [si, so]);
                for (tr, tc) in [(0, 0), (64, 64), (7, 5)] {
                    hits.iter().for_each(|h| h.store(0, Ordering::Relaxed));
                    plan.for_each_block(tr, tc, |b| {
                        for r in 0..b.rows {
                            for c in 0..b.cols {
                                let o = b.off[1] + r as isize * b.rs[1] + c as isize * b.cs[1];
                                let i = b.off[0] + r as isize * b.rs[0] + c as isize * b.cs[0];
                                assert_eq!(want[&o], i, "{shape:?} {si:?} {so:?}");
                                hits[o as usize].fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    });
                    assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1), "{shape:?} {si:?} {so:?} tile {tr}x{tc}");
                }
            }
        }
        crate::cpu::threads::set_num_threads(prev).unwrap();
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
