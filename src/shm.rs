//! Shared CPU memory: anonymous memfd mappings that other processes attach through a file
//! descriptor (`Tensor.share_memory_()`, tensors sent through `rtorch.multiprocessing`).
//!
//! A shared storage owns a `Mapping` (the fd and a `MAP_SHARED` mapping of it). The kernel frees
//! the memory when the last fd and mapping in any process are gone, so nothing is left behind in
//! /dev/shm when a process dies. Each process keeps a registry from the memfd's identity (device,
//! inode) to the storage mapping it, so a storage received twice (or sent back to its creator)
//! maps to one storage, and views keep sharing it.
use crate::error::Result;
use crate::storage::{CpuBuffer, Storage};
use crate::{bail, err};
use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex, Weak};

/// (st_dev, st_ino) of a memfd: the same in every process that holds it.
type Key = (u64, u64);

static REGISTRY: Mutex<Option<HashMap<Key, Weak<Storage>>>> = Mutex::new(None);

/// An owned, writable `MAP_SHARED` mapping of a memfd (none for 0 bytes).
pub struct Mapping {
    fd: OwnedFd,
    ptr: *mut u8,
    len: usize,
    key: Key,
}

// SAFETY: the mapping is plain shared memory; access is governed by the tensors using it.
unsafe impl Send for Mapping {}
unsafe impl Sync for Mapping {}

fn os_err(what: &str) -> crate::Error {
    err!(Runtime, "{}: {}", what, std::io::Error::last_os_error())
}

fn key_of(fd: RawFd) -> Result<Key> {
    // SAFETY: fstat writes into the zeroed struct; fd is open.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err(os_err("unable to stat shared memory fd"));
    }
    Ok((st.st_dev as u64, st.st_ino as u64))
}

impl Mapping {
    /// A new shared memory object of `len` bytes (zero-filled by the kernel).
    pub fn create(len: usize) -> Result<Mapping> {
        // SAFETY: the name is a NUL-terminated literal.
        let raw = unsafe { libc::memfd_create(c"rtorch_shm".as_ptr(), libc::MFD_CLOEXEC) };
        if raw < 0 {
            return Err(os_err("unable to create shared memory"));
        }
        // SAFETY: memfd_create returned a fresh fd that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        if unsafe { libc::ftruncate(fd.as_raw_fd(), len as libc::off_t) } != 0 {
            return Err(os_err(&format!("unable to resize shared memory to {} bytes", len)));
        }
        Mapping::map(fd, len)
    }

    /// Map `len` bytes of a shared memory object received from another process (takes the fd).
    pub fn attach(fd: OwnedFd, len: usize) -> Result<Mapping> {
        // SAFETY: fstat on an open fd into a zeroed struct.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 {
            return Err(os_err("unable to stat shared memory fd"));
        }
        if (st.st_size as u64) < len as u64 {
            bail!(Runtime, "shared memory object holds {} bytes, expected at least {}", st.st_size, len);
        }
        Mapping::map(fd, len)
    }

    fn map(fd: OwnedFd, len: usize) -> Result<Mapping> {
        let key = key_of(fd.as_raw_fd())?;
        if len == 0 {
            // mmap refuses 0 bytes; an empty storage needs no memory, only the fd to pass on.
            return Ok(Mapping { fd, ptr: 64 as *mut u8, len, key });
        }
        // SAFETY: a fresh shared mapping of an fd at least `len` bytes long.
        let p = unsafe {
            libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd.as_raw_fd(), 0)
        };
        if p == libc::MAP_FAILED {
            return Err(os_err(&format!("unable to map {} bytes of shared memory", len)));
        }
        Ok(Mapping { fd, ptr: p as *mut u8, len, key })
    }

    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Forget this object in the registry unless a live storage (another mapping) holds it.
        if let Some(reg) = REGISTRY.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            if reg.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
                reg.remove(&self.key);
            }
        }
        if self.len > 0 {
            // SAFETY: mapped in `map` with this length; no storage uses it any more.
            unsafe { libc::munmap(self.ptr as *mut libc::c_void, self.len) };
        }
    }
}

fn register(key: Key, storage: &Arc<Storage>) {
    let mut g = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    g.get_or_insert_with(HashMap::new).insert(key, Arc::downgrade(storage));
}

/// The mapping a CPU storage lives in, if it is shared.
pub fn mapping(storage: &Storage) -> Option<&Mapping> {
    storage.cpu()?.keep_alive()?.downcast_ref::<Mapping>()
}

/// Whether a storage lives in shared memory (CUDA storages count as shared, as in PyTorch).
pub fn is_shared(storage: &Storage) -> bool {
    storage.cpu().is_none() || mapping(storage).is_some()
}

