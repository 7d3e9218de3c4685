//! CPU kernels: the generic strided map loops every elementwise op runs through, with a run-time
//! AVX2 path for unit-stride runs (strided operands are staged through contiguous tiles first),
//! plus fill and dtype-converting copy.
pub mod actgrad;
pub mod attention;
pub mod binary;
pub mod cast;
pub mod denormal;
pub mod complex;
pub mod conv;
pub mod fmath;
pub mod fmod;
pub mod fpoly;
pub mod fspecial;
pub mod index;
pub mod inplace;
pub mod iter;
pub mod fft;
pub mod linalg;
pub mod linalg_ports;
pub mod lu_small;
pub mod loss;
pub mod matmul;
pub mod masked;
pub mod math;
pub mod norm;
pub mod optim;
pub mod pool;
pub mod reduce;
mod reduce_ext;
pub mod resample;
pub mod taps;
pub mod random;
pub mod softmax;
pub mod sort;
pub mod special;
pub mod threads;
mod transpose;
pub mod unary;
pub mod wide;

use crate::dtype::Element;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;
use crate::with_dtype;
use iter::{for_each_run, Plan, SendPtr};

/// The SIMD levels the kernels are compiled for (each loop has a copy per level), lowest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum SimdLevel {
    /// Baseline x86-64 (SSE2), no FMA.
    Plain,
    /// AVX2 + FMA.
    Avx2,
    /// AVX-512 F/VL/DQ/BW (the compute-bound loops, `wide`).
    Avx512,
}

/// The highest level the kernels may use: `RTORCH_SIMD` (`none`, `avx2` or `avx512`; read once)
/// caps what the CPU offers, so one machine can test every compiled copy of a loop (CI runs the
/// elementwise tests again under `none` and `avx2`). Unset or unknown: no cap.
pub fn simd_cap() -> SimdLevel {
    static CAP: std::sync::OnceLock<SimdLevel> = std::sync::OnceLock::new();
    *CAP.get_or_init(|| match std::env::var("RTORCH_SIMD").unwrap_or_default().to_ascii_lowercase().as_str() {
        "none" | "plain" | "scalar" => SimdLevel::Plain,
        "avx2" => SimdLevel::Avx2,
        _ => SimdLevel::Avx512,
    })
}

/// Whether the AVX2+FMA copies of the loops run (the CPU has both, and `RTORCH_SIMD` allows it).
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        simd_cap() >= SimdLevel::Avx2 && std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Inner loops, written once; `simd_variants!` compiles each again with AVX2+FMA enabled.
mod loops {
    // Every caller hands unit-stride output runs and unit-stride or broadcast (stride 0) inputs
    // (`staged`). Each loop calls the kernel `f` from ONE place: LLVM then inlines even large
    // kernels (acosh, mish, pow) into the AVX2+FMA copy (a closure left out of line is compiled
    // without FMA, where `mul_add` becomes a software `fmaf` call, ~40x slower).

    /// Elements per chunk when a broadcast input is splatted into a stack buffer.
    const CHUNK: usize = 256;

    /// `src`, or when `s` is 0 a buffer of `min(n, CHUNK)` copies of `*src` (filled once: the
    /// chunks of an `n`-element run never read past it).
    #[inline(always)]
    unsafe fn splat<T: Copy>(src: *const T, s: isize, n: usize, buf: &mut [std::mem::MaybeUninit<T>; CHUNK]) -> (*const T, usize) {
        if s == 0 {
            for v in buf[..n.min(CHUNK)].iter_mut() {
                v.write(*src);
            }
            (buf.as_ptr() as *const T, 0)
        } else {
            (src, 1)
        }
    }

    /// Elements per chunk of an input that is the output itself (an in-place op). LLVM's
    /// vectorised loops check at run time that the output does not overlap an input and run the
    /// scalar loop when it does, which made every in-place op ~3x slower than its out-of-place
    /// form; reading each chunk into a stack buffer first keeps them vectorised.
    const ACHUNK: usize = 256;

