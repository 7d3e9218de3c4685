//! NCCL collectives on CUDA tensors (the `nccl` backend of `rtorch.distributed`).
//!
//! The types come from cudarc's NCCL bindings (`cudarc::nccl::sys`), but the library is opened
//! here: NCCL's soname is `libnccl.so.2`, which is not among the names cudarc's loader tries (it
//! would panic), and the PyPI wheel `nvidia-nccl-cu13` installs it under site-packages, so Python
//! passes its path to `load` (as `rtorch.cuda` does for NVRTC and cuBLAS). Nothing is linked at
//! build time: without NCCL or a GPU every entry point returns a clear error.
//!
//! Every call is queued on the tensor's device stream (rtorch's one stream per device), so a
//! collective is ordered after the kernels that produced its input and before those that read its
//! result, with no extra synchronisation; `Comm::wait` polls for completion with a timeout and
//! aborts the communicator when it expires (a dead peer must not hang the job forever).
use super::launch::view_ptr;
use super::{driver_err, gpu, Gpu};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, err};
use cudarc::nccl::sys::{cudaStream_t, ncclComm_t, ncclDataType_t, ncclRedOp_t, ncclUniqueId};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

// Results are read as plain ints: NCCL may return codes newer than cudarc's enum knows.
type Res = c_int;
const NCCL_SUCCESS: Res = 0;
const NCCL_IN_PROGRESS: Res = 7;

/// The entry points rtorch uses, resolved once from the loaded library.
struct Api {
    _lib: libloading::Library,
    get_version: unsafe extern "C" fn(*mut c_int) -> Res,
    get_unique_id: unsafe extern "C" fn(*mut ncclUniqueId) -> Res,
    comm_init_rank: unsafe extern "C" fn(*mut ncclComm_t, c_int, ncclUniqueId, c_int) -> Res,
    comm_destroy: unsafe extern "C" fn(ncclComm_t) -> Res,
    comm_abort: unsafe extern "C" fn(ncclComm_t) -> Res,
    comm_get_async_error: unsafe extern "C" fn(ncclComm_t, *mut Res) -> Res,
    get_error_string: unsafe extern "C" fn(Res) -> *const c_char,
    get_last_error: unsafe extern "C" fn(ncclComm_t) -> *const c_char,
    all_reduce: unsafe extern "C" fn(*const c_void, *mut c_void, usize, ncclDataType_t, ncclRedOp_t, ncclComm_t, cudaStream_t) -> Res,
    broadcast: unsafe extern "C" fn(*const c_void, *mut c_void, usize, ncclDataType_t, c_int, ncclComm_t, cudaStream_t) -> Res,
    reduce: unsafe extern "C" fn(*const c_void, *mut c_void, usize, ncclDataType_t, ncclRedOp_t, c_int, ncclComm_t, cudaStream_t) -> Res,
    all_gather: unsafe extern "C" fn(*const c_void, *mut c_void, usize, ncclDataType_t, ncclComm_t, cudaStream_t) -> Res,
    reduce_scatter: unsafe extern "C" fn(*const c_void, *mut c_void, usize, ncclDataType_t, ncclRedOp_t, ncclComm_t, cudaStream_t) -> Res,
    send: unsafe extern "C" fn(*const c_void, usize, ncclDataType_t, c_int, ncclComm_t, cudaStream_t) -> Res,
    recv: unsafe extern "C" fn(*mut c_void, usize, ncclDataType_t, c_int, ncclComm_t, cudaStream_t) -> Res,
    group_start: unsafe extern "C" fn() -> Res,
    group_end: unsafe extern "C" fn() -> Res,
}

static API: OnceLock<std::result::Result<Api, String>> = OnceLock::new();

/// Open NCCL: the first of `paths` that loads, else `libnccl.so.2` / `libnccl.so` from the
/// system's library path. Only the first call loads; later calls report that outcome.
pub fn load(paths: &[String]) -> Result<()> {
    let r = API.get_or_init(|| {
        let mut tried = vec![];
        let names = paths.iter().cloned().chain(["libnccl.so.2".to_string(), "libnccl.so".to_string()]);
        for name in names {
            // SAFETY: loading NCCL runs its initialisers, which have no preconditions.
            match unsafe { libloading::Library::new(&name) } {
                Ok(lib) => return resolve(lib).map_err(|e| format!("{} ({})", e, name)),
                Err(e) => tried.push(format!("{}: {}", name, e)),
            }
        }
        Err(format!(
            "NCCL was not found (pip install nvidia-nccl-cu13, or put libnccl.so.2 on LD_LIBRARY_PATH); tried {}",
            tried.join("; ")
        ))
    });
    r.as_ref().map(|_| ()).map_err(|e| err!(Runtime, "{}", e))
}

