//! The backward pass, written once for every op: dependency counting, reverse topological
//! execution (latest node first), gradient accumulation and graph release.
use crate::tape::{anomaly, with_grad_mode, Edge, Node};
use crate::error::Result;
use crate::tensor::{Tensor, TensorImpl};
use crate::{bail, err};
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes the engine's keys, which are addresses (of nodes and tensors): one multiply instead of
/// SipHash, whose cost showed in the backward pass of small graphs.
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        // Addresses are 16-byte aligned: fold the high bits of the product down.
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

type AddrMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;

/// A leaf reached by this pass: gradient edges still to come, the sum of what arrived so far. As
/// PyTorch's AccumulateGrad does, a leaf used several times gets its hooks and its accumulation
/// once, on the sum, after its last edge (or at the end of the pass).
struct PendingLeaf {
    pending: usize,
    buf: Option<Tensor>,
    leaf: Tensor,
}

/// The leaves this pass delivers to, in the order the graph walk met them (so the leaves whose
/// last edge never ran are finished in a fixed order).
#[derive(Default)]
struct Leaves {
    at: AddrMap<usize>,
    list: Vec<Option<PendingLeaf>>,
}

impl Leaves {
    /// Count one more gradient edge into leaf `t`.
    fn count_edge(&mut self, t: &Tensor) {
        let k = Arc::as_ptr(&t.0) as usize;
        let i = *self.at.entry(k).or_insert_with(|| {
            self.list.push(Some(PendingLeaf { pending: 0, buf: None, leaf: t.clone() }));
            self.list.len() - 1
        });
        if let Some(s) = &mut self.list[i] {
            s.pending += 1;
        }
    }
}

/// Where a leaf's summed gradient goes: `.grad`, or `autograd.grad`'s results.
struct LeafSink<'a> {
    targets: &'a Option<Vec<Target>>,
    accumulate_into_grad: bool,
}

impl LeafSink<'_> {
    /// Whether this pass delivers to leaf `t`: every leaf for `backward()`, only the requested
    /// ones for `autograd.grad` / `backward(inputs=...)` (as in PyTorch, the others' hooks do not run).
    fn wants(&self, t: &Tensor) -> bool {
        let addr = Arc::as_ptr(&t.0) as usize;
        self.targets.as_ref().is_none_or(|ts| ts.iter().any(|x| matches!(x, Target::Leaf(a) if *a == addr)))
    }

    /// One gradient edge into `t` arrived (`g`) or was skipped (`None`); after the last, the sum is
    /// delivered and, where it reached `.grad`, the post-accumulate hooks run.
    fn edge_done(&self, leaves: &mut Leaves, captured: &mut [Option<Tensor>], t: &Tensor, g: Option<Tensor>) -> Result<()> {
        let Some(&i) = leaves.at.get(&(Arc::as_ptr(&t.0) as usize)) else {
            return Ok(()); // a leaf this pass does not deliver to
        };
        let Some(s) = &mut leaves.list[i] else { return Ok(()) };
        if let Some(g) = g {
            accumulate(&mut s.buf, g)?;
        }
        s.pending -= 1;
        if s.pending == 0 {
            if let Some(s) = leaves.list[i].take() {
                self.finish(captured, s)?;
            }
        }
        Ok(())
    }

    /// Deliver what a leaf received (hooks, `grad_dtype`, accumulation), then, where it reached
    /// `.grad`, its post-accumulate hooks.
    fn finish(&self, captured: &mut [Option<Tensor>], s: PendingLeaf) -> Result<()> {
        let Some(g) = s.buf else { return Ok(()) };
        if deliver_leaf(&s.leaf, g, self.targets, captured, self.accumulate_into_grad)? {
            run_post_hooks(&s.leaf)?;
        }
        Ok(())
    }
}

fn run_post_hooks(t: &Tensor) -> Result<()> {
    let hooks = t.meta().post_accumulate_hooks.clone();
    for h in hooks {
        h(t)?;
    }
    Ok(())
}
use std::sync::Arc;

fn key(n: &Arc<Node>) -> usize {
    Arc::as_ptr(n) as usize
}

/// Where `autograd.grad` collects gradients instead of writing `.grad`.
enum Target {
    Leaf(usize),        // TensorImpl address
    Output(usize, usize), // (node address, output_nr)
}

fn accumulate(slot: &mut Option<Tensor>, g: Tensor) -> Result<()> {
    *slot = Some(match slot.take() {
        None => g,
        Some(prev) => prev.add(&g)?,
    });
    Ok(())
}