    /// Whether the run at `o` is the run at `a` (the same first element).
    #[inline(always)]
    fn same<A, O>(a: *const A, o: *mut O) -> bool {
        a as *const u8 == o as *const u8
    }

    /// `m` <= ACHUNK elements at `src` copied into `buf`; its address.
    #[inline(always)]
    unsafe fn stash<T: Copy>(src: *const T, m: usize, buf: &mut [std::mem::MaybeUninit<T>; ACHUNK]) -> *const T {
        std::ptr::copy_nonoverlapping(src, buf.as_mut_ptr() as *mut T, m);
        buf.as_ptr() as *const T
    }

    #[inline(always)]
    pub unsafe fn l1<A: Copy, O: Copy, F: Fn(A) -> O>(a: *const A, sa: isize, o: *mut O, so: isize, n: usize, f: &F) {
        debug_assert!(so == 1 && (sa == 0 || sa == 1));
        let _ = so;
        // A broadcast input: compute one element, then copy it.
        let m = if sa == 0 { n.min(1) } else { n };
        // In place (`x.relu_()`): chunks read through a stack copy (see `ACHUNK`).
        let alias = sa == 1 && same(a, o);
        let mut buf = [const { std::mem::MaybeUninit::uninit() }; ACHUNK];
        let step = if alias { ACHUNK } else { m.max(1) };
        let mut i = 0;
        while i < m {
            let k = step.min(m - i);
            let (ca, co) = (if alias { stash(a.add(i), k, &mut buf) } else { a.add(i) }, o.add(i));
            for j in 0..k {
                *co.add(j) = f(*ca.add(j));
            }
            i += k;
        }
        if m < n {
            let v = *o;
            for i in 1..n {
                *o.add(i) = v;
            }
        }
    }
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn l2<A: Copy, B: Copy, O, F: Fn(A, B) -> O>(
        a: *const A, sa: isize, b: *const B, sb: isize, o: *mut O, so: isize, n: usize, f: &F,
    ) {
        debug_assert!(so == 1 && matches!(sa, 0 | 1) && matches!(sb, 0 | 1));
        let _ = so;
        let (mut ba, mut bb) = ([const { std::mem::MaybeUninit::uninit() }; CHUNK], [const { std::mem::MaybeUninit::uninit() }; CHUNK]);
        let ((pa, ka), (pb, kb)) = (splat(a, sa, n, &mut ba), splat(b, sb, n, &mut bb));
        // An input that is the output (`x.add_(y)`) is read through a stack copy (see `ACHUNK`).
        let (xa, xb) = (sa == 1 && same(a, o), sb == 1 && same(b, o));
        let (mut sta, mut stb) = ([const { std::mem::MaybeUninit::uninit() }; ACHUNK], [const { std::mem::MaybeUninit::uninit() }; ACHUNK]);
        // Whole runs when nothing is broadcast or aliased, else chunks that fit the buffers.
        let step = if sa != 1 || sb != 1 { CHUNK } else if xa || xb { ACHUNK } else { n.max(1) };
        let mut i = 0;
        while i < n {
            let m = step.min(n - i);
            let ca = if xa { stash(a.add(i), m, &mut sta) } else { pa.add(i * ka) };
            let cb = if xb { stash(b.add(i), m, &mut stb) } else { pb.add(i * kb) };
            let co = o.add(i);
            for j in 0..m {
                *co.add(j) = f(*ca.add(j), *cb.add(j));
            }
            i += m;
        }
    }
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn l3<A: Copy, B: Copy, C: Copy, O, F: Fn(A, B, C) -> O>(
        a: *const A, sa: isize, b: *const B, sb: isize, c: *const C, sc: isize, o: *mut O, so: isize, n: usize, f: &F,
    ) {
        debug_assert!(so == 1 && matches!(sa, 0 | 1) && matches!(sb, 0 | 1) && matches!(sc, 0 | 1));
        let _ = so;
        let mut ba = [const { std::mem::MaybeUninit::uninit() }; CHUNK];
        let mut bb = [const { std::mem::MaybeUninit::uninit() }; CHUNK];
        let mut bc = [const { std::mem::MaybeUninit::uninit() }; CHUNK];
        let ((pa, ka), (pb, kb), (pc, kc)) = (splat(a, sa, n, &mut ba), splat(b, sb, n, &mut bb), splat(c, sc, n, &mut bc));
        // An input that is the output (`x.addcmul_(y, z)`) is read through a stack copy (see `ACHUNK`).
        let (xa, xb, xc) = (sa == 1 && same(a, o), sb == 1 && same(b, o), sc == 1 && same(c, o));
        let mut sta = [const { std::mem::MaybeUninit::uninit() }; ACHUNK];
        let mut stb = [const { std::mem::MaybeUninit::uninit() }; ACHUNK];
        let mut stc = [const { std::mem::MaybeUninit::uninit() }; ACHUNK];
        // Whole runs when nothing is broadcast or aliased, else chunks that fit the buffers.
        let step = if sa != 1 || sb != 1 || sc != 1 { CHUNK } else if xa || xb || xc { ACHUNK } else { n.max(1) };
        let mut i = 0;
        while i < n {
            let m = step.min(n - i);
            let ca = if xa { stash(a.add(i), m, &mut sta) } else { pa.add(i * ka) };
            let cb = if xb { stash(b.add(i), m, &mut stb) } else { pb.add(i * kb) };
            let cc = if xc { stash(c.add(i), m, &mut stc) } else { pc.add(i * kc) };
            let co = o.add(i);
            for j in 0..m {
                *co.add(j) = f(*ca.add(j), *cb.add(j), *cc.add(j));
            }
            i += m;
        }
    }

