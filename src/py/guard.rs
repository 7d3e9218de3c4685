//! Engine work called from a binding: run without the GIL when it is long enough to matter, and
//! turn a Rust panic into a RuntimeError naming the op (a last resort: a panic is a bug, and the
//! panic counter below lets the test suite fail on one even when the error is caught).
use super::errors::to_py;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

/// Work (in elements) from which an op releases the GIL: below it, releasing and retaking the GIL
/// costs more than the op.
pub const NOGIL_MIN: usize = 1 << 14;

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Run engine work for the binding of `op`: without the GIL when `work` (elements touched) is at
/// least `NOGIL_MIN`, and with a panic turned into an error that names the op (a RuntimeError in
/// Python). Usable from any binding (it takes the GIL token itself), so signatures stay as they
/// are; it returns the engine's `Result`, so it wraps any engine call in place.
pub fn nogil<T: Send>(op: &str, work: usize, f: impl FnOnce() -> crate::Result<T> + Send) -> crate::Result<T> {
    let caught = if work >= NOGIL_MIN {
        Python::attach(|py| py.detach(|| catch_unwind(AssertUnwindSafe(f))))
    } else {
        catch_unwind(AssertUnwindSafe(f))
    };
    caught.unwrap_or_else(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(crate::error::Error::Runtime(format!("{}: internal error (a bug in rtorch, please report it): {}", op, msg)))
    })
}

/// `nogil` for a binding that returns a Python result.
pub fn run<T: Send>(op: &str, work: usize, f: impl FnOnce() -> crate::Result<T> + Send) -> PyResult<T> {
    nogil(op, work, f).map_err(to_py)
}

/// Count every Rust panic (the default hook still prints it), so that tests can assert none
/// happened even where the guard above turned one into a RuntimeError.
pub fn install_panic_counter() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        prev(info);
    }));
}

/// Number of Rust panics in this process so far (`rtorch._rtorch._panic_count()`).
#[pyfunction]
fn _panic_count() -> u64 {
    PANICS.load(Ordering::Relaxed)
}

/// Raise rtorch's allocation error (a RuntimeError and MemoryError) when `nbytes` can never be
/// allocated on this machine (more than its memory and swap), naming `what`: Python code that is
/// about to build many objects (an RNN with 2**31 layers) checks the total first instead of
/// looping until the machine runs out (`rtorch._rtorch._check_alloc`).
#[pyfunction]
fn _check_alloc(what: &str, nbytes: u128) -> PyResult<()> {
    let n = usize::try_from(nbytes).unwrap_or(usize::MAX);
    crate::storage::check_alloc(n).map_err(|e| to_py(crate::error::Error::Alloc(format!("{}: {}", what, e))))
}

/// Panic on purpose inside the guard (with the GIL released when `release_gil`), so that a test
/// can check that the panic becomes a RuntimeError naming the op and is counted
/// (`rtorch._rtorch._guard_selftest`).
#[pyfunction]
fn _guard_selftest(release_gil: bool) -> PyResult<()> {
    run("_guard_selftest", if release_gil { NOGIL_MIN } else { 0 }, || -> crate::Result<()> { panic!("deliberate panic for the guard's test") })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    install_panic_counter();
    m.add_function(wrap_pyfunction!(_panic_count, m)?)?;
    m.add_function(wrap_pyfunction!(_guard_selftest, m)?)?;
    m.add_function(wrap_pyfunction!(_check_alloc, m)?)?;
    Ok(())
}
