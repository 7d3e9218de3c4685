//! `set_flush_denormal`: flush-to-zero and denormals-are-zero (the MXCSR FTZ and DAZ bits on x86-64)
//! for the calling thread, rtorch's pool workers (each applies a changed setting before its next
//! job) and rayon's threads (gemm, faer), so every CPU kernel sees one setting.
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// `generation << 1 | on`; 0 until the first call (then no thread ever needs to look).
static SETTING: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static APPLIED: Cell<u64> = const { Cell::new(0) };
}

/// FTZ (bit 15) and DAZ (bit 6) of MXCSR.
#[cfg(target_arch = "x86_64")]
const BITS: u32 = 0x8040;

#[cfg(target_arch = "x86_64")]
fn apply(on: bool) {
    let mut csr: u32 = 0;
    // SAFETY: stmxcsr/ldmxcsr read and write this thread's SSE control register through a valid
    // pointer to a local; only the FTZ and DAZ bits change.
    unsafe {
        std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr as *mut u32, options(nostack, preserves_flags));
        let new = if on { csr | BITS } else { csr & !BITS };
        if new != csr {
            std::arch::asm!("ldmxcsr [{}]", in(reg) &new as *const u32, options(nostack, preserves_flags));
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn apply(_on: bool) {}

/// Turn flushing of denormals on or off everywhere; false where the CPU has no such mode (as
/// PyTorch returns for non-x86 CPUs).
pub fn set(on: bool) -> bool {
    if !cfg!(target_arch = "x86_64") {
        return false;
    }
    let generation = (SETTING.load(Ordering::Relaxed) >> 1) + 1;
    SETTING.store((generation << 1) | on as u64, Ordering::Release);
    sync();
    rayon::broadcast(|_| sync());
    true
}

/// Apply the current setting to this thread if it changed since this thread last looked (one
/// atomic load when nothing changed): the pool's workers call it before each job.
#[inline]
pub fn sync() {
    let s = SETTING.load(Ordering::Acquire);
    if s != 0 {
        APPLIED.with(|a| {
            if a.get() != s {
                apply(s & 1 == 1);
                a.set(s);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    // Only this thread's register is touched: the global setting would reach the pool workers that
    // concurrently running unit tests use (the Python suite, which runs one test at a time, checks the
    // pool: tests/test_storage_objects.py::test_set_flush_denormal).
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn ftz_daz_flush_denormal_products_on_this_thread() {
        let tiny = f32::MIN_POSITIVE; // 2^-126: halving it gives a denormal
        let half = std::hint::black_box(0.5f32);
        super::apply(true);
        let flushed = std::hint::black_box(tiny) * half;
        super::apply(false);
        let kept = std::hint::black_box(tiny) * half;
        assert_eq!(flushed, 0.0);
        assert!(kept > 0.0);
    }
}