fn resolve(lib: libloading::Library) -> std::result::Result<Api, String> {
    macro_rules! sym {
        ($name:literal) => {
            // SAFETY: the symbol is NCCL's exported C function with the signature declared in Api
            // (nccl.h, stable since NCCL 2.13); the Library is kept alive inside Api.
            *unsafe { lib.get($name.as_bytes()) }.map_err(|e| format!("NCCL symbol {} missing: {}", $name, e))?
        };
    }
    Ok(Api {
        get_version: sym!("ncclGetVersion"),
        get_unique_id: sym!("ncclGetUniqueId"),
        comm_init_rank: sym!("ncclCommInitRank"),
        comm_destroy: sym!("ncclCommDestroy"),
        comm_abort: sym!("ncclCommAbort"),
        comm_get_async_error: sym!("ncclCommGetAsyncError"),
        get_error_string: sym!("ncclGetErrorString"),
        get_last_error: sym!("ncclGetLastError"),
        all_reduce: sym!("ncclAllReduce"),
        broadcast: sym!("ncclBroadcast"),
        reduce: sym!("ncclReduce"),
        all_gather: sym!("ncclAllGather"),
        reduce_scatter: sym!("ncclReduceScatter"),
        send: sym!("ncclSend"),
        recv: sym!("ncclRecv"),
        group_start: sym!("ncclGroupStart"),
        group_end: sym!("ncclGroupEnd"),
        _lib: lib,
    })
}

fn api() -> Result<&'static Api> {
    match API.get() {
        Some(Ok(a)) => Ok(a),
        Some(Err(e)) => bail!(Runtime, "{}", e),
        None => {
            load(&[])?;
            api()
        }
    }
}

/// Whether NCCL is loaded (or loads from the system path) and a CUDA device is present.
pub fn is_available() -> bool {
    super::is_available() && api().is_ok()
}

/// NCCL's version as an integer (e.g. 23006 for 2.30.6).
pub fn version() -> Result<i32> {
    let a = api()?;
    let mut v: c_int = 0;
    // SAFETY: v is a valid out-pointer.
    check(a, unsafe { (a.get_version)(&mut v) }, "ncclGetVersion", None)?;
    Ok(v)
}

fn check(a: &Api, r: Res, what: &str, comm: Option<ncclComm_t>) -> Result<()> {
    if r == NCCL_SUCCESS || r == NCCL_IN_PROGRESS {
        return Ok(());
    }
    // SAFETY: NCCL returns static, NUL-terminated strings (or null).
    let text = |p: *const c_char| if p.is_null() { String::new() } else { unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned() };
    let name = text(unsafe { (a.get_error_string)(r) });
    let last = comm.map(|c| text(unsafe { (a.get_last_error)(c) })).unwrap_or_default();
    bail!(Runtime, "NCCL error in {}: {} (code {}){}{}", what, name, r, if last.is_empty() { "" } else { ": " }, last)
}

/// A new NCCL unique id (made on one rank and sent to the others before `Comm::new`).
pub fn unique_id() -> Result<[u8; 128]> {
    let a = api()?;
    let mut id = ncclUniqueId { internal: [0; 128] };
    // SAFETY: id is a valid out-pointer.
    check(a, unsafe { (a.get_unique_id)(&mut id) }, "ncclGetUniqueId", None)?;
    Ok(id.internal.map(|c| c as u8))
}

/// Reduction operators, in `ReduceOp`'s order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RedOp {
    Sum,
    Product,
    Max,
    Min,
    Avg,
}

impl RedOp {
    fn raw(self) -> ncclRedOp_t {
        match self {
            RedOp::Sum => ncclRedOp_t::ncclSum,
            RedOp::Product => ncclRedOp_t::ncclProd,
            RedOp::Max => ncclRedOp_t::ncclMax,
            RedOp::Min => ncclRedOp_t::ncclMin,
            RedOp::Avg => ncclRedOp_t::ncclAvg,
        }
    }
}

