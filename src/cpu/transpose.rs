//! Block copies between layouts (`copy_block`): the copies of `x.t().contiguous()` and friends
//! (square tiles so both sides stay in cache), and the staging of the elementwise kernels, which
//! gather a strided operand into a contiguous tile (and scatter a result tile). 4- and 8-byte tiles move as 8x8 / 4x4 AVX2 register
//! transposes when the CPU has AVX2. Elements are moved as bits, so any dtype of that width takes
//! the same path.

/// One tile: `dst[i * dp + j] = src[i + j * sp]` for i < ni, j < nj.
#[inline(always)]
unsafe fn tile_scalar<T: Copy>(src: *const T, sp: isize, dst: *mut T, dp: isize, ni: usize, nj: usize) {
    for i in 0..ni as isize {
        for j in 0..nj as isize {
            *dst.offset(i * dp + j) = *src.offset(i + j * sp);
        }
    }
}

/// Walk the tile in B x B blocks, `micro(src_block, dst_block)` moving each (the register
/// transposes below), then the edges that do not fill a block with `tile_scalar`.
#[inline(always)]
unsafe fn blocks<T: Copy, const B: usize>(
    src: *const T, sp: isize, dst: *mut T, dp: isize, ni: usize, nj: usize, micro: impl Fn(*const T, *mut T),
) {
    let (ie, je) = (ni / B * B, nj / B * B);
    for i in (0..ie).step_by(B) {
        for j in (0..je).step_by(B) {
            micro(src.offset(i as isize + j as isize * sp), dst.offset(i as isize * dp + j as isize));
        }
    }
    tile_scalar(src.offset(je as isize * sp), sp, dst.add(je), dp, ie, nj - je);
    tile_scalar(src.add(ie), sp, dst.offset(ie as isize * dp), dp, ni - ie, nj);
}

/// `dst[i * dp + j] = src[i + j * sp]` for elements of `size` bytes (a transposing tile copy).
#[inline(always)]
unsafe fn transpose_tile(src: *const u8, sp: isize, dst: *mut u8, dp: isize, ni: usize, nj: usize, size: usize, simd: bool) {
    #[cfg(target_arch = "x86_64")]
    if simd && size == 4 {
        return avx::tile4(src as *const f32, sp, dst as *mut f32, dp, ni, nj);
    } else if simd && size == 8 {
        return avx::tile8(src as *const f64, sp, dst as *mut f64, dp, ni, nj);
    }
    let _ = simd;
    match size {
        1 => tile_scalar(src, sp, dst, dp, ni, nj),
        2 => tile_scalar(src as *const u16, sp, dst as *mut u16, dp, ni, nj),
        4 => tile_scalar(src as *const u32, sp, dst as *mut u32, dp, ni, nj),
        8 => tile_scalar(src as *const u64, sp, dst as *mut u64, dp, ni, nj),
        // complex128: 16 bytes, moved as two u64 (8-byte alignment, as NumPy's buffers may have).
        _ => tile_scalar(src as *const [u64; 2], sp, dst as *mut [u64; 2], dp, ni, nj),
    }
}

/// Copy a rows x cols block of `size`-byte elements: `dst[r * dr + c * dc] = src[r * sr + c * sc]`
/// (element strides). A block contiguous along opposite dims on the two sides is a transpose
/// (register transposes for 4- and 8-byte elements when `simd`); otherwise the loop runs along
/// whichever side is contiguous. Blocks are small (a tile of the elementwise kernels), so the
/// strided side stays in cache.
///
/// # Safety
/// Every addressed element of both sides is inside its allocation; `simd` only on AVX2 CPUs.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn copy_block(
    src: *const u8, sr: isize, sc: isize, dst: *mut u8, dr: isize, dc: isize, rows: usize, cols: usize, size: usize,
    simd: bool,
) {
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn plain<T: Copy>(src: *const T, sr: isize, sc: isize, dst: *mut T, dr: isize, dc: isize, rows: usize, cols: usize, simd: bool) {
        if sc == 1 && dc == 1 {
            for r in 0..rows as isize {
                std::ptr::copy_nonoverlapping(src.offset(r * sr), dst.offset(r * dr), cols);
            }
        } else if sc == 0 && dc == 1 {
            // A broadcast source (`x.expand(m, n).contiguous()` of a column): row fills.
            for r in 0..rows as isize {
                std::slice::from_raw_parts_mut(dst.offset(r * dr), cols).fill(*src.offset(r * sr));
            }
        } else if dc == 1 && (rows == 1 || sr.unsigned_abs() >= sc.unsigned_abs()) {
            // A stepped source read along its rows (`x[:, ::2].contiguous()`, one row of a
            // coalesced 1-D space included: its row stride is 0): unit-stride stores.
            stepped(src, sr, sc, dst, dr, rows, cols, simd)
        } else if rows > 1 && (sr.unsigned_abs() < sc.unsigned_abs() || dr.unsigned_abs() < dc.unsigned_abs()) {
            // Rows are the contiguous side: walk them innermost.
            for c in 0..cols as isize {
                for r in 0..rows as isize {
                    *dst.offset(r * dr + c * dc) = *src.offset(r * sr + c * sc);
                }
            }
        } else {
            for r in 0..rows as isize {
                for c in 0..cols as isize {
                    *dst.offset(r * dr + c * dc) = *src.offset(r * sr + c * sc);
                }
            }
        }
    }
    // (A broadcast side, stride 0, is no transpose: `plain` fills rows.)
    if sr == 1 && dc == 1 && rows > 1 && sc != 0 {
        // dst[r * dr + c] = src[r + c * sc]: i = r, j = c.
        return transpose_tile(src, sc, dst, dr, rows, cols, size, simd);
    }
    if sc == 1 && dr == 1 && cols > 1 && sr != 0 {
        // dst[r + c * dc] = src[r * sr + c]: i = c, j = r.
        return transpose_tile(src, sr, dst, dc, cols, rows, size, simd);
    }
    match size {
        1 => plain(src, sr, sc, dst, dr, dc, rows, cols, simd),
        2 => plain(src as *const u16, sr, sc, dst as *mut u16, dr, dc, rows, cols, simd),
        4 => plain(src as *const u32, sr, sc, dst as *mut u32, dr, dc, rows, cols, simd),
        8 => plain(src as *const u64, sr, sc, dst as *mut u64, dr, dc, rows, cols, simd),
        _ => plain(src as *const [u64; 2], sr, sc, dst as *mut [u64; 2], dr, dc, rows, cols, simd),
    }
}

