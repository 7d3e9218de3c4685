//! `cargo bench`: the CPU kernels timed from Rust alone (no Python), with criterion.
//! Sizes match benchmarks/bench.py so the two can be read side by side; samples are few and short
//! so the whole run takes a few minutes. Threads: RTORCH_NUM_THREADS (default: every core).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rtorch::ops::random::randn;
use rtorch::{DType, Tensor};
use std::hint::black_box;
use std::time::Duration;

const N: usize = 16 << 20;
const F32: u64 = 4;

fn randn_f32(shape: &[usize]) -> Tensor {
    randn(shape, DType::F32, None).expect("randn")
}

fn elementwise(c: &mut Criterion) {
    let (a, b) = (randn_f32(&[N]), randn_f32(&[N]));
    let dst = Tensor::zeros(&[N], DType::F32, rtorch::Device::Cpu).expect("zeros");
    let mut g = c.benchmark_group("elementwise_16M_f32");
    // Bytes read + written: a new result comes from the buffer cache after the first call.
    g.throughput(Throughput::Bytes(3 * N as u64 * F32));
    g.bench_function("add", |bn| bn.iter(|| black_box(a.add(&b).unwrap())));
    g.bench_function("mul", |bn| bn.iter(|| black_box(a.mul(&b).unwrap())));
    g.throughput(Throughput::Bytes(2 * N as u64 * F32));
    g.bench_function("exp", |bn| bn.iter(|| black_box(a.exp().unwrap())));
    g.bench_function("tanh", |bn| bn.iter(|| black_box(a.tanh().unwrap())));
    // The memory roof: a plain copy into a preallocated buffer.
    g.bench_function("copy_into", |bn| bn.iter(|| rtorch::cpu::copy_cast(&a, &dst).unwrap()));
    g.finish();
}

fn reductions(c: &mut Criterion) {
    let a = randn_f32(&[N]);
    let m = randn_f32(&[4096, 4096]);
    let s = randn_f32(&[4096, 1024]);
    let mut g = c.benchmark_group("reduce_f32");
    g.throughput(Throughput::Bytes(N as u64 * F32));
    g.bench_function("sum_16M", |bn| bn.iter(|| black_box(a.sum().unwrap())));
    g.bench_function("sum_lastdim_4096x4096", |bn| bn.iter(|| black_box(m.sum_dims(Some(&[-1]), false, None).unwrap())));
    g.throughput(Throughput::Bytes(2 * 4096 * 1024 * F32));
    g.bench_function("softmax_lastdim_4096x1024", |bn| bn.iter(|| black_box(s.softmax(-1, false).unwrap())));
    g.bench_function("log_softmax_lastdim_4096x1024", |bn| bn.iter(|| black_box(s.softmax(-1, true).unwrap())));
    g.bench_function("softmax_dim0_4096x1024", |bn| bn.iter(|| black_box(s.softmax(0, false).unwrap())));
    g.finish();
}

fn matmul_conv(c: &mut Criterion) {
    let mut g = c.benchmark_group("matmul_conv_f32");
    for n in [256usize, 1024] {
        let (a, b) = (randn_f32(&[n, n]), randn_f32(&[n, n]));
        g.throughput(Throughput::Elements(2 * (n * n * n) as u64)); // flops
        g.bench_function(format!("matmul_{n}"), |bn| bn.iter(|| black_box(a.matmul(&b).unwrap())));
    }
    let (x, w, bias) = (randn_f32(&[32, 3, 32, 32]), randn_f32(&[64, 3, 3, 3]), randn_f32(&[64]));
    g.throughput(Throughput::Elements(2 * 32 * 64 * 32 * 32 * 3 * 9));
    g.bench_function("conv2d_n32_3to64_3x3_32x32_pad1", |bn| {
        bn.iter(|| black_box(rtorch::ops::conv::conv2d(&x, &w, Some(&bias), [1, 1], [1, 1], [1, 1], 1).unwrap()))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
}

criterion_group! { name = benches; config = config(); targets = elementwise, reductions, matmul_conv }
criterion_main!(benches);
