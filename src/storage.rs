//! Untyped device memory shared by views, with a version counter for autograd's in-place checks.
use crate::device::Device;
use crate::error::Result;
use crate::{bail, err};
use std::alloc::{alloc, alloc_zeroed, dealloc, Layout as AllocLayout};
use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

const ALIGN: usize = 64;
/// Buffers below this many bytes are 16-byte aligned (see `CpuBuffer::alloc`).
const SMALL: usize = 4096;

/// Freed buffers at least this large are kept for reuse: a fresh large allocation costs a page
/// fault per 4 KiB on first touch, which dominates simple ops on big tensors.
const CACHE_MIN: usize = 1 << 20;
/// Upper bound on bytes held by the cache.
const CACHE_MAX: usize = 1 << 30;

/// Size-keyed free lists of large CPU buffers (exact-size reuse: training loops repeat shapes).
struct Cache {
    free: std::collections::HashMap<usize, Vec<usize>>,
    bytes: usize,
}

static CACHE: std::sync::Mutex<Option<Cache>> = std::sync::Mutex::new(None);

fn cache_take(nbytes: usize) -> Option<*mut u8> {
    let mut g = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let c = g.as_mut()?;
    let p = c.free.get_mut(&nbytes)?.pop()?;
    c.bytes -= nbytes;
    Some(p as *mut u8)
}

/// Keep a buffer for reuse; false when the cache is full (the caller frees it).
fn cache_put(ptr: *mut u8, nbytes: usize) -> bool {
    let mut g = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let c = g.get_or_insert_with(|| Cache { free: Default::default(), bytes: 0 });
    if c.bytes + nbytes > CACHE_MAX {
        return false;
    }
    c.bytes += nbytes;
    c.free.entry(nbytes).or_default().push(ptr as usize);
    true
}

/// Release every cached CPU buffer to the OS (`rtorch.empty_cache()` for the CPU).
pub fn empty_cpu_cache() -> usize {
    let mut g = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let Some(c) = g.as_mut() else { return 0 };
    let freed = c.bytes;
    for (n, ptrs) in c.free.drain() {
        for p in ptrs {
            // SAFETY: cached pointers came from `alloc` with this size and ALIGN.
            unsafe { dealloc(p as *mut u8, AllocLayout::from_size_align_unchecked(n, ALIGN)) };
        }
    }
    c.bytes = 0;
    freed
}

/// Bytes currently held by the CPU buffer cache.
pub fn cpu_cache_bytes() -> usize {
    CACHE.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map_or(0, |c| c.bytes)
}

/// What keeps a CPU buffer's memory alive.
enum Owner {
    /// Memory we allocated (64-byte aligned so SIMD loads never straddle lines needlessly).
    Own(AllocLayout),
    /// Memory borrowed from another library (a NumPy array, a DLPack capsule): dropping the box releases it.
    Foreign(#[allow(dead_code)] Box<dyn Any + Send + Sync>),
    /// Page-locked memory from `cuda::pinned` (none for 0 bytes). The flag is set once an
    /// asynchronous copy reads it, so that its release waits for that copy before reuse.
    Pinned(AtomicBool),
    Empty,
}

pub struct CpuBuffer {
    ptr: *mut u8,
    nbytes: usize,
    owner: Owner,
    /// Set once by `rehome`: the memory the bytes live in from then on (`ptr` stays the original).
    moved: OnceLock<Box<Moved>>, // boxed: a rare state, kept out of every buffer's size
}

/// Where `CpuBuffer::rehome` put the bytes, and what keeps that memory alive.
struct Moved {
    ptr: usize,
    keep_alive: Box<dyn Any + Send + Sync>,
}

// SAFETY: the buffer is plain memory; concurrent access is governed by the tensor ops that use it,
// exactly as PyTorch's storage (writers are in-place ops that the user sequences).
unsafe impl Send for CpuBuffer {}
unsafe impl Sync for CpuBuffer {}

/// The most bytes one CPU allocation may take: physical memory (or the cgroup's memory limit, when
/// lower) plus swap, read once from /proc/meminfo and the cgroup files.
///
/// This is the rule Linux's default overcommit heuristic applies to a single mapping, which is why
/// PyTorch's `torch.zeros(10**12)` fails cleanly with "can't allocate memory". mimalloc maps large
/// blocks with MAP_NORESERVE, which skips that check: without this limit the mapping succeeds, the
/// first touch of its pages runs the machine out of memory and the kernel's OOM killer ends the
/// process. Allocations under the limit that the machine cannot hold right now are not refused
/// (as in PyTorch); `RLIMIT_AS` limits still make the allocator fail cleanly.
pub fn cpu_memory_limit() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let field = |name: &str| -> Option<usize> {
            let line = meminfo.lines().find(|l| l.starts_with(name))?;
            let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
            kb.checked_mul(1024)
        };
        let Some(total) = field("MemTotal:") else { return usize::MAX };
        let swap = field("SwapTotal:").unwrap_or(0);
        // cgroup v2, then v1; "max" or an absurd v1 default means no limit.
        let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok()?.trim().parse::<usize>().ok())
            .min()
            .unwrap_or(usize::MAX);
        total.min(cgroup).saturating_add(swap)
    })
}

