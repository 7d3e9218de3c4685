//! The one thread pool every parallel kernel runs in: `threads - 1` workers plus the calling
//! thread, sized from RTORCH_NUM_THREADS or OMP_NUM_THREADS at first use (else the core count)
//! and resizable with `set_num_threads`.
//!
//! Why not rayon's pool: its idle workers go to sleep within microseconds, and waking a sleeping
//! thread costs 10-90 us on the virtual machines we measure on (a 10 us two-way split took 20-97
//! us through rayon, 10.5 us here). Like OpenMP runtimes, our workers spin for a short while
//! (`RTORCH_SPIN_US`, default 200 us) after each job before they park, so the back-to-back ops of a
//! training step find them awake; the caller works on the job too instead of blocking.
//!
//! A job is `n` indices cut into at most `MAX_CHUNKS` contiguous chunks; threads claim chunks
//! from one atomic word that also carries the job's epoch, so a late worker can never claim a
//! chunk of a job that has been replaced. A job started from inside a job, or while another
//! thread's job holds the pool, runs serially on its caller.
use crate::bail;
use crate::error::Result;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

const MAX_CHUNKS: usize = 0xFFFF;

/// The current job: `f(i)` for every `i` in `0..n`, in `chunks` contiguous ranges.
struct Job<'a> {
    f: &'a (dyn Fn(usize) + Sync),
    n: usize,
    chunks: usize,
}

struct Shared {
    /// epoch (high 32 bits) | chunk count (16 bits) | next unclaimed chunk (low 16 bits).
    state: AtomicU64,
    /// The job of the current epoch (type-erased `*const Job`), valid until all its chunks are done.
    job: AtomicPtr<()>,
    done: AtomicUsize,
    panicked: AtomicBool,
    sleeping: AtomicUsize,
    park: Mutex<()>,
    wake: Condvar,
    shutdown: AtomicBool,
    spin: Duration,
}

fn unpack(s: u64) -> (u64, usize, usize) {
    (s >> 32, ((s >> 16) & 0xFFFF) as usize, (s & 0xFFFF) as usize)
}

impl Shared {
    /// Claim and run chunks of epoch `epoch` until none are left.
    fn work(&self, epoch: u64) {
        super::denormal::sync();
        loop {
            let s = self.state.load(Acquire);
            let (e, chunks, next) = unpack(s);
            if e != epoch || next >= chunks {
                return;
            }
            if self.state.compare_exchange_weak(s, s + 1, Acquire, Relaxed).is_err() {
                continue;
            }
            // SAFETY: a chunk of this epoch was claimed and is not yet counted done, so the
            // caller is still waiting and its job (written before the epoch was published) lives.
            let job = unsafe { &*(self.job.load(Acquire) as *const Job<'_>) };
            let (lo, hi) = (next * job.n / job.chunks, (next + 1) * job.n / job.chunks);
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (lo..hi).for_each(job.f))).is_ok();
            if !ok {
                self.panicked.store(true, Relaxed);
            }
            self.done.fetch_add(1, Release);
        }
    }

    fn worker(&self) {
        IN_JOB.with(|c| c.set(true));
        let mut seen = 0u64;
        loop {
            // Spin for new work, then park.
            let start = Instant::now();
            let mut spins = 0u32;
            let epoch = loop {
                let e = self.state.load(Acquire) >> 32;
                if e != seen || self.shutdown.load(Relaxed) {
                    break e;
                }
                std::hint::spin_loop();
                spins += 1;
                if spins % 64 == 0 && start.elapsed() > self.spin {
                    let mut g = self.park.lock().unwrap_or_else(|e| e.into_inner());
                    self.sleeping.fetch_add(1, SeqCst);
                    while self.state.load(SeqCst) >> 32 == seen && !self.shutdown.load(SeqCst) {
                        g = self.wake.wait(g).unwrap_or_else(|e| e.into_inner());
                    }
                    self.sleeping.fetch_sub(1, SeqCst);
                    drop(g);
                    break self.state.load(Acquire) >> 32;
                }
            };
            if self.shutdown.load(Relaxed) {
                return;
            }
            seen = epoch;
            self.work(epoch);
        }
    }
}