impl Tensor {
    /// `loss.backward()` for a one-element float output: accumulate d(self)/d(leaf) into the
    /// `.grad` of every leaf that requires grad, then release the graph.
    pub fn backward(&self) -> Result<()> {
        if self.numel() != 1 {
            bail!(Runtime, "grad can be implicitly created only for scalar outputs");
        }
        if !self.dtype().is_float() {
            bail!(Runtime, "grad can be implicitly created only for real scalar outputs but got {}", self.dtype());
        }
        if !self.requires_grad() {
            bail!(Runtime, "element 0 of tensors does not require grad and does not have a grad_fn");
        }
        let g = Tensor::full(self.shape(), crate::scalar::Scalar::Float(1.0), self.dtype(), self.device())?;
        run_backward(&[(self.clone(), g)], false, false, None, true).map(|_| ())
    }
}

/// Run backward from `roots` (tensor, gradient) pairs.
///
/// With `inputs = None` gradients accumulate into the `.grad` of every reachable leaf. With
/// `inputs = Some(ts)` and `accumulate_into_grad = false` (autograd.grad) the gradients of `ts`
/// are returned and no `.grad` is touched; with `true` (backward(inputs=...)) only `ts` accumulate.
pub fn run_backward(
    roots: &[(Tensor, Tensor)],
    retain_graph: bool,
    create_graph: bool,
    inputs: Option<&[Tensor]>,
    accumulate_into_grad: bool,
) -> Result<Vec<Option<Tensor>>> {
    // Targets for autograd.grad / backward(inputs=...).
    let targets: Option<Vec<Target>> = inputs.map(|ts| {
        ts.iter()
            .map(|t| match t.grad_fn() {
                Some(f) => Target::Output(key(&f), t.meta().output_nr),
                None => Target::Leaf(Arc::as_ptr(&t.0) as usize),
            })
            .collect()
    });
    let mut captured: Vec<Option<Tensor>> = vec![None; inputs.map_or(0, |t| t.len())];
    let sink = LeafSink { targets: &targets, accumulate_into_grad };

    // 1. The graph: every node reachable from the roots (iterative DFS: no recursion limit), latest first.
    let mut nodes: AddrMap<Arc<Node>> = AddrMap::default();
    let mut stack: Vec<Arc<Node>> = vec![];
    for (t, _) in roots {
        if let Some(f) = t.grad_fn() {
            if nodes.insert(key(&f), f.clone()).is_none() {
                stack.push(f);
            }
        }
    }
    while let Some(n) = stack.pop() {
        for e in n.next.iter().flatten() {
            if let Edge::Node(m, _) = e {
                if nodes.insert(key(m), m.clone()).is_none() {
                    stack.push(m.clone());
                }
            }
        }
    }
    let mut order: Vec<&Arc<Node>> = nodes.values().collect();
    order.sort_unstable_by_key(|n| std::cmp::Reverse(n.seq));
    let captures = |k: usize| targets.as_ref().is_some_and(|ts| ts.iter().any(|t| matches!(t, Target::Output(nk, _) if *nk == k)));
    let needed = needed_nodes(&order, &targets, &sink, &captures);
    // Whether a node's rule runs, and whether it is visited at all (to capture a target output's gradient).
    let runs = |k: usize| needed.as_ref().is_none_or(|m| m.get(&k).copied().unwrap_or(true));
    let visits = |k: usize| runs(k) || captures(k);

    // Dependencies: how many gradient edges from running nodes point into each visited node and leaf.
    let mut leaves = Leaves::default();
    let mut deps: AddrMap<usize> = AddrMap::default();
    for (t, _) in roots {
        if t.grad_fn().is_none() && sink.wants(t) {
            leaves.count_edge(t);
        }
    }
    for n in order.iter().filter(|n| runs(key(n))) {
        for e in n.next.iter().flatten() {
            match e {
                Edge::Node(m, _) if visits(key(m)) => *deps.entry(key(m)).or_insert(0) += 1,
                Edge::Node(..) => {}
                Edge::Leaf(t) if sink.wants(t) => leaves.count_edge(t),
                Edge::Leaf(_) => {}
            }
        }
    }

    // 2. Seed gradients.
    let mut buffers: AddrMap<Vec<Option<Tensor>>> = AddrMap::default();
    let mut ready: BinaryHeap<(u64, usize)> = BinaryHeap::new();
    for (t, g) in roots {
        match t.grad_fn() {
            Some(f) if visits(key(&f)) => {
                let nr = t.meta().output_nr;
                let buf = buffers.entry(key(&f)).or_insert_with(|| vec![None; f.num_outputs]);
                accumulate(&mut buf[nr], g.clone())?;
            }
            Some(_) => {}
            None => {
                if !t.meta().requires_grad {
                    bail!(Runtime, "element 0 of tensors does not require grad and does not have a grad_fn");
                }
                sink.edge_done(&mut leaves, &mut captured, t, Some(g.clone()))?;
            }
        }
    }
    for n in &order {
        let k = key(n);
        if deps.get(&k).copied().unwrap_or(0) == 0 && buffers.contains_key(&k) {
            ready.push((n.seq, k));
        }
    }
    drop(order);

    // 3. Execute in order: a node runs once all gradients flowing into it have arrived.
    while let Some((_, k)) = ready.pop() {
        let node = nodes[&k].clone();
        let mut grads = buffers.remove(&k).unwrap_or_default();
        // Tensor hooks on this node's outputs, then retain_grad.
        let hooks: Vec<_> = node.pre_hooks.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for (nr, h) in hooks {
            if let Some(g) = &grads[nr] {
                if let Some(new) = h(g)? {
                    grads[nr] = Some(new);
                }
            }
        }
        for (nr, w) in node.retained.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            if let (Some(t), Some(g)) = (w.upgrade(), &grads[*nr]) {
                let t = Tensor(t);
                let g = if create_graph { g.clone() } else { g.detach() };
                let mut m = t.meta();
                m.grad = Some(match m.grad.take() {
                    None => g,
                    Some(p) => p.add(&g)?,
                });
            }
        }
        if let Some(ts) = &targets {
            for (i, tg) in ts.iter().enumerate() {
                if let Target::Output(nk, nr) = tg {
                    if *nk == k {
                        if let Some(g) = &grads[*nr] {
                            accumulate(&mut captured[i], g.clone())?;
                        }
                    }
                }
            }
        }
        if !runs(k) {
            continue; // visited only to capture a target's gradient
        }
        let input_grads = {
            let rule = {
                let mut r = node.rule.lock().unwrap_or_else(|e| e.into_inner());
                if retain_graph {
                    r.clone()
                } else {
                    r.take()
                }
            };
            let rule = rule.ok_or_else(|| {
                err!(
                    Runtime,
                    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."
                )
            })?;
            // Fill absent output gradients with None; rules treat None as zero.
            let out = with_grad_mode(create_graph, || rule.apply(&node, &grads))
                .and_then(|gs| anomaly::check_grads(&node.display_name(), &gs).map(|_| gs));
            out.inspect_err(|_| anomaly::report_failure(&node.display_name(), node.forward_stack.as_deref()))?
        };
        if input_grads.len() != node.next.len() {
            bail!(
                Runtime,
                "function {} returned an incorrect number of gradients (expected {}, got {})",
                node.display_name(),
                node.next.len(),
                input_grads.len()
            );
        }
        for ((((edge, g), shape), dev), real) in
            node.next.iter().zip(input_grads).zip(&node.input_shapes).zip(&node.input_devices).zip(&node.input_real)
        {
            if matches!(edge, Some(Edge::Node(m, _)) if !visits(key(m))) {
                continue; // leads to no target
            }
            let (Some(edge), Some(g)) = (edge, g) else {
                match edge {
                    Some(Edge::Node(m, _)) => release_dep(m, &mut deps, &buffers, &mut ready),
                    Some(Edge::Leaf(t)) => sink.edge_done(&mut leaves, &mut captured, t, None)?,
                    None => {}
                }
                continue;
            };
            if g.shape() != shape.as_slice() {
                bail!(
                    Runtime,
                    "Function {} returned an invalid gradient - got {:?} but expected shape compatible with {:?}",
                    node.display_name(),
                    g.shape(),
                    shape
                );
            }
            let g = if g.device() != *dev { with_grad_mode(create_graph, || g.to_device(*dev))? } else { g };
            let g = if *real && g.dtype().is_complex() { with_grad_mode(create_graph, || g.real_part()?.contiguous())? } else { g };
            // Detached, and the undetached handle dropped right away: the gradient's only handle
            // is then the detached one, so a leaf's first gradient can be kept as `.grad` without
            // a copy (see accumulate_grad; shadowing alone would keep the old handle alive).
            let g = if create_graph {
                g
            } else {
                let d = g.detach();
                drop(g);
                d
            };
            match edge {
                Edge::Leaf(t) => {
                    sink.edge_done(&mut leaves, &mut captured, t, Some(g))?;
                }
                Edge::Node(m, nr) => {
                    let buf = buffers.entry(key(m)).or_insert_with(|| vec![None; m.num_outputs]);
                    accumulate(&mut buf[*nr], g)?;
                    release_dep(m, &mut deps, &buffers, &mut ready);
                }
            }
        }
    }
    // Leaves some of whose edges hang from nodes that never ran (no gradient reached them):
    // their `.grad` is final now.
    for s in leaves.list.into_iter().flatten() {
        sink.finish(&mut captured, s)?;
    }
    Ok(captured)
}

