//! Where a tensor's memory lives: the CPU or a CUDA device by ordinal.
use crate::bail;
use crate::error::Result;

thread_local! {
    /// The current CUDA device of this thread (`rtorch.cuda.set_device`): what `"cuda"` without
    /// an index means. Per thread, like CUDA's own current device.
    static CURRENT_CUDA: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The index `"cuda"` stands for in this thread.
pub fn current_cuda() -> usize {
    CURRENT_CUDA.with(|c| c.get())
}

/// Set the index `"cuda"` stands for in this thread.
pub fn set_current_cuda(i: usize) {
    CURRENT_CUDA.with(|c| c.set(i))
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    Cuda(usize),
}

impl Device {
    /// Parse `"cpu"`, `"cuda"` (this thread's current CUDA device), `"cuda:1"`.
    pub fn parse(s: &str) -> Result<Device> {
        let s = s.trim();
        if s == "cpu" {
            return Ok(Device::Cpu);
        }
        if s == "cuda" {
            return Ok(Device::Cuda(current_cuda()));
        }
        if let Some(i) = s.strip_prefix("cuda:") {
            if let Ok(i) = i.parse::<usize>() {
                return Ok(Device::Cuda(i));
            }
        }
        if let Some(i) = s.strip_prefix("cpu:") {
            if i == "0" {
                return Ok(Device::Cpu);
            }
        }
        bail!(
            Runtime,
            "Expected one of cpu, cuda device type at start of device string: {}",
            s
        )
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Cuda(_) => "cuda",
        }
    }
    pub fn index(&self) -> Option<usize> {
        match self {
            Device::Cpu => None,
            Device::Cuda(i) => Some(*i),
        }
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Device::Cpu => write!(f, "cpu"),
            Device::Cuda(i) => write!(f, "cuda:{}", i),
        }
    }
}
