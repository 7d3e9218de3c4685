//! `einsum`, `tensordot`, `kron`, `trace`: contractions lowered onto permute/reshape and one
//! batched matmul per operand pair, so gradients come from those ops' rules.
use crate::error::Result;
use crate::tensor::Tensor;
use crate::{bail, err};
use std::collections::BTreeMap;

/// Letters used for the dims an ellipsis stands for (never valid in user subscripts).
const ELL: &[char] = &['\u{3b1}', '\u{3b2}', '\u{3b3}', '\u{3b4}', '\u{3b5}', '\u{3b6}', '\u{3b7}', '\u{3b8}'];

fn parse_operand(s: &str, ndim: usize, ell_dims: &mut Option<usize>) -> Result<Vec<char>> {
    let letters: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let text: String = letters.iter().collect();
    if let Some(pos) = text.find("...") {
        let before: Vec<char> = text[..pos].chars().collect();
        let after: Vec<char> = text[pos + 3..].chars().collect();
        let named = before.len() + after.len();
        if ndim < named {
            bail!(Runtime, "einsum(): the number of subscripts in the equation ({}) is more than the number of dimensions ({}) for operand", named, ndim);
        }
        let n = ndim - named;
        if n > ELL.len() {
            bail!(NotImplemented, "einsum(): at most {} dims under an ellipsis are supported", ELL.len());
        }
        *ell_dims = Some(ell_dims.unwrap_or(0).max(n));
        // Align ellipsis dims to the right, like broadcasting.
        let mut out = before;
        out.extend(ELL[ELL.len() - n..].iter());
        out.extend(after);
        return check_letters(out);
    }
    if letters.len() != ndim {
        bail!(Runtime, "einsum(): the number of subscripts in the equation ({}) does not match the number of dimensions ({}) for operand and no ellipsis was given", letters.len(), ndim);
    }
    check_letters(letters)
}

fn check_letters(l: Vec<char>) -> Result<Vec<char>> {
    if let Some(c) = l.iter().find(|c| !(c.is_ascii_alphabetic() || ELL.contains(c))) {
        bail!(Runtime, "einsum(): invalid subscript given in the equation string: '{}'", c);
    }
    Ok(l)
}

/// Take the diagonal for a letter repeated within one operand, until letters are unique.
fn dedup_letters(mut t: Tensor, mut l: Vec<char>) -> Result<(Tensor, Vec<char>)> {
    loop {
        let dup = (0..l.len()).find_map(|i| (i + 1..l.len()).find(|&j| l[j] == l[i]).map(|j| (i, j)));
        let Some((i, j)) = dup else { return Ok((t, l)) };
        t = t.diagonal(0, i as i64, j as i64)?; // diagonal dim goes last
        let c = l[i];
        l.remove(j);
        l.remove(i);
        l.push(c);
    }
}

fn sum_letters(t: Tensor, l: Vec<char>, drop: &dyn Fn(char) -> bool) -> Result<(Tensor, Vec<char>)> {
    let dims: Vec<i64> = (0..l.len()).filter(|&i| drop(l[i])).map(|i| i as i64).collect();
    if dims.is_empty() {
        return Ok((t, l));
    }
    let keep: Vec<char> = l.iter().copied().filter(|&c| !drop(c)).collect();
    Ok((t.sum_dims(Some(&dims), false, None)?, keep))
}

fn permute_to(t: &Tensor, l: &[char], order: &[char]) -> Result<Tensor> {
    let perm: Vec<i64> = order.iter().map(|c| l.iter().position(|x| x == c).expect("letter present") as i64).collect();
    t.permute(&perm)
}

