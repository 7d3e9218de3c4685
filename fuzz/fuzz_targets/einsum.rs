//! Fuzz target: einsum's equation parser and contraction planner with arbitrary equations and operand shapes.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rtorch::Tensor;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Equation bytes: mapped onto einsum's alphabet most of the time, raw otherwise.
    eq: Vec<u8>,
    raw: bool,
    shapes: Vec<Vec<u8>>,
}

const ALPHABET: &[u8] = b"abijk,->.  Z";

fuzz_target!(|inp: Input| {
    let eq: String = if inp.raw {
        String::from_utf8_lossy(&inp.eq).into_owned()
    } else {
        inp.eq.iter().take(24).map(|&b| ALPHABET[b as usize % ALPHABET.len()] as char).collect()
    };
    let ops: Vec<Tensor> = inp
        .shapes
        .iter()
        .take(3)
        .map(|s| {
            let shape: Vec<usize> = s.iter().take(4).map(|&d| (d % 4) as usize).collect();
            let n: usize = shape.iter().product();
            Tensor::from_vec((0..n).map(|i| i as f32).collect::<Vec<f32>>(), &shape).unwrap()
        })
        .collect();
    if let Ok(r) = rtorch::ops::einsum::einsum(&eq, &ops) {
        let v = r.to_vec::<f32>().unwrap();
        assert_eq!(v.len(), r.numel());
    }
});