/// With targets (`autograd.grad`, `backward(inputs=...)`), the nodes whose rule must run: those with
/// an edge into a wanted leaf, a target output or another needed node; as in PyTorch, the rest do
/// not run (their hooks stay silent, their backward costs nothing). `None` (`backward()`): all run.
/// `order` is latest first, and an edge always points to an earlier node.
fn needed_nodes(
    order: &[&Arc<Node>],
    targets: &Option<Vec<Target>>,
    sink: &LeafSink,
    captures: &dyn Fn(usize) -> bool,
) -> Option<AddrMap<bool>> {
    targets.as_ref()?;
    let mut needed: AddrMap<bool> = AddrMap::default();
    for n in order.iter().rev() {
        let run = n.next.iter().flatten().any(|e| match e {
            Edge::Leaf(t) => sink.wants(t),
            // Unknown yet (an edge to a later node, never recorded so): run it, as before pruning.
            Edge::Node(m, _) => captures(key(m)) || needed.get(&key(m)).copied().unwrap_or(true),
        });
        needed.insert(key(n), run);
    }
    Some(needed)
}

fn release_dep(
    m: &Arc<Node>,
    deps: &mut AddrMap<usize>,
    buffers: &AddrMap<Vec<Option<Tensor>>>,
    ready: &mut BinaryHeap<(u64, usize)>,
) {
    let d = deps.get_mut(&key(m)).expect("dependency counted in the first pass");
    *d -= 1;
    if *d == 0 && buffers.contains_key(&key(m)) {
        ready.push((m.seq, key(m)));
    }
}