/// Contract two operands; `keep` says which letters survive (output or later operands).
fn contract(a: (Tensor, Vec<char>), b: (Tensor, Vec<char>), keep: &dyn Fn(char) -> bool, size: &BTreeMap<char, usize>) -> Result<(Tensor, Vec<char>)> {
    let (ta, la) = a;
    let (tb, lb) = b;
    let batch: Vec<char> = la.iter().copied().filter(|c| lb.contains(c) && keep(*c)).collect();
    let contr: Vec<char> = la.iter().copied().filter(|c| lb.contains(c) && !keep(*c)).collect();
    let a_only: Vec<char> = la.iter().copied().filter(|c| !lb.contains(c)).collect();
    let b_only: Vec<char> = lb.iter().copied().filter(|c| !la.contains(c)).collect();
    let n = |ls: &[char]| ls.iter().map(|c| size[c]).product::<usize>();
    let (nb, nm, nk, nn) = (n(&batch), n(&a_only), n(&contr), n(&b_only));
    let expand = |t: &Tensor, l: &[char]| -> Result<Tensor> { t.expand(&l.iter().map(|c| size[c]).collect::<Vec<_>>()) };
    let oa: Vec<char> = [batch.as_slice(), &a_only, &contr].concat();
    let ob: Vec<char> = [batch.as_slice(), &contr, &b_only].concat();
    let pa = expand(&permute_to(&ta, &la, &oa)?, &oa)?.reshape_u(&[nb, nm, nk])?;
    let pb = expand(&permute_to(&tb, &lb, &ob)?, &ob)?.reshape_u(&[nb, nk, nn])?;
    let r = crate::ops::matmul::bmm(&pa, &pb)?;
    let lr: Vec<char> = [batch.as_slice(), &a_only, &b_only].concat();
    let shape: Vec<usize> = lr.iter().map(|c| size[c]).collect();
    Ok((r.reshape_u(&shape)?, lr))
}

pub fn einsum(eq: &str, ops: &[Tensor]) -> Result<Tensor> {
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (eq, None),
    };
    let specs: Vec<&str> = lhs.split(',').collect();
    if specs.len() != ops.len() {
        bail!(Runtime, "einsum(): {} operands were provided but the equation has {} (\"{}\")", ops.len(), specs.len(), eq);
    }
    let mut ell = None;
    let mut parsed = vec![];
    let mut raw: Vec<char> = vec![];
    let mut size: BTreeMap<char, usize> = BTreeMap::new();
    for (s, t) in specs.iter().zip(ops) {
        let l = parse_operand(s, t.ndim(), &mut ell)?;
        for (c, &d) in l.iter().zip(t.shape()) {
            let e = size.entry(*c).or_insert(d);
            if *e != d && *e != 1 && d != 1 {
                bail!(Shape, "einsum(): operands do not broadcast with remapped shapes (subscript '{}' has sizes {} and {})", c, e, d);
            }
            *e = (*e).max(d);
        }
        raw.extend(&l);
        parsed.push(dedup_letters(t.clone(), l)?);
    }
    let ell_letters: Vec<char> = ELL[ELL.len() - ell.unwrap_or(0)..].to_vec();
    let out: Vec<char> = match rhs {
        Some(r) => {
            let r = r.replace("...", &ell_letters.iter().collect::<String>());
            let l: Vec<char> = r.chars().filter(|c| !c.is_whitespace()).collect();
            for c in &l {
                if !size.contains_key(c) {
                    bail!(Runtime, "einsum(): output subscript {} does not appear in the equation for any input operand", c);
                }
            }
            l
        }
        None => {
            // Implicit output: letters that occur exactly once in the whole equation, sorted.
            let mut counts: BTreeMap<char, usize> = BTreeMap::new();
            for c in &raw {
                *counts.entry(*c).or_default() += 1;
            }
            let mut l = ell_letters.clone();
            l.extend(counts.iter().filter(|(c, &n)| n == 1 && !ELL.contains(c)).map(|(c, _)| *c));
            l
        }
    };
    // Sum letters that occur in one operand only and not in the output, then contract pairwise.
    let n = parsed.len();
    let mut reduced = vec![];
    for i in 0..n {
        let (t, l) = parsed[i].clone();
        let elsewhere = |c: char| out.contains(&c) || parsed.iter().enumerate().any(|(j, (_, lj))| j != i && lj.contains(&c));
        reduced.push(sum_letters(t, l, &|c| !elsewhere(c))?);
    }
    let mut it = reduced.into_iter();
    let mut acc = it.next().ok_or_else(|| err!(Runtime, "einsum(): must provide at least one operand"))?;
    let rest: Vec<_> = it.collect();
    for (k, op) in rest.iter().enumerate() {
        let later: Vec<char> = rest[k + 1..].iter().flat_map(|(_, l)| l.iter().copied()).collect();
        let keep = |c: char| out.contains(&c) || later.contains(&c);
        acc = contract(acc, op.clone(), &keep, &size)?;
    }
    let (t, l) = sum_letters(acc.0, acc.1, &|c| !out.contains(&c))?;
    let t = permute_to(&t, &l, &out)?;
    let shape: Vec<usize> = out.iter().map(|c| size[c]).collect();
    if t.shape() != shape.as_slice() { t.expand(&shape) } else { Ok(t) }
}