    #[cfg(target_arch = "x86_64")]
    pub mod avx2 {
        #[target_feature(enable = "avx2,fma")]
        pub unsafe fn l1<A: Copy, O: Copy, F: Fn(A) -> O>(a: *const A, sa: isize, o: *mut O, so: isize, n: usize, f: &F) {
            super::l1(a, sa, o, so, n, f)
        }
        #[target_feature(enable = "avx2,fma")]
        #[allow(clippy::too_many_arguments)]
        pub unsafe fn l3<A: Copy, B: Copy, C: Copy, O, F: Fn(A, B, C) -> O>(
            a: *const A, sa: isize, b: *const B, sb: isize, c: *const C, sc: isize, o: *mut O, so: isize, n: usize, f: &F,
        ) {
            super::l3(a, sa, b, sb, c, sc, o, so, n, f)
        }
        #[target_feature(enable = "avx2,fma")]
        #[allow(clippy::too_many_arguments)]
        pub unsafe fn l2<A: Copy, B: Copy, O, F: Fn(A, B) -> O>(
            a: *const A, sa: isize, b: *const B, sb: isize, o: *mut O, so: isize, n: usize, f: &F,
        ) {
            super::l2(a, sa, b, sb, o, so, n, f)
        }
    }
}

/// `out[i] = f(a[i])` over same-shaped (possibly broadcast/strided) views.
pub fn map1<A: Element, O: Element, F: Fn(A) -> O + Sync>(a: &Tensor, out: &Tensor, f: F) {
    map1_in::<false, A, O, _, _>(a, out, &f, &f)
}

/// `map1` with one closure for the AVX2+FMA loop and one for the plain loop, so that kernels
/// built on `math::madd::<FMA>` get fused multiply-adds only where the CPU has them. These
/// compute-bound kernels also run in the AVX-512 frame where the CPU has one (`wide`).
pub fn map1_fma<A: Element, O: Element, F1: Fn(A) -> O + Sync, F2: Fn(A) -> O + Sync>(
    a: &Tensor, out: &Tensor, fma: F1, plain: F2,
) {
    map1_in::<true, A, O, F1, F2>(a, out, fma, plain)
}