struct Pool {
    shared: Arc<Shared>,
    threads: usize,
    /// Held by the thread whose job occupies the workers.
    busy: Mutex<()>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

impl Pool {
    /// A pool of `threads` threads in all (fewer if the OS refuses to start more).
    fn new(threads: usize) -> Pool {
        forget_pool_after_fork();
        let spin_us = std::env::var("RTORCH_SPIN_US").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(200);
        let shared = Arc::new(Shared {
            state: AtomicU64::new(0),
            job: AtomicPtr::new(std::ptr::null_mut()),
            done: AtomicUsize::new(0),
            panicked: AtomicBool::new(false),
            sleeping: AtomicUsize::new(0),
            park: Mutex::new(()),
            wake: Condvar::new(),
            shutdown: AtomicBool::new(false),
            spin: Duration::from_micros(spin_us),
        });
        let handles: Vec<_> = (1..threads)
            .map_while(|i| {
                let s = shared.clone();
                std::thread::Builder::new().name(format!("rtorch-{}", i)).spawn(move || s.worker()).ok()
            })
            .collect();
        Pool { shared, threads: 1 + handles.len(), busy: Mutex::new(()), handles }
    }

    fn run(&self, n: usize, chunks: usize, f: &(dyn Fn(usize) + Sync)) {
        let guard = match self.busy.try_lock() {
            Ok(g) => g,
            // Another thread's job holds the workers: run this one here.
            Err(_) => return (0..n).for_each(f),
        };
        let s = &*self.shared;
        let job = Job { f, n, chunks };
        s.job.store(&job as *const Job<'_> as *mut (), Release);
        s.done.store(0, Relaxed);
        s.panicked.store(false, Relaxed);
        // Epochs count from 1 (a fresh worker has seen epoch 0) and wrap within 32 bits.
        let epoch = (s.state.load(Relaxed) >> 32) % 0xFFFF_FFFF + 1;
        s.state.store(epoch << 32 | (chunks as u64) << 16, SeqCst);
        if s.sleeping.load(SeqCst) > 0 {
            let _g = s.park.lock().unwrap_or_else(|e| e.into_inner());
            s.wake.notify_all();
        }
        IN_JOB.with(|c| c.set(true));
        s.work(epoch);
        IN_JOB.with(|c| c.set(false));
        // The last chunks may still run on workers: wait for them (they are short).
        let mut spins = 0u32;
        while s.done.load(Acquire) < chunks {
            std::hint::spin_loop();
            spins += 1;
            if spins > 1 << 14 {
                std::thread::yield_now();
            }
        }
        s.job.store(std::ptr::null_mut(), Relaxed);
        let panicked = s.panicked.load(Relaxed);
        drop(guard);
        if panicked {
            panic!("a parallel CPU kernel panicked (see the message above)");
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let _busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        self.shared.shutdown.store(true, SeqCst);
        {
            let _g = self.shared.park.lock().unwrap_or_else(|e| e.into_inner());
            self.shared.wake.notify_all();
        }
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

thread_local! {
    /// True on pool workers and on a caller while it works on its own job.
    static IN_JOB: Cell<bool> = const { Cell::new(false) };
}

static POOL: RwLock<Option<Arc<Pool>>> = RwLock::new(None);

/// The pool's size, cached so that the per-op "is this worth threads?" test takes no lock
/// (0 until the pool is first built).
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn env_threads() -> Option<usize> {
    ["RTORCH_NUM_THREADS", "OMP_NUM_THREADS"]
        .iter()
        .find_map(|k| std::env::var(k).ok()?.trim().parse::<usize>().ok().filter(|&n| n > 0))
}

fn pool() -> Arc<Pool> {
    if let Some(p) = POOL.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return p.clone();
    }
    let mut w = POOL.write().unwrap_or_else(|e| e.into_inner());
    if w.is_none() {
        let n = env_threads().unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let p = Pool::new(n);
        COUNT.store(p.threads, SeqCst);
        *w = Some(Arc::new(p));
    }
    w.as_ref().expect("initialised above").clone()
}

/// After fork() only the forking thread exists in the child, so the inherited pool's workers are
/// gone (joining them would hang, and a job would wait for them): the child forgets that pool
/// without dropping it and builds its own on first use (DataLoader workers, Hogwild processes).
fn forget_pool_after_fork() {
    extern "C" fn in_child() {
        // try_write: a lock held by a thread that did not survive the fork is never released.
        if let Ok(mut w) = POOL.try_write() {
            std::mem::forget(w.take());
            COUNT.store(0, SeqCst);
        }
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: the handler only touches this module's statics and allocates nothing.
    ONCE.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(in_child));
    });
}

pub fn num_threads() -> usize {
    match COUNT.load(Relaxed) {
        0 => pool().threads,
        n => n,
    }
}

pub fn set_num_threads(n: usize) -> Result<()> {
    if n == 0 {
        bail!(Value, "set_num_threads expects a positive integer, got 0");
    }
    let p = Arc::new(Pool::new(n));
    let old = {
        let mut w = POOL.write().unwrap_or_else(|e| e.into_inner());
        COUNT.store(p.threads, SeqCst);
        w.replace(p)
    };
    // The old pool's workers stop when its last user lets go of it.
    drop(old);
    Ok(())
}

/// Run `f(i)` for every `i` in `0..n` on the pool (the caller included), in at most `chunks`
/// contiguous ranges; serially when there is one thread, one item, or when called from inside
/// another job. Every index is done when it returns; a panic in `f` is re-raised here.
pub fn parallel_for(n: usize, chunks: usize, f: impl Fn(usize) + Sync) {
    let chunks = chunks.min(n).min(MAX_CHUNKS);
    if chunks <= 1 || num_threads() == 1 || IN_JOB.with(|c| c.get()) {
        return (0..n).for_each(f);
    }
    pool().run(n, chunks, &f)
}

/// `(0..n).map(f).collect()` computed with `parallel_for`.
pub fn parallel_map<R: Send>(n: usize, chunks: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let mut out: Vec<R> = Vec::with_capacity(n);
    let p = super::iter::SendPtr(out.as_mut_ptr());
    // SAFETY: every index in 0..n is written exactly once before the length is set; on a panic
    // the length stays 0 (written items leak, nothing is read uninitialised).
    parallel_for(n, chunks, |i| unsafe { p.get().add(i).write(f(i)) });
    unsafe { out.set_len(n) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    fn counts(n: usize, chunks: usize) -> Vec<u32> {
        let hits: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
        parallel_for(n, chunks, |i| {
            // Nested jobs run serially on the thread that starts them.
            parallel_for(3, 3, |_| {
                hits[i].fetch_add(1, Relaxed);
            });
        });
        hits.into_iter().map(|h| h.into_inner()).collect()
    }

    #[test]
    fn every_index_once_across_many_jobs_and_threads() {
        let pool = Pool::new(3);
        assert!(pool.threads >= 1);
        for round in 0..200 {
            let n = round * 37 % 1000;
            let hits: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
            pool.run(n, (round % 17 + 2).min(n.max(1)), &|i| {
                hits[i].fetch_add(1, Relaxed);
            });
            assert!(hits.iter().all(|h| h.load(Relaxed) == 1), "round {round}");
        }
        assert!(counts(100, 7).iter().all(|&c| c == 3));
        assert_eq!(parallel_map(1000, 8, |i| i * 2), (0..1000).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn concurrent_callers_and_panics() {
        let sums: Vec<u64> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|t| s.spawn(move || (0..50).map(|_| parallel_map(500, 16, |i| (i * t) as u64).iter().sum::<u64>()).sum()))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (t, s) in sums.into_iter().enumerate() {
            assert_eq!(s, 50 * (t as u64) * 499 * 500 / 2);
        }
        let r = std::panic::catch_unwind(|| parallel_for(64, 8, |i| assert!(i != 40, "boom")));
        assert!(r.is_err());
        // The pool still works after a panic.
        assert_eq!(parallel_map(64, 8, |i| i).len(), 64);
    }
}