fn deliver_leaf(
    t: &Tensor,
    g: Tensor,
    targets: &Option<Vec<Target>>,
    captured: &mut [Option<Tensor>],
    accumulate_into_grad: bool,
) -> Result<bool> {
    // A leaf's `grad_dtype` casts what reaches it (`.grad` and `autograd.grad` alike), before its hooks.
    let want = t.meta().grad_dtype;
    let mut g = match want {
        Some(Some(d)) if !d.differentiable() => bail!(
            Runtime,
            "backward: a leaf's grad_dtype must be a floating point or complex dtype to receive a gradient, got {}",
            d
        ),
        Some(Some(d)) if g.dtype() != d => g.to_dtype(d)?,
        _ => g,
    };
    let hooks = t.meta().hooks.clone();
    for h in hooks {
        if let Some(new) = h(&g)? {
            g = new;
        }
    }
    // Whether `.grad` received the gradient.
    let addr = Arc::as_ptr(&t.0) as usize;
    let leaf_target = targets.as_ref().and_then(|ts| ts.iter().position(|x| matches!(x, Target::Leaf(a) if *a == addr)));
    Ok(match (targets, leaf_target) {
        (Some(_), Some(i)) => {
            if accumulate_into_grad {
                accumulate_grad(&t.0, g)?;
                true
            } else {
                accumulate(&mut captured[i], g)?;
                false
            }
        }
        (Some(_), None) => false,
        (None, _) => {
            accumulate_grad(&t.0, g)?;
            true
        }
    })
}

/// Locks that make `.grad += g` atomic per leaf when several threads run backward over shared
/// parameters (as PyTorch's AccumulateGrad does under the leaf's mutex). Striped by address so
/// that tensors need no lock of their own; one stripe is held at a time, so they cannot deadlock.
static GRAD_LOCKS: [std::sync::Mutex<()>; 64] = [const { std::sync::Mutex::new(()) }; 64];

/// `.grad += g` for a leaf (a fresh tensor the first time, so later in-place updates never alias `g`).
fn accumulate_grad(t: &Arc<TensorImpl>, g: Tensor) -> Result<()> {
    let stripe = (Arc::as_ptr(t) as usize >> 6) % GRAD_LOCKS.len();
    let _serial = GRAD_LOCKS[stripe].lock().unwrap_or_else(|e| e.into_inner());
    let t = Tensor(t.clone());
    let prev = t.meta().grad.take();
    let new = match prev {
        None => {
            if g.is_contiguous() && Arc::strong_count(&g.0) == 1 && Arc::strong_count(g.storage()) == 1 {
                g
            } else {
                g.contiguous_copy()?
            }
        }
        Some(p) => {
            if crate::tape::is_grad_enabled() {
                p.add(&g)?
            } else {
                p.add_(&g)?;
                p
            }
        }
    };
    t.meta().grad = Some(new);
    Ok(())
}
