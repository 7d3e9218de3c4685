//! Fuzz target: chains of view and movement ops on an arange tensor; checks element counts, that every
//! element read back is one of the base's values, and that views stay inside their storage.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rtorch::Tensor;

#[derive(Arbitrary, Debug)]
enum Op {
    Reshape(Vec<i8>),
    Permute(Vec<i8>),
    Transpose(i8, i8),
    Slice(i8, Option<i8>, Option<i8>, i8),
    Narrow(i8, i8, i8),
    Select(i8, i8),
    Expand(Vec<i8>),
    Unsqueeze(i8),
    Squeeze(Option<Vec<i8>>),
    Flatten(i8, i8),
    Unflatten(i8, Vec<i8>),
    Diagonal(i8, i8, i8),
    Unfold(i8, u8, u8),
    Flip(Vec<i8>),
    T,
    Contiguous,
    Chunk(u8, i8),
    Split(u8, i8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    shape: Vec<u8>,
    ops: Vec<Op>,
}

fn i64s(v: &[i8]) -> Vec<i64> {
    v.iter().map(|&x| x as i64).collect()
}

fn apply(t: &Tensor, op: &Op) -> rtorch::Result<Tensor> {
    Ok(match op {
        Op::Reshape(s) => t.reshape(&i64s(s))?,
        Op::Permute(d) => t.permute(&i64s(d))?,
        Op::Transpose(a, b) => t.transpose(*a as i64, *b as i64)?,
        Op::Slice(d, a, b, s) => t.slice(*d as i64, a.map(|x| x as i64), b.map(|x| x as i64), *s as i64)?,
        Op::Narrow(d, s, l) => t.narrow(*d as i64, *s as i64, *l as i64)?,
        Op::Select(d, i) => t.select(*d as i64, *i as i64)?,
        Op::Expand(s) => t.expand_i(&i64s(s))?,
        Op::Unsqueeze(d) => t.unsqueeze(*d as i64)?,
        Op::Squeeze(d) => t.squeeze(d.as_ref().map(|d| i64s(d)).as_deref())?,
        Op::Flatten(a, b) => t.flatten(*a as i64, *b as i64)?,
        Op::Unflatten(d, s) => t.unflatten(*d as i64, &i64s(s))?,
        Op::Diagonal(o, a, b) => t.diagonal(*o as i64, *a as i64, *b as i64)?,
        Op::Unfold(d, s, st) => t.unfold(*d as i64, *s as usize, *st as usize)?,
        Op::Flip(d) => t.flip(&i64s(d))?,
        Op::T => t.t()?,
        Op::Contiguous => t.contiguous()?,
        Op::Chunk(n, d) => t.chunk(*n as usize, *d as i64)?.into_iter().last().unwrap_or_else(|| t.clone()),
        Op::Split(n, d) => t.split(*n as usize, *d as i64)?.into_iter().next().unwrap_or_else(|| t.clone()),
    })
}

fn check(t: &Tensor, base_len: usize) {
    // The exact count: 0 if any dim is 0 (the product of the others may overflow), else it must fit a usize.
    let numel = if t.shape().contains(&0) {
        0
    } else {
        let n = t.shape().iter().try_fold(1usize, |a, &s| a.checked_mul(s));
        n.unwrap_or_else(|| panic!("a view of shape {:?} whose element count overflows usize", t.shape()))
    };
    assert_eq!(numel, t.numel(), "numel disagrees with the shape {:?}", t.shape());
    assert_eq!(t.shape().len(), t.strides().len());
    // Every element of the view lies inside its storage.
    if numel > 0 {
        let (mut lo, mut hi) = (t.offset() as i128, t.offset() as i128);
        for (&n, &s) in t.shape().iter().zip(t.strides()) {
            let span = (n as i128 - 1) * s as i128;
            if span < 0 { lo += span } else { hi += span }
        }
        let cap = (t.storage().nbytes() / 4) as i128;
        assert!(lo >= 0 && hi < cap, "view {:?}/{:?}+{} escapes a storage of {cap} elements",
                t.shape(), t.strides(), t.offset());
    }
    if numel > 1 << 22 {
        return; // a legal broadcast view of billions of elements: its layout is checked, not its copy
    }
    let v = t.to_vec::<f32>().expect("to_vec of a valid view");
    assert_eq!(v.len(), numel);
    for x in v {
        assert!(x >= 0.0 && (x as usize) < base_len && x.fract() == 0.0, "element {x} is not from the base");
    }
}

/// With RTORCH_FUZZ_SKIP_KNOWN set, skip the ops that panicked on 0-d tensors before issue 15 item 2 was fixed
/// (kept to compare runs with older trees; on the fixed tree these ops return errors and need no skipping).
fn known_crash(t: &Tensor, op: &Op) -> bool {
    t.shape().is_empty()
        && matches!(op, Op::Split(..) | Op::Chunk(..) | Op::Unflatten(..) | Op::Flip(..))
        && std::env::var_os("RTORCH_FUZZ_SKIP_KNOWN").is_some()
}

fuzz_target!(|inp: Input| {
    let shape: Vec<usize> = inp.shape.iter().take(5).map(|&s| (s % 6) as usize).collect();
    let n: usize = shape.iter().product();
    let base = Tensor::from_vec((0..n).map(|i| i as f32).collect::<Vec<f32>>(), &shape).unwrap();
    let mut t = base;
    for op in inp.ops.iter().take(8) {
        if known_crash(&t, op) {
            continue;
        }
        match apply(&t, op) {
            Ok(next) => {
                check(&next, n);
                t = next;
            }
            Err(_) => {} // a clean error is fine
        }
    }
});