/// Rows of a stepped source into unit-stride rows: `dst[r * dr + c] = src[r * sr + c * sc]`.
/// Steps 2 to 4 are compile-time constants (the loads then vectorise as shuffles of whole
/// vectors; a run-time step keeps the loop scalar), in the AVX2 frame when `simd`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn stepped<T: Copy>(src: *const T, sr: isize, sc: isize, dst: *mut T, dr: isize, rows: usize, cols: usize, simd: bool) {
    #[inline(always)]
    unsafe fn rows_k<T: Copy, const K: isize>(src: *const T, sr: isize, sc: isize, dst: *mut T, dr: isize, rows: usize, cols: usize) {
        let step = if K > 0 { K } else { sc };
        for r in 0..rows as isize {
            let (s, d) = (src.offset(r * sr), dst.offset(r * dr));
            for c in 0..cols as isize {
                *d.offset(c) = *s.offset(c * step);
            }
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn rows_avx2<T: Copy, const K: isize>(src: *const T, sr: isize, sc: isize, dst: *mut T, dr: isize, rows: usize, cols: usize) {
        rows_k::<T, K>(src, sr, sc, dst, dr, rows, cols)
    }
    macro_rules! go {
        ($k:literal) => {{
            #[cfg(target_arch = "x86_64")]
            if simd {
                return rows_avx2::<T, $k>(src, sr, sc, dst, dr, rows, cols);
            }
            let _ = simd;
            rows_k::<T, $k>(src, sr, sc, dst, dr, rows, cols)
        }};
    }
    match sc {
        2 => go!(2),
        3 => go!(3),
        4 => go!(4),
        _ => go!(0),
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::blocks;
    use std::arch::x86_64::*;
    /// 4-byte elements, `dst[i * dp + j] = src[i + j * s]`: 8x8 register transposes (source rows
    /// j.. become destination rows i..).
    #[target_feature(enable = "avx2")]
    pub unsafe fn tile4(src: *const f32, s: isize, dst: *mut f32, dp: isize, ni: usize, nj: usize) {
        blocks::<f32, 8>(src, s, dst, dp, ni, nj, |p, d| {
            let r: [__m256; 8] = std::array::from_fn(|k| _mm256_loadu_ps(p.offset(k as isize * s)));
            let t: [__m256; 8] = std::array::from_fn(|k| {
                let (a, b) = (r[k / 2 * 2], r[k / 2 * 2 + 1]);
                if k % 2 == 0 { _mm256_unpacklo_ps(a, b) } else { _mm256_unpackhi_ps(a, b) }
            });
            let u = [
                _mm256_shuffle_ps::<0x44>(t[0], t[2]),
                _mm256_shuffle_ps::<0xEE>(t[0], t[2]),
                _mm256_shuffle_ps::<0x44>(t[1], t[3]),
                _mm256_shuffle_ps::<0xEE>(t[1], t[3]),
                _mm256_shuffle_ps::<0x44>(t[4], t[6]),
                _mm256_shuffle_ps::<0xEE>(t[4], t[6]),
                _mm256_shuffle_ps::<0x44>(t[5], t[7]),
                _mm256_shuffle_ps::<0xEE>(t[5], t[7]),
            ];
            for k in 0..4 {
                _mm256_storeu_ps(d.offset(k as isize * dp), _mm256_permute2f128_ps::<0x20>(u[k], u[k + 4]));
                _mm256_storeu_ps(d.offset((k + 4) as isize * dp), _mm256_permute2f128_ps::<0x31>(u[k], u[k + 4]));
            }
        })
    }
    /// 8-byte elements, `dst[i * dp + j] = src[i + j * s]`: 4x4 register transposes.
    #[target_feature(enable = "avx2")]
    pub unsafe fn tile8(src: *const f64, s: isize, dst: *mut f64, dp: isize, ni: usize, nj: usize) {
        blocks::<f64, 4>(src, s, dst, dp, ni, nj, |p, d| {
            let r: [__m256d; 4] = std::array::from_fn(|k| _mm256_loadu_pd(p.offset(k as isize * s)));
            let t = [
                _mm256_unpacklo_pd(r[0], r[1]),
                _mm256_unpackhi_pd(r[0], r[1]),
                _mm256_unpacklo_pd(r[2], r[3]),
                _mm256_unpackhi_pd(r[2], r[3]),
            ];
            for k in 0..2 {
                _mm256_storeu_pd(d.offset(k as isize * dp), _mm256_permute2f128_pd::<0x20>(t[k], t[k + 2]));
                _mm256_storeu_pd(d.offset((k + 2) as isize * dp), _mm256_permute2f128_pd::<0x31>(t[k], t[k + 2]));
            }
        })
    }
}
