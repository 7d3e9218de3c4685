//! Fuzz target: advanced-indexing plans (ints, slices, None, ..., integer and bool index tensors) for
//! `x[key]` and `x[key] = v` on small tensors; errors are fine, panics and out-of-bounds reads are not.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rtorch::ops::index::{index, index_put_, IndexItem};
use rtorch::Tensor;

#[derive(Arbitrary, Debug)]
enum Item {
    Int(i8),
    Slice(Option<i8>, Option<i8>, i8),
    NewAxis,
    Ellipsis,
    Ints(Vec<i8>, u8),
    Mask(Vec<bool>, u8),
    Bool(bool),
}

#[derive(Arbitrary, Debug)]
struct Input {
    shape: Vec<u8>,
    items: Vec<Item>,
    accumulate: bool,
    value_len: u8,
}

fn item(it: &Item, shape: &[usize]) -> Option<IndexItem> {
    Some(match it {
        Item::Int(i) => IndexItem::Int(*i as i64),
        Item::Slice(a, b, s) => IndexItem::Slice(a.map(|x| x as i64), b.map(|x| x as i64), *s as i64),
        Item::NewAxis => IndexItem::NewAxis,
        Item::Ellipsis => IndexItem::Ellipsis,
        Item::Ints(v, rows) => {
            let v: Vec<i64> = v.iter().take(12).map(|&x| x as i64).collect();
            let r = (*rows as usize % 3) + 1;
            let shape = if v.len() % r == 0 && r > 1 { vec![r, v.len() / r] } else { vec![v.len()] };
            IndexItem::Tensor(Tensor::from_vec(v, &shape).ok()?)
        }
        Item::Mask(m, dims) => {
            // A mask over the leading `dims` dims of x (or a mismatched one, which must raise).
            let d = (*dims as usize % 3).min(shape.len());
            let want: usize = shape[..d].iter().product();
            let m: Vec<bool> = if m.len() >= want { m[..want].to_vec() } else { m.clone() };
            let ms = if m.len() == want { shape[..d].to_vec() } else { vec![m.len()] };
            IndexItem::Tensor(Tensor::from_vec(m, &ms).ok()?)
        }
        Item::Bool(b) => IndexItem::Tensor(Tensor::from_vec(vec![*b], &[]).ok()?),
    })
}

fuzz_target!(|inp: Input| {
    let shape: Vec<usize> = inp.shape.iter().take(4).map(|&s| (s % 5) as usize).collect();
    let n: usize = shape.iter().product();
    let x = Tensor::from_vec((0..n).map(|i| i as f32).collect::<Vec<f32>>(), &shape).unwrap();
    let items: Option<Vec<IndexItem>> = inp.items.iter().take(6).map(|i| item(i, &shape)).collect();
    let Some(items) = items else { return };
    if let Ok(r) = index(&x, &items) {
        let v = r.to_vec::<f32>().unwrap();
        assert_eq!(v.len(), r.shape().iter().product::<usize>());
        assert!(v.iter().all(|&e| e >= 0.0 && (e as usize) < n), "x[key] read an element not in x");
    }
    let vl = inp.value_len as usize % 4;
    let vshape: Vec<usize> = if vl == 0 { vec![] } else { vec![vl] };
    let value = Tensor::from_vec(vec![1.0f32; vl.max(1)], &vshape).unwrap();
    let y = x.contiguous().unwrap();
    let _ = index_put_(&y, &items, &value, inp.accumulate);
});