fn nccl_dtype(d: DType) -> Result<ncclDataType_t> {
    Ok(match d {
        // bool travels as bytes; the Python side maps SUM/PRODUCT to MAX/MIN (logical or/and).
        DType::Bool | DType::U8 => ncclDataType_t::ncclUint8,
        DType::I8 => ncclDataType_t::ncclInt8,
        DType::I32 => ncclDataType_t::ncclInt32,
        DType::I64 => ncclDataType_t::ncclInt64,
        DType::F16 => ncclDataType_t::ncclFloat16,
        DType::BF16 => ncclDataType_t::ncclBfloat16,
        DType::F32 => ncclDataType_t::ncclFloat32,
        DType::F64 => ncclDataType_t::ncclFloat64,
        DType::I16 => bail!(DType, "NCCL has no int16 type: cast the tensor to int32 for this collective"),
        DType::C64 | DType::C128 => {
            bail!(DType, "NCCL has no complex type: use torch.view_as_real(tensor) for this collective")
        }
    })
}

/// A communicator of `size` ranks on one CUDA device.
pub struct Comm {
    raw: ncclComm_t,
    gpu: Arc<Gpu>,
    pub rank: usize,
    pub size: usize,
    /// Set once aborted (after an error or a timeout): the handle must not be used or destroyed.
    aborted: AtomicBool,
    /// NCCL calls on one communicator must not interleave between threads.
    lock: Mutex<()>,
}

// SAFETY: the raw communicator is only used under `lock` (or after every user is gone, in Drop).
unsafe impl Send for Comm {}
unsafe impl Sync for Comm {}

impl Comm {
    /// `ncclCommInitRank`: blocks until all `size` ranks have joined with the same `id`.
    pub fn new(id: &[u8; 128], size: usize, rank: usize, device: usize) -> Result<Comm> {
        let a = api()?;
        if rank >= size {
            bail!(Value, "NCCL rank {} is out of range for a communicator of {} ranks", rank, size);
        }
        let g = gpu(device)?; // binds the device's context to this thread, as NCCL requires
        let mut raw: ncclComm_t = std::ptr::null_mut();
        let id = ncclUniqueId { internal: id.map(|b| b as c_char) };
        // SAFETY: raw is a valid out-pointer; id is passed by value.
        check(a, unsafe { (a.comm_init_rank)(&mut raw, size as c_int, id, rank as c_int) }, "ncclCommInitRank", None)?;
        Ok(Comm { raw, gpu: g, rank, size, aborted: AtomicBool::new(false), lock: Mutex::new(()) })
    }

    pub fn device(&self) -> usize {
        self.gpu.ordinal
    }

    fn stream(&self) -> cudaStream_t {
        self.gpu.stream.cu_stream() as cudaStream_t
    }

    /// Run one NCCL call under the lock, with the device current and the comm alive.
    fn call(&self, what: &str, f: impl FnOnce(&Api, ncclComm_t, cudaStream_t) -> Res) -> Result<()> {
        let a = api()?;
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if self.aborted.load(Ordering::Acquire) {
            bail!(Runtime, "NCCL communicator was aborted after an earlier error or timeout; no further collectives can run on it");
        }
        self.gpu.ctx.bind_to_thread().map_err(|e| driver_err("cuCtxSetCurrent", e))?;
        let r = f(a, self.raw, self.stream());
        check(a, r, what, Some(self.raw))
    }

    /// The device pointer, element count and NCCL type of a contiguous tensor on this device.
    fn buf(&self, t: &Tensor, what: &str) -> Result<(u64, usize, ncclDataType_t)> {
        if t.device() != Device::Cuda(self.gpu.ordinal) {
            bail!(
                Device,
                "{}: the NCCL communicator is on cuda:{} but the tensor is on {}",
                what,
                self.gpu.ordinal,
                t.device()
            );
        }
        if !t.is_contiguous() {
            bail!(Value, "{}: NCCL needs a contiguous tensor (got shape {:?}, strides {:?})", what, t.shape(), t.strides());
        }
        Ok((view_ptr(t), t.numel(), nccl_dtype(t.dtype())?))
    }

    fn same_dtype(a: &Tensor, b: &Tensor, what: &str) -> Result<()> {
        if a.dtype() != b.dtype() {
            bail!(DType, "{}: output dtype {} does not match input dtype {}", what, a.dtype(), b.dtype());
        }
        Ok(())
    }

    fn root(&self, root: usize, what: &str) -> Result<c_int> {
        if root >= self.size {
            bail!(Value, "{}: root rank {} is out of range for {} ranks", what, root, self.size);
        }
        Ok(root as c_int)
    }

    /// In-place all-reduce.
    pub fn all_reduce(&self, t: &Tensor, op: RedOp) -> Result<()> {
        let (p, n, dt) = self.buf(t, "all_reduce")?;
        // SAFETY: p addresses n elements of dt on this comm's device, alive until the stream passes
        // this call (the Python work handle keeps the tensor).
        self.call("ncclAllReduce", |a, c, s| unsafe { (a.all_reduce)(p as _, p as _, n, dt, op.raw(), c, s) })
    }