/// `tensordot(a, b, dims)`: contract `dims_a` of a with `dims_b` of b.
pub fn tensordot(a: &Tensor, b: &Tensor, dims_a: &[i64], dims_b: &[i64]) -> Result<Tensor> {
    if dims_a.len() != dims_b.len() {
        bail!(Runtime, "both dimension lists should have same length");
    }
    // A 0-d operand has no dim to contract (PyTorch: IndexError), and each dim is contracted once.
    let da: Vec<usize> = dims_a.iter().map(|&d| crate::layout::wrap_dim_strict(d, a.ndim())).collect::<Result<_>>()?;
    let db: Vec<usize> = dims_b.iter().map(|&d| crate::layout::wrap_dim_strict(d, b.ndim())).collect::<Result<_>>()?;
    for ds in [&da, &db] {
        for (i, d) in ds.iter().enumerate() {
            if ds[..i].contains(d) {
                bail!(Runtime, "dim {} appears multiple times in the list of dims", d);
            }
        }
    }
    for (&x, &y) in da.iter().zip(&db) {
        if a.shape()[x] != b.shape()[y] {
            bail!(Shape, "contracted dimensions need to match, but first has size {} in dim {} and second has size {} in dim {}", a.shape()[x], x, b.shape()[y], y);
        }
    }
    let fa: Vec<usize> = (0..a.ndim()).filter(|d| !da.contains(d)).collect();
    let fb: Vec<usize> = (0..b.ndim()).filter(|d| !db.contains(d)).collect();
    let k: usize = da.iter().map(|&d| a.shape()[d]).product();
    let m: usize = fa.iter().map(|&d| a.shape()[d]).product();
    let n: usize = fb.iter().map(|&d| b.shape()[d]).product();
    let pa: Vec<i64> = fa.iter().chain(&da).map(|&d| d as i64).collect();
    let pb: Vec<i64> = db.iter().chain(&fb).map(|&d| d as i64).collect();
    let r = crate::ops::matmul::mm(&a.permute(&pa)?.reshape_u(&[m, k])?, &b.permute(&pb)?.reshape_u(&[k, n])?)?;
    let shape: Vec<usize> = fa.iter().map(|&d| a.shape()[d]).chain(fb.iter().map(|&d| b.shape()[d])).collect();
    r.reshape_u(&shape)
}

/// Kronecker product.
pub fn kron(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let n = a.ndim().max(b.ndim());
    let pad = |t: &Tensor| -> Result<Tensor> {
        let mut s = vec![1usize; n - t.ndim()];
        s.extend(t.shape());
        t.reshape_u(&s)
    };
    let (a, b) = (pad(a)?, pad(b)?);
    let mut sa = vec![];
    let mut sb = vec![];
    let mut out = vec![];
    for i in 0..n {
        sa.extend([a.shape()[i], 1]);
        sb.extend([1, b.shape()[i]]);
        out.push(a.shape()[i].checked_mul(b.shape()[i]).ok_or_else(|| err!(Alloc, "Storage size calculation overflowed in kron of {:?} and {:?}", a.shape(), b.shape()))?);
    }
    a.reshape_u(&sa)?.mul(&b.reshape_u(&sb)?)?.reshape_u(&out)
}

/// Sum of the main diagonal of a matrix.
pub fn trace(x: &Tensor) -> Result<Tensor> {
    if x.ndim() != 2 {
        bail!(Runtime, "trace: expected a matrix, but got tensor with dim {}", x.ndim());
    }
    x.diagonal(0, 0, 1)?.sum()
}