/// Refuse an allocation of `nbytes` that can never fit (see `cpu_memory_limit`), in PyTorch's words.
pub fn check_alloc(nbytes: usize) -> Result<()> {
    let limit = cpu_memory_limit();
    if nbytes > limit || nbytes > isize::MAX as usize - ALIGN {
        bail!(
            Alloc,
            "[enforce fail at alloc_cpu.cpp] DefaultCPUAllocator: can't allocate memory: you tried to allocate {} bytes (more than the {} bytes of memory and swap this machine has). Error code 12 (Cannot allocate memory)",
            nbytes,
            limit
        );
    }
    Ok(())
}

/// An empty `Vec` with room for `n` elements, or the allocation error instead of an abort:
/// scratch buffers whose size comes from the caller's shapes must use this, not `Vec::with_capacity`.
pub fn try_vec<T>(n: usize) -> Result<Vec<T>> {
    let nbytes = n.checked_mul(std::mem::size_of::<T>().max(1)).ok_or_else(|| err!(Alloc, "DefaultCPUAllocator: can't allocate memory: {} elements of {} bytes overflow", n, std::mem::size_of::<T>()))?;
    check_alloc(nbytes)?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| err!(Alloc, "DefaultCPUAllocator: can't allocate memory: you tried to allocate {} bytes. Error code 12 (Cannot allocate memory)", nbytes))?;
    Ok(v)
}

/// `vec![value; n]` that fails cleanly (see `try_vec`).
pub fn try_vec_filled<T: Clone>(n: usize, value: T) -> Result<Vec<T>> {
    let mut v = try_vec(n)?;
    v.resize(n, value);
    Ok(v)
}

/// `iter.collect()` into a `Vec` of exactly `n` items that fails cleanly (see `try_vec`).
pub fn try_collect<T>(n: usize, iter: impl Iterator<Item = T>) -> Result<Vec<T>> {
    let mut v = try_vec(n)?;
    v.extend(iter);
    Ok(v)
}

impl CpuBuffer {
    #[inline]
    pub fn alloc(nbytes: usize, zeroed: bool) -> Result<CpuBuffer> {
        if nbytes == 0 {
            return Ok(CpuBuffer { ptr: ALIGN as *mut u8, nbytes: 0, owner: Owner::Empty, moved: OnceLock::new() });
        }
        check_alloc(nbytes)?;
        // Small buffers take the allocator's plain 16-byte path (size a multiple of 16): asking
        // for 64-byte alignment there sends every tiny tensor down mimalloc's slower aligned path.
        let layout = if nbytes < SMALL { AllocLayout::from_size_align(nbytes.next_multiple_of(16), 16) } else { AllocLayout::from_size_align(nbytes, ALIGN) }
            .map_err(|_| err!(Alloc, "CPU allocation of {} bytes is too large", nbytes))?;
        if nbytes >= CACHE_MIN {
            if let Some(ptr) = cache_take(nbytes) {
                if zeroed {
                    // SAFETY: the cached block holds nbytes writable bytes.
                    unsafe { std::ptr::write_bytes(ptr, 0, nbytes) };
                }
                return Ok(CpuBuffer { ptr, nbytes, owner: Owner::Own(layout), moved: OnceLock::new() });
            }
        }
        // SAFETY: layout has non-zero size.
        let ptr = unsafe { if zeroed { alloc_zeroed(layout) } else { alloc(layout) } };
        if ptr.is_null() {
            bail!(
                Alloc,
                "[enforce fail at alloc_cpu.cpp] DefaultCPUAllocator: can't allocate memory: you tried to allocate {} bytes. Error code 12 (Cannot allocate memory)",
                nbytes
            );
        }
        Ok(CpuBuffer { ptr, nbytes, owner: Owner::Own(layout), moved: OnceLock::new() })
    }