    /// In-place broadcast from `root`.
    pub fn broadcast(&self, t: &Tensor, root: usize) -> Result<()> {
        let (p, n, dt) = self.buf(t, "broadcast")?;
        let r = self.root(root, "broadcast")?;
        // SAFETY: as in all_reduce.
        self.call("ncclBroadcast", |a, c, s| unsafe { (a.broadcast)(p as _, p as _, n, dt, r, c, s) })
    }

    /// In-place reduce to `root` (other ranks' tensors are left unchanged).
    pub fn reduce(&self, t: &Tensor, root: usize, op: RedOp) -> Result<()> {
        let (p, n, dt) = self.buf(t, "reduce")?;
        let r = self.root(root, "reduce")?;
        // NCCL writes only the root's receive buffer; the others pass it but it is not touched.
        // SAFETY: as in all_reduce.
        self.call("ncclReduce", |a, c, s| unsafe { (a.reduce)(p as _, p as _, n, dt, op.raw(), r, c, s) })
    }

    /// `out` (size * input.numel() elements) receives every rank's `input`, in rank order.
    pub fn all_gather(&self, out: &Tensor, input: &Tensor) -> Result<()> {
        let (pi, n, dt) = self.buf(input, "all_gather_into_tensor")?;
        let (po, no, _) = self.buf(out, "all_gather_into_tensor")?;
        Self::same_dtype(out, input, "all_gather_into_tensor")?;
        if no != n * self.size {
            bail!(Shape, "all_gather_into_tensor: output has {} elements but {} ranks x {} input elements were expected", no, self.size, n);
        }
        // SAFETY: as in all_reduce; the sizes were checked above.
        self.call("ncclAllGather", |a, c, s| unsafe { (a.all_gather)(pi as _, po as _, n, dt, c, s) })
    }

    /// `out` receives this rank's block of the reduction of every rank's `input`.
    pub fn reduce_scatter(&self, out: &Tensor, input: &Tensor, op: RedOp) -> Result<()> {
        let (pi, n, dt) = self.buf(input, "reduce_scatter_tensor")?;
        let (po, no, _) = self.buf(out, "reduce_scatter_tensor")?;
        Self::same_dtype(out, input, "reduce_scatter_tensor")?;
        if n != no * self.size {
            bail!(Shape, "reduce_scatter_tensor: input has {} elements but {} ranks x {} output elements were expected", n, self.size, no);
        }
        // SAFETY: as in all_reduce; the sizes were checked above.
        self.call("ncclReduceScatter", |a, c, s| unsafe { (a.reduce_scatter)(pi as _, po as _, no, dt, op.raw(), c, s) })
    }

    /// `all_to_all_single`: block i of `input` (`send_counts[i]` elements) goes to rank i, which
    /// stores it as block `rank` of its `out` (recv_counts give the block sizes there).
    pub fn all_to_all(&self, out: &Tensor, input: &Tensor, send_counts: &[usize], recv_counts: &[usize]) -> Result<()> {
        let (pi, n, dt) = self.buf(input, "all_to_all_single")?;
        let (po, no, _) = self.buf(out, "all_to_all_single")?;
        Self::same_dtype(out, input, "all_to_all_single")?;
        if send_counts.len() != self.size || recv_counts.len() != self.size {
            bail!(Value, "all_to_all_single: expected {} split sizes", self.size);
        }
        if send_counts.iter().sum::<usize>() != n || recv_counts.iter().sum::<usize>() != no {
            bail!(Shape, "all_to_all_single: split sizes do not add up to the tensors' element counts ({} and {})", n, no);
        }
        let es = input.dtype().size() as u64;
        self.call("ncclGroupStart/ncclSend/ncclRecv/ncclGroupEnd", |a, c, s| {
            // SAFETY: every block lies inside its tensor (the sums were checked above).
            unsafe {
                let r = (a.group_start)();
                if r != NCCL_SUCCESS {
                    return r;
                }
                let (mut so, mut ro) = (0u64, 0u64);
                let mut first_err = NCCL_SUCCESS;
                for peer in 0..self.size {
                    let (sc, rc) = (send_counts[peer], recv_counts[peer]);
                    let r1 = (a.send)((pi + so * es) as _, sc, dt, peer as c_int, c, s);
                    let r2 = (a.recv)((po + ro * es) as _, rc, dt, peer as c_int, c, s);
                    for r in [r1, r2] {
                        if first_err == NCCL_SUCCESS && r != NCCL_SUCCESS && r != NCCL_IN_PROGRESS {
                            first_err = r;
                        }
                    }
                    so += sc as u64;
                    ro += rc as u64;
                }
                let r = (a.group_end)();
                if first_err != NCCL_SUCCESS {
                    first_err
                } else {
                    r
                }
            }
        })
    }