/// Move a CPU storage into shared memory in place (every tensor on it sees the move); a no-op
/// for storages already shared and for CUDA storages.
pub fn share(storage: &Arc<Storage>) -> Result<()> {
    let Some(buf) = storage.cpu() else { return Ok(()) };
    if mapping(storage).is_some() {
        return Ok(());
    }
    let map = Mapping::create(buf.nbytes())?;
    let (ptr, key) = (map.ptr, map.key);
    // SAFETY: the mapping is nbytes of fresh writable memory kept alive by the box.
    match unsafe { buf.rehome(ptr, Box::new(map)) } {
        Ok(()) => register(key, storage),
        // Another thread moved it first: ours is dropped (unmapped, never registered).
        Err(ours) => drop(ours),
    }
    Ok(())
}

/// A new zero-filled storage of `nbytes` in shared memory.
pub fn new_shared(nbytes: usize) -> Result<Arc<Storage>> {
    let map = Mapping::create(nbytes)?;
    let (ptr, key) = (map.ptr, map.key);
    // SAFETY: the mapping holds nbytes writable bytes and lives as long as the box.
    let s = Arc::new(Storage::from_cpu_buffer(unsafe { CpuBuffer::foreign(ptr, nbytes, Box::new(map)) }));
    register(key, &s);
    Ok(s)
}

/// The storage for a shared memory fd received from another process (the fd is taken): the one
/// this process already maps for that object, else a new mapping of `nbytes`.
pub fn attach(fd: OwnedFd, nbytes: usize) -> Result<Arc<Storage>> {
    let key = key_of(fd.as_raw_fd())?;
    // The lock is released at the end of this statement: dropping a storage takes it too.
    let known = REGISTRY.lock().unwrap_or_else(|e| e.into_inner()).as_ref().and_then(|r| r.get(&key)).and_then(Weak::upgrade);
    if let Some(s) = known {
        if s.nbytes() != nbytes {
            bail!(Runtime, "shared storage of {} bytes received as {} bytes", s.nbytes(), nbytes);
        }
        return Ok(s); // the duplicate fd closes here
    }
    let map = Mapping::attach(fd, nbytes)?;
    let ptr = map.ptr;
    // SAFETY: the mapping holds nbytes writable bytes and lives as long as the box.
    let s = Arc::new(Storage::from_cpu_buffer(unsafe { CpuBuffer::foreign(ptr, nbytes, Box::new(map)) }));
    register(key, &s);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DType, Device, Tensor};

    #[test]
    fn share_in_place_keeps_values_and_views() {
        let t = Tensor::from_vec((0..1000).map(|i| i as f32).collect::<Vec<_>>(), &[10, 100]).unwrap();
        let v = t.with_layout(crate::layout::Layout { offset: 100, ..t.layout().clone() });
        assert!(!is_shared(t.storage()));
        share(t.storage()).unwrap();
        assert!(is_shared(t.storage()) && is_shared(v.storage()));
        assert_eq!(t.to_vec::<f32>().unwrap()[999], 999.0);
        // A second share is a no-op that keeps the same memory.
        let p = t.storage().cpu().unwrap().ptr();
        share(t.storage()).unwrap();
        assert_eq!(p, t.storage().cpu().unwrap().ptr());
    }

    #[test]
    fn big_owned_buffer_moves_and_old_pages_are_dropped() {
        let t = Tensor::full(&[1 << 19], crate::Scalar::Float(2.5), DType::F32, Device::Cpu).unwrap();
        share(t.storage()).unwrap();
        assert!(t.to_vec::<f32>().unwrap().iter().all(|&x| x == 2.5));
    }

    #[test]
    fn attach_finds_the_registered_storage() {
        let s = new_shared(16).unwrap();
        let fd = mapping(&s).unwrap().fd();
        // SAFETY: dup gives a new fd that the OwnedFd takes.
        let dup = unsafe { OwnedFd::from_raw_fd(libc::dup(fd)) };
        let again = attach(dup, 16).unwrap();
        assert!(Arc::ptr_eq(&s, &again));
        let dup = unsafe { OwnedFd::from_raw_fd(libc::dup(fd)) };
        assert!(attach(dup, 32).is_err());
        // Once the storage is gone, a new attach maps the object afresh.
        let dup = unsafe { OwnedFd::from_raw_fd(libc::dup(fd)) };
        drop((s, again));
        let fresh = attach(dup, 16).unwrap();
        assert_eq!(fresh.nbytes(), 16);
    }

    #[test]
    fn empty_storage_can_be_shared() {
        let s = new_shared(0).unwrap();
        assert!(is_shared(&s));
        let dup = unsafe { OwnedFd::from_raw_fd(libc::dup(mapping(&s).unwrap().fd())) };
        assert!(Arc::ptr_eq(&attach(dup, 0).unwrap(), &s));
    }
}
