//! Page-locked ("pinned") host memory for `pin_memory()` and `non_blocking` copies: blocks from
//! cuMemHostAlloc (portable, so every context may copy from them), kept for exact-size reuse
//! because allocating one costs milliseconds (PyTorch caches them too).
//!
//! A block may still be read by an asynchronous host->device copy when its tensor is dropped, so a
//! block that took part in one goes back to the cache with an event recorded on every initialised
//! GPU's stream, and that event is waited on before the block is handed out again or freed.
use super::{driver_err, Gpu};
use crate::error::{Error, Result};
use cudarc::driver::{result, sys};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Upper bound on bytes of freed pinned blocks kept: page-locked memory cannot be swapped, so the
/// cache stays modest (a few DataLoader batches).
const CACHE_MAX: usize = 512 << 20;

/// A freed block and the events that mark the end of the copies that may still read it.
struct Block {
    ptr: usize,
    /// (GPU, CUevent) pairs; the event was recorded on that GPU's stream after the last copy.
    events: Vec<(Arc<Gpu>, usize)>,
}

struct Cache {
    free: HashMap<usize, Vec<Block>>,
    bytes: usize,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// The GPU whose (primary) context allocates and frees pinned blocks.
fn host_gpu() -> Result<Arc<Gpu>> {
    if !super::is_available() {
        return Err(Error::Device(
            "Cannot access accelerator device when none is available: pinned memory is page-locked by the CUDA \
             driver, and no CUDA driver or GPU was found on this machine (rtorch.cuda.is_available() is False)"
                .into(),
        ));
    }
    super::gpu(0)
}

/// A pinned block of `nbytes` bytes: a cached one of that size, or a new one (a dangling, aligned
/// pointer for 0 bytes, which still needs CUDA so that pinning behaves the same for every size).
pub fn alloc(nbytes: usize) -> Result<*mut u8> {
    host_gpu()?;
    if nbytes == 0 {
        return Ok(std::ptr::NonNull::<u64>::dangling().as_ptr() as *mut u8);
    }
    let cached = CACHE.lock().unwrap_or_else(|e| e.into_inner()).as_mut().and_then(|c| {
        let b = c.free.get_mut(&nbytes)?.pop()?;
        c.bytes -= nbytes;
        Some(b)
    });
    if let Some(b) = cached {
        // On an error the block is dropped from the cache (leaked): a copy may still read it.
        let ptr = b.ptr as *mut u8;
        wait(b)?;
        return Ok(ptr);
    }
    // SAFETY: a plain allocation; the memory is uninitialised bytes, which CpuBuffer allows.
    let p = unsafe { result::malloc_host(nbytes, sys::CU_MEMHOSTALLOC_PORTABLE) }.map_err(|e| match driver_err("pinned allocation", e) {
        Error::CudaOom(_) => Error::Alloc(format!("cannot allocate {} bytes of pinned (page-locked) host memory", nbytes)),
        other => other,
    })?;
    Ok(p as *mut u8)
}

/// Return a block (from `alloc`, not yet released) to the cache. `queued`: an asynchronous copy
/// may still read it, so events are recorded first. Called from `CpuBuffer::drop`: never fails.
pub fn release(ptr: *mut u8, nbytes: usize, queued: bool) {
    if nbytes == 0 {
        return;
    }
    let events = if queued { record_events() } else { Vec::new() };
    let block = Block { ptr: ptr as usize, events };
    let mut g = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let c = g.get_or_insert_with(|| Cache { free: HashMap::new(), bytes: 0 });
    if c.bytes + nbytes <= CACHE_MAX {
        c.bytes += nbytes;
        c.free.entry(nbytes).or_default().push(block);
        return;
    }
    drop(g);
    free(block);
}

/// Free every cached block (`rtorch.cuda.empty_cache()`); returns the bytes released.
pub fn empty_cache() -> usize {
    let (blocks, freed) = {
        let mut g = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        let Some(c) = g.as_mut() else { return 0 };
        let blocks: Vec<Block> = c.free.drain().flat_map(|(_, v)| v).collect();
        (blocks, std::mem::take(&mut c.bytes))
    };
    for b in blocks {
        free(b);
    }
    freed
}

/// Bytes held by freed pinned blocks.
pub fn cache_bytes() -> usize {
    CACHE.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map_or(0, |c| c.bytes)
}

/// An event after everything queued so far on each initialised GPU's stream. Where an event cannot
/// be made, that stream is synchronised instead, so the block is safe either way.
fn record_events() -> Vec<(Arc<Gpu>, usize)> {
    let mut events = Vec::new();
    for gpu in super::initialised() {
        if gpu.ctx.bind_to_thread().is_err() {
            continue;
        }
        let recorded = result::event::create(sys::CUevent_flags::CU_EVENT_DISABLE_TIMING).and_then(|ev| {
            // SAFETY: a fresh event and our stream, both of this context.
            match unsafe { result::event::record(ev, gpu.stream.cu_stream()) } {
                Ok(()) => Ok(ev),
                Err(e) => {
                    // SAFETY: created above, never recorded.
                    let _ = unsafe { result::event::destroy(ev) };
                    Err(e)
                }
            }
        });
        match recorded {
            Ok(ev) => events.push((gpu, ev as usize)),
            Err(_) => {
                let _ = gpu.synchronize();
            }
        }
    }
    events
}

/// Wait until the copies that may read a block are done, and destroy its events.
fn wait(b: Block) -> Result<()> {
    let mut first_err = None;
    for (gpu, ev) in b.events {
        let ev = ev as sys::CUevent;
        let r = gpu.ctx.bind_to_thread().and_then(|_| {
            // SAFETY: `ev` was created and recorded by `record_events` and is destroyed only here.
            unsafe { result::event::synchronize(ev) }?;
            unsafe { result::event::destroy(ev) }
        });
        if let Err(e) = r {
            first_err.get_or_insert(driver_err("waiting for a copy from pinned memory", e));
        }
    }
    first_err.map_or(Ok(()), Err)
}

/// Give a block back to the driver once no copy reads it. If that cannot be established (a failed
/// context), the block is leaked rather than freed under a copy.
fn free(b: Block) {
    let ptr = b.ptr;
    if wait(b).is_err() {
        return;
    }
    if let Ok(gpu) = host_gpu() {
        if gpu.ctx.bind_to_thread().is_ok() {
            // SAFETY: `ptr` came from malloc_host, is not in the cache any more, and no copy reads it.
            let _ = unsafe { result::free_host(ptr as *mut std::ffi::c_void) };
        }
    }
}
