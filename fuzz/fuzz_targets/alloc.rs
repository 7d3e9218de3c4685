//! Fuzz target: creation and size arithmetic with hostile sizes (huge, overflowing products): an
//! impossible size must be an error, never an abort, an overflowed count, or an attempt to allocate it.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rtorch::{DType, Device, Scalar, Tensor};

#[derive(Arbitrary, Debug)]
struct Input {
    dims: Vec<u64>,
    expand: Vec<i64>,
    view: Vec<i64>,
    which: u8,
}

fuzz_target!(|inp: Input| {
    // Sizes up to 2^40 elements or with a product that overflows; small ones stay small.
    let shape: Vec<usize> = inp.dims.iter().take(4).map(|&d| if d % 7 == 0 { (d >> 24) as usize } else { (d % 5) as usize }).collect();
    let dtype = [DType::F32, DType::F64, DType::U8, DType::I64][inp.which as usize % 4];
    // Sizes a machine can hold (< 2^24 elements) must work; impossible ones (>= 2^40, or an overflowing
    // product) must be an error. Sizes in between are legal but only test the machine's memory.
    let count = shape.iter().try_fold(1usize, |a, &s| a.checked_mul(s));
    match count {
        Some(n) if n < 1 << 24 => {
            let t = Tensor::full(&shape, Scalar::Float(1.0), dtype, Device::Cpu).expect("a small tensor");
            assert_eq!(t.numel(), n);
        }
        Some(n) if n < 1 << 40 => {}
        _ => assert!(Tensor::full(&shape, Scalar::Float(1.0), dtype, Device::Cpu).is_err()),
    }
    let one = Tensor::from_vec(vec![1.0f32], &[1]).unwrap();
    let ex: Vec<i64> = inp.expand.iter().take(4).copied().collect();
    if let Ok(e) = one.expand_i(&ex) {
        // A broadcast view's element count must be exact (no wrapped product).
        let exact = e.shape().iter().try_fold(1usize, |a, &s| a.checked_mul(s));
        assert_eq!(exact, Some(e.numel()), "expand to {:?} gave numel {}", e.shape(), e.numel());
        let v: Vec<i64> = inp.view.iter().take(4).copied().collect();
        if let Ok(w) = e.view(&v) {
            assert_eq!(Some(w.numel()), exact, "view {:?} of {:?}", w.shape(), e.shape());
        }
    }
});