/// `map1_fma`, in the AVX-512 frame only when `WIDE`.
fn map1_in<const WIDE: bool, A: Element, O: Element, F1: Fn(A) -> O + Sync, F2: Fn(A) -> O + Sync>(
    a: &Tensor, out: &Tensor, fma: F1, plain: F2,
) {
    let frame = wide::frame::<WIDE>();
    // SAFETY: the views' own layouts give every address; `staged` hands `run` unit-stride (or
    // broadcast) runs of the right element types.
    unsafe {
        staged([a, out], &|p: [*mut u8; 2], s: [isize; 2], n: usize| {
            wide::run1(frame, p[0] as *const A, s[0], p[1] as *mut O, n, &fma, &plain)
        })
    }
}

/// One unit-stride (or broadcast: `sa` 0) run of `f`, in the AVX2 frame when `avx`.
///
/// # Safety
/// `n` elements at `o` (and at `a`, or one when `sa` is 0) are valid.
#[inline(always)]
pub(crate) unsafe fn loops_run<A: Copy, O: Copy, F: Fn(A) -> O>(a: *const A, sa: isize, o: *mut O, n: usize, avx: bool, f: &F) {
    #[cfg(target_arch = "x86_64")]
    if avx {
        return loops::avx2::l1(a, sa, o, 1, n, f);
    }
    let _ = avx;
    loops::l1(a, sa, o, 1, n, f)
}

/// The address of a view's element 0, as bytes (`data_ptr::<u8>` would add the storage offset
/// in bytes, not in elements).
///
/// # Safety
/// As `Tensor::data_ptr`: a CPU tensor.
unsafe fn elem0(t: &Tensor) -> *mut u8 {
    with_dtype!(t.dtype(), T => t.data_ptr::<T>() as *mut u8)
}

/// Bytes of one operand's staging tile: 16 KiB, so the tiles of a four-operand kernel share L2
/// with room to spare (and a 64-column tile of f32 is 64 rows: square, for the transposes).
const STAGE_BYTES: usize = 16 << 10;
/// Columns of a staging tile (runs the vectorised loops see; 8 AVX2 vectors of f32).
const STAGE_COLS: usize = 64;

/// Run `run(pointers, strides, n)` over every element of same-shaped views (the last one is
/// written): each call covers `n` elements along one row with every input's stride 1 or 0
/// (broadcast) and the output's 1. Operands whose layout does not give that along the output's
/// fastest dim (transposed, permuted, stepped, flipped views) are staged: their tile is gathered
/// into a contiguous buffer first (a transposing copy where the operand is contiguous along the
/// rows), and a strided output is computed into a buffer and scattered. The iteration order
/// follows the output's memory order (`iter::Plan`).
///
/// # Safety
/// Every element address the views' layouts give is inside its allocation; `run` must process
/// exactly `n` elements at the given pointers and strides.
pub(crate) unsafe fn staged<const N: usize>(ts: [&Tensor; N], run: &(impl Fn([*mut u8; N], [isize; N], usize) + Sync)) {
    let base: [SendPtr<u8>; N] = std::array::from_fn(|k| SendPtr(elem0(ts[k])));
    let size: [usize; N] = std::array::from_fn(|k| ts[k].dtype().size());
    let shape = ts[N - 1].shape();
    let numel: usize = shape.iter().product();
    if numel == 0 {
        return;
    }
    if numel < iter::GRAIN && ts.iter().all(|t| t.is_contiguous()) {
        // Small and dense (the common case): one run, no planning.
        return run(std::array::from_fn(|k| base[k].get()), [1; N], numel);
    }
    let strides: [&[isize]; N] = std::array::from_fn(|k| ts[k].strides());
    let plan = Plan::new(shape, strides);
    let cs = plan.inner_strides();
    let stage: [bool; N] = std::array::from_fn(|k| if k == N - 1 { cs[k] != 1 } else { !matches!(cs[k], 0 | 1) });
    let at = |k: usize, off: isize| base[k].get().offset(off * size[k] as isize);
    if !stage.iter().any(|&s| s) {
        return plan.for_each_block(0, 0, |b| {
            for r in 0..b.rows as isize {
                run(std::array::from_fn(|k| at(k, b.off[k] + r * b.rs[k])), cs, b.cols);
            }
        });
    }
    let widest = (0..N).filter(|&k| stage[k]).map(|k| size[k]).max().unwrap_or(1);
    let (tr, tc) = (STAGE_BYTES / (STAGE_COLS * widest), STAGE_COLS);
    let simd = has_avx2();
    plan.for_each_block(tr, tc, |b| {
        let mut bufs = [[const { std::mem::MaybeUninit::<u64>::uninit() }; STAGE_BYTES / 8]; N];
        let buf: [*mut u8; N] = std::array::from_fn(|k| bufs[k].as_mut_ptr() as *mut u8);
        let pitch = b.cols as isize;
        for k in 0..N - 1 {
            if stage[k] {
                transpose::copy_block(at(k, b.off[k]), b.rs[k], b.cs[k], buf[k], pitch, 1, b.rows, b.cols, size[k], simd);
            }
        }
        let st: [isize; N] = std::array::from_fn(|k| if stage[k] { 1 } else { cs[k] });
        for r in 0..b.rows as isize {
            let p = std::array::from_fn(|k| {
                if stage[k] { buf[k].offset(r * pitch * size[k] as isize) } else { at(k, b.off[k] + r * b.rs[k]) }
            });
            run(p, st, b.cols);
        }
        if stage[N - 1] {
            let o = N - 1;
            transpose::copy_block(buf[o], pitch, 1, at(o, b.off[o]), b.rs[o], b.cs[o], b.rows, b.cols, size[o], simd);
        }
    });
}