    /// Wrap memory owned by someone else; `keep_alive` is dropped when the last view goes away.
    ///
    /// # Safety
    /// `ptr..ptr+nbytes` must stay valid and writable while `keep_alive` lives.
    pub unsafe fn foreign(ptr: *mut u8, nbytes: usize, keep_alive: Box<dyn Any + Send + Sync>) -> CpuBuffer {
        CpuBuffer { ptr, nbytes, owner: Owner::Foreign(keep_alive), moved: OnceLock::new() }
    }

    /// Page-locked host memory (`Tensor.pin_memory()`); an error without a CUDA device.
    pub fn pinned(nbytes: usize, zeroed: bool) -> Result<CpuBuffer> {
        let ptr = crate::cuda::pinned::alloc(nbytes)?;
        if zeroed && nbytes > 0 {
            // SAFETY: the block holds nbytes writable bytes.
            unsafe { std::ptr::write_bytes(ptr, 0, nbytes) };
        }
        Ok(CpuBuffer { ptr, nbytes, owner: Owner::Pinned(AtomicBool::new(false)), moved: OnceLock::new() })
    }

    pub fn is_pinned(&self) -> bool {
        matches!(self.owner, Owner::Pinned(_)) && self.moved.get().is_none()
    }

    /// Move the bytes into `ptr..ptr+nbytes` (kept alive by `keep_alive`) for good: every view of
    /// this buffer sees the new memory from now on (`Tensor.share_memory_()`). Writes racing with
    /// the move may be lost, as in PyTorch. The old memory stays mapped until the buffer drops,
    /// since a kernel in another thread may still hold its address, but its pages go back to the
    /// OS. Hands `keep_alive` back if the buffer was already moved.
    ///
    /// # Safety
    /// `ptr..ptr+nbytes` must be valid, writable memory that no other buffer uses, while
    /// `keep_alive` lives.
    pub unsafe fn rehome(&self, ptr: *mut u8, keep_alive: Box<dyn Any + Send + Sync>) -> std::result::Result<(), Box<dyn Any + Send + Sync>> {
        if self.moved.get().is_some() {
            return Err(keep_alive);
        }
        let old = self.ptr();
        std::ptr::copy_nonoverlapping(old, ptr, self.nbytes);
        self.moved.set(Box::new(Moved { ptr: ptr as usize, keep_alive })).map_err(|m| m.keep_alive)?;
        if matches!(self.owner, Owner::Own(_)) && self.nbytes >= CACHE_MIN {
            release_pages(old, self.nbytes);
        }
        Ok(())
    }

    /// What keeps borrowed or moved memory alive (None for memory this buffer allocated).
    pub fn keep_alive(&self) -> Option<&(dyn Any + Send + Sync)> {
        match (self.moved.get(), &self.owner) {
            (Some(m), _) => Some(&*m.keep_alive),
            (None, Owner::Foreign(k)) => Some(&**k),
            _ => None,
        }
    }

    /// Record that an asynchronous copy queued now reads this (pinned) buffer.
    pub fn note_async_read(&self) {
        if let Owner::Pinned(queued) = &self.owner {
            queued.store(true, Ordering::Release);
        }
    }

    pub fn ptr(&self) -> *mut u8 {
        match self.moved.get() {
            Some(m) => m.ptr as *mut u8,
            None => self.ptr,
        }
    }
    pub fn nbytes(&self) -> usize {
        self.nbytes
    }
}

/// Give the whole pages inside `ptr..ptr+nbytes` back to the OS; the range stays mapped (reads
/// see zeros) until it is freed.
fn release_pages(ptr: *mut u8, nbytes: usize) {
    const PAGE: usize = 4096;
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + nbytes) / PAGE * PAGE;
    if end > start {
        // SAFETY: the pages lie inside an allocation this buffer owns; MADV_DONTNEED on private
        // anonymous memory only drops their contents. A failure just keeps them resident.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
    }
}