    /// Point-to-point send of a whole tensor to `peer`.
    pub fn send(&self, t: &Tensor, peer: usize) -> Result<()> {
        let (p, n, dt) = self.buf(t, "send")?;
        let r = self.root(peer, "send")?;
        // SAFETY: as in all_reduce.
        self.call("ncclSend", |a, c, s| unsafe { (a.send)(p as _, n, dt, r, c, s) })
    }

    /// Point-to-point receive of a whole tensor from `peer`.
    pub fn recv(&self, t: &Tensor, peer: usize) -> Result<()> {
        let (p, n, dt) = self.buf(t, "recv")?;
        let r = self.root(peer, "recv")?;
        // SAFETY: as in all_reduce.
        self.call("ncclRecv", |a, c, s| unsafe { (a.recv)(p as _, n, dt, r, c, s) })
    }

    /// An asynchronous error NCCL detected on this communicator (a peer that died, a network error).
    pub fn async_error(&self) -> Result<()> {
        let a = api()?;
        if self.aborted.load(Ordering::Acquire) {
            bail!(Runtime, "NCCL communicator was aborted");
        }
        let mut r: Res = NCCL_SUCCESS;
        // SAFETY: r is a valid out-pointer; the comm is alive (not aborted).
        check(a, unsafe { (a.comm_get_async_error)(self.raw, &mut r) }, "ncclCommGetAsyncError", Some(self.raw))?;
        check(a, r, "an earlier collective (asynchronous error)", Some(self.raw))
    }

    /// Whether every collective queued so far has finished on the device.
    pub fn query(&self) -> Result<bool> {
        self.async_error()?;
        let ev = self.gpu.stream.record_event(None).map_err(|e| driver_err("cuEventRecord", e))?;
        ev.try_is_complete().map_err(|e| driver_err("cuEventQuery", e))
    }

    /// Wait until everything queued on the device so far has finished, checking for NCCL errors;
    /// after `timeout` the communicator is aborted and an error names the wait.
    pub fn wait(&self, timeout: Duration, what: &str) -> Result<()> {
        let ev = self.gpu.stream.record_event(None).map_err(|e| driver_err("cuEventRecord", e))?;
        let start = Instant::now();
        let mut sleep = Duration::from_micros(20);
        loop {
            self.async_error()?;
            if ev.try_is_complete().map_err(|e| driver_err("cuEventQuery", e))? {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                self.abort();
                bail!(
                    Runtime,
                    "NCCL {} timed out after {:.1} s on rank {} of {} (a peer is missing, dead or stuck); the communicator was aborted",
                    what,
                    timeout.as_secs_f64(),
                    self.rank,
                    self.size
                );
            }
            std::thread::sleep(sleep);
            sleep = (sleep * 2).min(Duration::from_millis(2));
        }
    }

    /// `ncclCommAbort`: stop in-flight work and free the communicator (idempotent).
    pub fn abort(&self) {
        if !self.aborted.swap(true, Ordering::AcqRel) {
            if let Ok(a) = api() {
                // SAFETY: the comm is alive and aborted only once.
                unsafe { (a.comm_abort)(self.raw) };
            }
        }
    }
}

impl Drop for Comm {
    fn drop(&mut self) {
        if !self.aborted.swap(true, Ordering::AcqRel) {
            if let Ok(a) = api() {
                // SAFETY: last user of a live comm; destroy waits for its queued work.
                unsafe { (a.comm_destroy)(self.raw) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Without NCCL on the system, a bad path is a clear error (never a panic), and so is every
    /// call after it; with NCCL installed the system copy loads and reports its version.
    #[test]
    fn load_reports_a_missing_library() {
        let r = super::load(&["/nonexistent/libnccl.so.2".to_string()]);
        // SAFETY: only probes whether the system has NCCL.
        let system = ["libnccl.so.2", "libnccl.so"].into_iter().any(|n| unsafe { libloading::Library::new(n) }.is_ok());
        if system {
            assert!(r.is_ok());
            assert!(super::version().unwrap() >= 21300);
        } else {
            let e = r.unwrap_err().to_string();
            assert!(e.contains("NCCL was not found") && e.contains("/nonexistent/libnccl.so.2"), "{}", e);
            assert!(super::unique_id().is_err());
            assert!(!super::is_available());
        }
    }
}
