//! The one thread pool every parallel kernel runs in. Sized from RTORCH_NUM_THREADS or
//! OMP_NUM_THREADS at first use (else the core count) and resizable with `set_num_threads`.
use crate::error::Result;
use crate::{bail, err};
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::sync::{Arc, RwLock};

static POOL: RwLock<Option<Arc<ThreadPool>>> = RwLock::new(None);

fn env_threads() -> Option<usize> {
    ["RTORCH_NUM_THREADS", "OMP_NUM_THREADS"]
        .iter()
        .find_map(|k| std::env::var(k).ok()?.trim().parse::<usize>().ok().filter(|&n| n > 0))
}

fn build(n: usize) -> Result<Arc<ThreadPool>> {
    ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("rtorch-{}", i))
        .build()
        .map(Arc::new)
        .map_err(|e| err!(Runtime, "could not start {} threads: {}", n, e))
}

fn pool() -> Arc<ThreadPool> {
    if let Some(p) = POOL.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return p.clone();
    }
    let mut w = POOL.write().unwrap_or_else(|e| e.into_inner());
    if w.is_none() {
        let n = env_threads().unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        // Falling back to one thread beats failing every op if the OS refuses threads.
        *w = Some(build(n).or_else(|_| build(1)).expect("a one-thread pool"));
    }
    w.as_ref().expect("initialised above").clone()
}

pub fn num_threads() -> usize {
    pool().current_num_threads()
}

pub fn set_num_threads(n: usize) -> Result<()> {
    if n == 0 {
        bail!(Value, "set_num_threads expects a positive integer, got 0");
    }
    let p = build(n)?;
    *POOL.write().unwrap_or_else(|e| e.into_inner()) = Some(p);
    Ok(())
}

/// Run `f` (which may use rayon parallel iterators) inside the pool.
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    pool().install(f)
}