impl Drop for CpuBuffer {
    fn drop(&mut self) {
        if let Owner::Pinned(queued) = &self.owner {
            crate::cuda::pinned::release(self.ptr, self.nbytes, queued.load(Ordering::Acquire));
            return;
        }
        if let Owner::Own(layout) = self.owner {
            if self.nbytes >= CACHE_MIN && cache_put(self.ptr, self.nbytes) {
                return;
            }
            // SAFETY: allocated above with this layout.
            unsafe { dealloc(self.ptr, layout) }
        }
    }
}

pub enum Buffer {
    Cpu(CpuBuffer),
    Cuda(crate::cuda::CudaBuffer),
}

pub struct Storage {
    buffer: Buffer,
    version: AtomicU64,
}

impl Storage {
    /// Page-locked host storage (see `CpuBuffer::pinned`).
    pub fn new_pinned(nbytes: usize, zeroed: bool) -> Result<Storage> {
        Ok(Storage::from_cpu_buffer(CpuBuffer::pinned(nbytes, zeroed)?))
    }
    #[inline]
    pub fn new_cpu(nbytes: usize, zeroed: bool) -> Result<Storage> {
        Ok(Storage { buffer: Buffer::Cpu(CpuBuffer::alloc(nbytes, zeroed)?), version: AtomicU64::new(0) })
    }
    #[inline]
    pub fn from_cpu_buffer(buf: CpuBuffer) -> Storage {
        Storage { buffer: Buffer::Cpu(buf), version: AtomicU64::new(0) }
    }
    pub fn from_cuda_buffer(buf: crate::cuda::CudaBuffer) -> Storage {
        Storage { buffer: Buffer::Cuda(buf), version: AtomicU64::new(0) }
    }
    #[inline]
    pub fn new(device: Device, nbytes: usize, zeroed: bool) -> Result<Storage> {
        match device {
            Device::Cpu => Storage::new_cpu(nbytes, zeroed),
            Device::Cuda(i) => {
                let gpu = crate::cuda::gpu(i)?;
                Ok(Storage::from_cuda_buffer(crate::cuda::CudaBuffer::alloc(gpu, nbytes, zeroed)?))
            }
        }
    }
    /// Storage over memory another library owns (`keep_alive` is dropped with the storage).
    ///
    /// # Safety
    /// `ptr..ptr + nbytes` must stay valid, writable memory of `device` while `keep_alive` lives.
    pub unsafe fn foreign(device: Device, ptr: usize, nbytes: usize, keep_alive: Box<dyn Any + Send + Sync>) -> Result<Storage> {
        Ok(match device {
            Device::Cpu => Storage::from_cpu_buffer(CpuBuffer::foreign(ptr as *mut u8, nbytes, keep_alive)),
            Device::Cuda(i) => Storage::from_cuda_buffer(crate::cuda::CudaBuffer::foreign(crate::cuda::gpu(i)?, ptr as u64, nbytes, keep_alive)),
        })
    }
    pub fn device(&self) -> Device {
        match &self.buffer {
            Buffer::Cpu(_) => Device::Cpu,
            Buffer::Cuda(b) => Device::Cuda(b.ordinal()),
        }
    }
    pub fn buffer(&self) -> &Buffer {
        &self.buffer
    }
    pub fn cpu(&self) -> Option<&CpuBuffer> {
        match &self.buffer {
            Buffer::Cpu(b) => Some(b),
            Buffer::Cuda(_) => None,
        }
    }
    pub fn is_pinned(&self) -> bool {
        self.cpu().is_some_and(|b| b.is_pinned())
    }
    pub fn cuda(&self) -> Option<&crate::cuda::CudaBuffer> {
        match &self.buffer {
            Buffer::Cuda(b) => Some(b),
            Buffer::Cpu(_) => None,
        }
    }
    pub fn nbytes(&self) -> usize {
        match &self.buffer {
            Buffer::Cpu(b) => b.nbytes,
            Buffer::Cuda(b) => b.nbytes(),
        }
    }
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }
    pub fn bump_version(&self) {
        self.version.fetch_add(1, Ordering::Relaxed);
    }
}
