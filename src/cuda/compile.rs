//! Kernel compilation: `cuda/*.cu` are embedded in the binary and compiled by NVRTC on first use,
//! one module per (source file, dtype) through the sources' dtype filter (a whole file takes
//! 10-20 s, one dtype 1-3 s), for the device's compute capability. PTX is cached on disk
//! (`RTORCH_KERNEL_CACHE`, default `~/.cache/rtorch/kernels`) and modules/functions per process.
use super::{driver_err, Gpu};
use crate::dtype::DType;
use crate::error::Result;
use crate::{bail, err};
use cudarc::driver::{CudaFunction, CudaModule};
use cudarc::nvrtc::{CompileOptions, Ptx};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const COMMON: &str = include_str!("../../cuda/common.cuh");
/// The special functions of the elementwise rows (included by unary.cu and binary.cu).
const SPECIAL: &str = include_str!("../../cuda/special.cuh");

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Unary,
    Binary,
    Reduce,
    Index,
    Random,
    Optim,
    Sort,
}

impl Family {
    /// Every kernel source file.
    pub const ALL: [Family; 7] = [Family::Unary, Family::Binary, Family::Reduce, Family::Index, Family::Random, Family::Optim, Family::Sort];

    pub fn name(self) -> &'static str {
        match self {
            Family::Unary => "unary",
            Family::Binary => "binary",
            Family::Reduce => "reduce",
            Family::Index => "index",
            Family::Random => "random",
            Family::Optim => "optim",
            Family::Sort => "sort",
        }
    }
    /// The family's source as NVRTC compiles it: the `.cu` file, plus the functors generated from
    /// the op tables for the elementwise families.
    pub fn source(self) -> String {
        match self {
            Family::Unary => format!("{}{}", self.file(), super::unary::generated_source()),
            Family::Binary => format!("{}{}", self.file(), super::binary::generated_source()),
            _ => self.file().to_string(),
        }
    }
    fn file(self) -> &'static str {
        match self {
            Family::Unary => include_str!("../../cuda/unary.cu"),
            Family::Binary => include_str!("../../cuda/binary.cu"),
            Family::Reduce => include_str!("../../cuda/reduce.cu"),
            Family::Index => include_str!("../../cuda/index.cu"),
            Family::Random => include_str!("../../cuda/random.cu"),
            Family::Optim => include_str!("../../cuda/optim.cu"),
            Family::Sort => include_str!("../../cuda/sort.cu"),
        }
    }
}

/// The dtype suffix of kernel names (`cuda/README.md`).
pub fn suffix(d: DType) -> &'static str {
    match d {
        DType::F32 => "f32",
        DType::F64 => "f64",
        DType::F16 => "f16",
        DType::BF16 => "bf16",
        DType::I64 => "i64",
        DType::I32 => "i32",
        DType::I16 => "i16",
        DType::I8 => "i8",
        DType::U8 => "u8",
        DType::Bool => "bool",
        DType::C64 => "c64",
        DType::C128 => "c128",
    }
}

#[derive(Default)]
pub struct KernelCache {
    modules: Mutex<HashMap<(Family, DType), Arc<CudaModule>>>,
    funcs: Mutex<HashMap<String, CudaFunction>>,
}

/// The directory holding cuda_fp16.h (NVRTC does not have it built in).
fn include_dir() -> Result<String> {
    let mut candidates = vec![];
    if let Ok(d) = std::env::var("RTORCH_CUDA_INCLUDE") {
        candidates.push(d);
    }
    if let Ok(d) = std::env::var("CUDA_HOME") {
        candidates.push(format!("{}/include", d));
    }
    candidates.push("/usr/local/cuda/include".into());
    for c in &candidates {
        if std::path::Path::new(c).join("cuda_fp16.h").exists() {
            return Ok(c.clone());
        }
    }
    bail!(
        Runtime,
        "CUDA kernels need cuda_fp16.h, which was not found in {:?}: pip install \"nvidia-cuda-runtime==13.0.*\" (rtorch finds it in site-packages) or set RTORCH_CUDA_INCLUDE",
        candidates
    )
}

