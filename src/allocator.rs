//! The process-wide allocator: mimalloc, with ordinary alignments sent down its plain path.
//!
//! `mimalloc::MiMalloc` forwards every request to `mi_malloc_aligned`, whose fast path needs a free
//! block that happens to be aligned already; when a size class's free list is empty it falls back
//! to an over-allocating path that takes a block from a larger class, so the class's own free list
//! never refills. A struct whose size is not a power of two (`ArcInner<Storage>`, 96 bytes) then
//! went the slow way on every op: +1,500 instructions per `a + b`. mimalloc's plain `mi_malloc`
//! already returns 16-byte-aligned blocks for sizes >= 16 (and `size`-aligned ones below), so only
//! larger alignments need the aligned entry points.

use std::alloc::{GlobalAlloc, Layout};
use std::os::raw::c_void;

use libmimalloc_sys as ffi;

/// Alignment every `mi_malloc` block has when it is at least this large.
const PLAIN_ALIGN: usize = 16;

pub struct Allocator;

#[inline]
fn plain(layout: &Layout) -> bool {
    layout.align() <= PLAIN_ALIGN && layout.align() <= layout.size()
}

// SAFETY: every path hands out memory from mimalloc with at least `layout.align()` alignment
// (see `plain`), and `mi_free`/`mi_realloc*` accept blocks from either family of entry points.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            ffi::mi_malloc(layout.size()) as *mut u8
        } else {
            ffi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            ffi::mi_zalloc(layout.size()) as *mut u8
        } else {
            ffi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        ffi::mi_free(ptr as *mut c_void)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN && layout.align() <= new_size {
            ffi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            ffi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}