/// Sum of a short block with 32 independent lanes in the element type, returned as f64.
pub fn sum_block<F: Element + num_traits::Float>(b: &[F]) -> f64 {
    #[inline(always)]
    fn body<F: Element + num_traits::Float>(b: &[F]) -> f64 {
        let mut acc = [F::zero(); 32];
        let mut it = b.chunks_exact(32);
        for c in &mut it {
            for k in 0..32 {
                acc[k] = acc[k] + c[k];
            }
        }
        let mut t = 0f64;
        for v in acc.iter().chain(it.remainder()) {
            t += Element::to_f64(*v);
        }
        t
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn avx2<F: Element + num_traits::Float>(b: &[F]) -> f64 {
            body(b)
        }
        // SAFETY: the CPU supports AVX2 and FMA (checked above).
        return unsafe { avx2(b) };
    }
    body(b)
}

/// A kernel split into independent jobs (rows, column strips...) that write disjoint memory.
pub trait Job: Sync {
    /// `FMA`: whether this copy runs in the AVX2+FMA frame (see `math::madd`).
    ///
    /// # Safety
    /// `i` is below the job count given to `run_jobs` and the kernel's pointers are valid.
    unsafe fn run<const FMA: bool>(&self, i: usize);
}

/// Run jobs `0..n` of about `cost` elements each: on the calling thread below the grain size, else
/// in a few chunks per pool thread. Each chunk runs in a frame compiled for AVX2+FMA when the CPU
/// has them, so the `#[inline(always)]` job bodies vectorise there.
///
/// # Safety
/// As for `Job::run`.
pub unsafe fn run_jobs<K: Job>(k: &K, n: usize, cost: usize) {
    #[inline(always)]
    unsafe fn range<const FMA: bool, K: Job>(k: &K, lo: usize, hi: usize) {
        for i in lo..hi {
            k.run::<FMA>(i)
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn range_avx2<K: Job>(k: &K, lo: usize, hi: usize) {
        range::<true, K>(k, lo, hi)
    }
    let avx = has_avx2();
    let chunk = |lo: usize, hi: usize| {
        // SAFETY: the caller's contract; AVX2/FMA only when detected.
        #[cfg(target_arch = "x86_64")]
        if avx {
            return range_avx2(k, lo, hi);
        }
        let _ = avx;
        range::<false, K>(k, lo, hi)
    };
    let total = n.saturating_mul(cost.max(1));
    let threads = threads::num_threads();
    if total < iter::GRAIN || threads == 1 || n <= 1 {
        return chunk(0, n);
    }
    let chunks = iter::chunks_for(n, total);
    threads::parallel_for(chunks, chunks, |c| chunk(c * n / chunks, (c + 1) * n / chunks));
}

/// `out[i] = f(a[i], b[i])` over same-shaped views.
pub fn map2<A: Element, B: Element, O: Element, F: Fn(A, B) -> O + Sync>(a: &Tensor, b: &Tensor, out: &Tensor, f: F) {
    map2_in::<false, A, B, O, _, _>(a, b, out, &f, &f)
}

/// `map2` with one closure for the AVX2+FMA loop and one for the plain loop (see `map1_fma`;
/// the AVX-512 frame too).
pub fn map2_fma<A: Element, B: Element, O: Element, F1: Fn(A, B) -> O + Sync, F2: Fn(A, B) -> O + Sync>(
    a: &Tensor, b: &Tensor, out: &Tensor, fma: F1, plain: F2,
) {
    map2_in::<true, A, B, O, F1, F2>(a, b, out, fma, plain)
}

/// `map2_fma`, in the AVX-512 frame only when `WIDE`.
fn map2_in<const WIDE: bool, A: Element, B: Element, O: Element, F1: Fn(A, B) -> O + Sync, F2: Fn(A, B) -> O + Sync>(
    a: &Tensor, b: &Tensor, out: &Tensor, fma: F1, plain: F2,
) {
    let frame = wide::frame::<WIDE>();
    // SAFETY: as in map1_in.
    unsafe {
        staged([a, b, out], &|p: [*mut u8; 3], s: [isize; 3], n: usize| {
            wide::run2(frame, p[0] as *const A, s[0], p[1] as *const B, s[1], p[2] as *mut O, n, &fma, &plain)
        })
    }
}

/// `out[i] = f(a[i], b[i], c[i])` over same-shaped views.
pub fn map3<A: Element, B: Element, C: Element, O: Element, F: Fn(A, B, C) -> O + Sync>(
    a: &Tensor, b: &Tensor, c: &Tensor, out: &Tensor, f: F,
) {
    let avx = has_avx2();
    // SAFETY: as in map1_fma.
    unsafe {
        staged([a, b, c, out], &|p: [*mut u8; 4], s: [isize; 4], n: usize| {
            let (a, b, c, o) = (p[0] as *const A, p[1] as *const B, p[2] as *const C, p[3] as *mut O);
            #[cfg(target_arch = "x86_64")]
            if avx {
                return loops::avx2::l3(a, s[0], b, s[1], c, s[2], o, 1, n, &f);
            }
            let _ = avx;
            loops::l3(a, s[0], b, s[1], c, s[2], o, 1, n, &f)
        })
    }
}

/// Write `value` (converted to the tensor's dtype) into every element of the view.
pub fn fill(t: &Tensor, value: Scalar) -> Result<()> {
    with_dtype!(t.dtype(), T => {
        let v: T = value.to_elem();
        let p = unsafe { SendPtr(t.data_ptr::<T>()) };
        // In the view's memory order (`x.T.fill_(v)` writes rows of memory, not columns), and
        // unit-stride rows as slice fills (a store loop with a run-time stride does not vectorise).
        let plan = Plan::new(t.shape(), [t.strides()]);
        plan.for_each_block(0, 0, |b| unsafe {
            // SAFETY: offsets from the view's own layout.
            for r in 0..b.rows as isize {
                let row = p.get().offset(b.off[0] + r * b.rs[0]);
                if b.cs[0] == 1 {
                    std::slice::from_raw_parts_mut(row, b.cols).fill(v);
                } else {
                    for i in 0..b.cols as isize {
                        *row.offset(i * b.cs[0]) = v;
                    }
                }
            }
        });
    });
    Ok(())
}

/// Copy `src` (already broadcast to `dst`'s shape) into `dst`, converting dtype.
pub fn copy_cast(src: &Tensor, dst: &Tensor) -> Result<()> {
    if src.dtype() == dst.dtype() {
        copy_same(src, dst);
        return Ok(());
    }
    with_dtype!(src.dtype(), A => with_dtype!(dst.dtype(), B => cast::cast_into::<A, B>(src, dst)));
    Ok(())
}

/// Copy `src` (broadcast to `dst`'s shape, same dtype) into `dst` as bits, in blocks: rows of
/// memcpy where both are contiguous along the destination's fastest dim, square tiles moved by
/// register transposes where they are contiguous along different dims, strided loops otherwise.
fn copy_same(src: &Tensor, dst: &Tensor) {
    let size = dst.dtype().size();
    let (ps, pd) = unsafe { (SendPtr(elem0(src)), SendPtr(elem0(dst))) };
    let numel = dst.numel();
    if numel == 0 {
        return;
    }
    if numel < iter::GRAIN && src.is_contiguous() && dst.is_contiguous() {
        // SAFETY: both hold `numel` contiguous elements; distinct storages or the same bytes.
        return unsafe { std::ptr::copy(ps.get(), pd.get(), numel * size) };
    }
    let plan = Plan::new(dst.shape(), [src.strides(), dst.strides()]);
    let (cs, rs) = (plan.inner_strides(), plan.row_strides());
    // Tiles of 512 bytes a side for the register transposes (measured on 4096^2 f32: 32 -> 9.0 ms,
    // 64 -> 7.0, 128 -> 6.8 with reused output memory); whole rows when no side runs across its
    // rows (stepped or broadcast sources: tiles of short rows far apart starve the prefetcher).
    let across = (0..2).any(|k| rs[k] != 0 && cs[k].unsigned_abs() > rs[k].unsigned_abs());
    let t = if across { (512 / size).max(32) } else { 0 };
    let simd = has_avx2();
    plan.for_each_block(t, t, |b| unsafe {
        // SAFETY: offsets from the views' own layouts; AVX2 only when detected.
        let (s, d) = (ps.get().offset(b.off[0] * size as isize), pd.get().offset(b.off[1] * size as isize));
        transpose::copy_block(s, b.rs[0], b.cs[0], d, b.rs[1], b.cs[1], b.rows, b.cols, size, simd)
    });
}

/// `t` converted to `dtype`: a fresh contiguous CPU tensor.
pub fn cast(t: &Tensor, dtype: crate::dtype::DType) -> Result<Tensor> {
    let out = Tensor::alloc(t.shape(), dtype, crate::Device::Cpu, false)?;
    copy_cast(t, &out)?;
    Ok(out)
}

/// `t` itself when contiguous, else a contiguous copy.
pub fn contiguous(t: &Tensor) -> Result<Tensor> {
    if t.is_contiguous() {
        return Ok(t.clone());
    }
    cast(t, t.dtype())
}

/// Whether `f` holds for some element of the view (`T` is its dtype).
pub fn any_elem<T: Element>(t: &Tensor, f: impl Fn(T) -> bool + Sync) -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    let hit = AtomicBool::new(false);
    // SAFETY: offsets come from the view's own layout.
    let p = unsafe { SendPtr(t.data_ptr::<T>()) };
    for_each_run(t.shape(), [t.strides()], |[o], n, [s]| {
        if hit.load(Ordering::Relaxed) {
            return;
        }
        for i in 0..n as isize {
            if f(unsafe { *p.get().offset(o + i * s) }) {
                hit.store(true, Ordering::Relaxed);
                return;
            }
        }
    });
    hit.load(Ordering::Relaxed)
}

/// `out = cond ? a : b` (all broadcast to `out`'s shape; `cond` bool).
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    with_dtype!(out.dtype(), T => map3::<bool, T, T, T, _>(cond, a, b, out, |c, x, y| if c { x } else { y }));
    Ok(())
}