fn cache_dir() -> Option<std::path::PathBuf> {
    if let Ok(d) = std::env::var("RTORCH_KERNEL_CACHE") {
        return if d.is_empty() { None } else { Some(d.into()) };
    }
    let base = std::env::var("XDG_CACHE_HOME")
        .ok()
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var("HOME").ok().map(|h| std::path::Path::new(&h).join(".cache")))?;
    Some(base.join("rtorch").join("kernels"))
}

fn compile(family: Family, dtype: DType, arch: u32) -> Result<Ptx> {
    // SAFETY: only tries to dlopen the library.
    if !unsafe { cudarc::nvrtc::sys::is_culib_present() } {
        bail!(
            Runtime,
            "CUDA kernels are compiled at run time by NVRTC, and libnvrtc.so.13 was not found: pip install \"nvidia-cuda-nvrtc==13.0.*\" (rtorch preloads it from site-packages) or add its directory to LD_LIBRARY_PATH"
        );
    }
    let src = family.source().replace("#include \"common.cuh\"", COMMON).replace("#include \"special.cuh\"", SPECIAL);
    let options = vec![
        "-default-device".to_string(),
        "-std=c++17".to_string(),
        format!("--gpu-architecture=compute_{}", arch),
        "-DRT_DTYPE_FILTER".to_string(),
        format!("-DRT_ENABLE_{}", suffix(dtype)),
    ];
    let inc = include_dir()?;
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&src, &options, env!("CARGO_PKG_VERSION")).hash(&mut h);
        h.finish()
    };
    let file = cache_dir().map(|d| d.join(format!("{}_{}_sm{}_{:016x}.ptx", family.name(), suffix(dtype), arch, key)));
    if let Some(f) = &file {
        if let Ok(text) = std::fs::read_to_string(f) {
            return Ok(Ptx::from_src(text));
        }
    }
    let opts = CompileOptions { options, include_paths: vec![inc], ..Default::default() };
    let ptx = cudarc::nvrtc::compile_ptx_with_opts(&src, opts)
        .map_err(|e| err!(Runtime, "NVRTC failed to compile cuda/{}.cu for {} (sm_{}): {:?}", family.name(), dtype, arch, e))?;
    if let Some(f) = &file {
        // Write-then-rename so concurrent processes never read half a file.
        if let Some(dir) = f.parent() {
            if std::fs::create_dir_all(dir).is_ok() {
                let tmp = f.with_extension(format!("tmp{}", std::process::id()));
                if std::fs::write(&tmp, ptx.to_src()).is_ok() {
                    let _ = std::fs::rename(&tmp, f);
                }
            }
        }
    }
    Ok(ptx)
}

impl Gpu {
    /// The kernel `name` from `family`'s module for `dtype` (compiled and loaded on first use).
    pub fn func(&self, family: Family, dtype: DType, name: &str) -> Result<CudaFunction> {
        if let Some(f) = self.kernels.funcs.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(f.clone());
        }
        let module = {
            let mut ms = self.kernels.modules.lock().unwrap_or_else(|e| e.into_inner());
            match ms.get(&(family, dtype)) {
                Some(m) => m.clone(),
                None => {
                    let ptx = compile(family, dtype, self.arch)?;
                    let m = self.ctx.load_module(ptx).map_err(|e| driver_err("loading a kernel module", e))?;
                    ms.insert((family, dtype), m.clone());
                    m
                }
            }
        };
        let f = module.load_function(name).map_err(|_| {
            err!(NotImplemented, "CUDA kernel '{}' does not exist (cuda/{}.cu has no such op for {})", name, family.name(), dtype)
        })?;
        self.kernels.funcs.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), f.clone());
        Ok(f)
    }
}
