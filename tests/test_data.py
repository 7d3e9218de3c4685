"""Tests for rtorch.utils.data: datasets, samplers, default_collate, DataLoader and random_split."""
from collections import namedtuple

import numpy as np
import pytest

import rtorch as torch
from rtorch.utils.data import (
    BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler,
    SequentialSampler, Subset, TensorDataset, default_collate, random_split,
)
from helpers import n


def seeded(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


class Squares(Dataset):
    def __init__(self, size):
        self.size = size

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        return {"x": float(i), "y": i * i, "name": f"s{i}"}


def make_tensor_dataset(size=10):
    x = torch.arange(size * 2, dtype=torch.float32).reshape(size, 2)
    y = torch.arange(size)
    return TensorDataset(x, y)


# ------------------------------------------------------------------ datasets
def test_tensor_dataset():
    ds = make_tensor_dataset()
    assert len(ds) == 10
    x, y = ds[3]
    np.testing.assert_array_equal(n(x), [6.0, 7.0])
    assert int(y.item()) == 3
    with pytest.raises(ValueError):
        TensorDataset(torch.zeros(3, 2), torch.zeros(4))


def test_subset_concat_and_add():
    ds = make_tensor_dataset()
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and int(sub[0][1].item()) == 7
    cat = ConcatDataset([sub, Squares(4)])
    assert len(cat) == 7
    assert cat[3]["y"] == 0 and cat[-1]["y"] == 9
    assert len(Squares(2) + Squares(3)) == 5


# ------------------------------------------------------------------ DataLoader batching
def test_sequential_batches():
    loader = DataLoader(make_tensor_dataset(), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    xs, ys = batches[0]
    assert tuple(xs.shape) == (4, 2) and tuple(ys.shape) == (4,)
    np.testing.assert_array_equal(n(ys), [0, 1, 2, 3])
    assert tuple(batches[-1][0].shape) == (2, 2)
    dropped = DataLoader(make_tensor_dataset(), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [tuple(b[1].shape) for b in dropped] == [(4,), (4,)]
    assert isinstance(batches[0], list)  # tuples are collated into lists, as in PyTorch


def test_shuffle_with_generator_is_deterministic_and_complete():
    ds = make_tensor_dataset(20)

    def epoch_orders(seed, epochs=2):
        loader = DataLoader(ds, batch_size=6, shuffle=True, generator=seeded(seed))
        return [np.concatenate([n(y) for _, y in loader]).tolist() for _ in range(epochs)]

    a, b = epoch_orders(0), epoch_orders(0)
    assert a == b
    assert sorted(a[0]) == list(range(20)) and sorted(a[1]) == list(range(20))
    assert a[0] != a[1]  # each epoch reshuffles
    assert a[0] != list(range(20))
    assert epoch_orders(1) != a


def test_shuffle_uses_global_seed_without_generator():
    ds = make_tensor_dataset(16)

    def order():
        return np.concatenate([n(y) for _, y in DataLoader(ds, batch_size=5, shuffle=True)]).tolist()

    torch.manual_seed(7)
    first = order()
    torch.manual_seed(7)
    assert order() == first


def test_collate_dicts_numbers_strings():
    batch = next(iter(DataLoader(Squares(5), batch_size=3)))
    assert set(batch) == {"x", "y", "name"}
    assert batch["x"].dtype == torch.float64 and batch["y"].dtype == torch.int64
    np.testing.assert_array_equal(n(batch["x"]), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(n(batch["y"]), [0, 1, 4])
    assert batch["name"] == ["s0", "s1", "s2"]


def test_default_collate_numpy_and_nested():
    samples = [(np.full((2,), i, dtype=np.float32), np.int64(i), [i, float(i)]) for i in range(3)]
    arrs, scalars, nested = default_collate(samples)
    assert tuple(arrs.shape) == (3, 2) and arrs.dtype == torch.float32
    np.testing.assert_array_equal(n(arrs)[:, 0], [0, 1, 2])
    assert scalars.dtype == torch.int64
    assert isinstance(nested, list) and nested[1].dtype == torch.float64
    f64 = default_collate([np.zeros(2), np.ones(2)])
    assert f64.dtype == torch.float64
    Point = namedtuple("Point", "x y")
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.dtype == torch.int64
    b = default_collate([True, False])
    assert b.dtype == torch.bool
    with pytest.raises(TypeError):
        default_collate([object(), object()])


def test_custom_collate_and_no_batching():
    loader = DataLoader(Squares(4), batch_size=2, collate_fn=lambda b: [s["y"] for s in b])
    assert list(loader) == [[0, 1], [4, 9]]
    unbatched = list(DataLoader(make_tensor_dataset(3), batch_size=None))
    assert len(unbatched) == 3 and tuple(unbatched[0][0].shape) == (2,)


def test_batch_sampler_and_samplers():
    assert list(BatchSampler(SequentialSampler(range(7)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    rs = list(RandomSampler(range(10), generator=seeded(3)))
    assert sorted(rs) == list(range(10))
    assert rs == list(RandomSampler(range(10), generator=seeded(3)))
    rep = list(RandomSampler(range(5), replacement=True, num_samples=50, generator=seeded(0)))
    assert len(rep) == 50 and set(rep) <= set(range(5))
    loader = DataLoader(make_tensor_dataset(), batch_sampler=[[0, 9], [4]])
    assert [n(y).tolist() for _, y in loader] == [[0, 9], [4]]
    with pytest.raises(ValueError):
        DataLoader(make_tensor_dataset(), sampler=SequentialSampler(range(10)), shuffle=True)


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    batches = list(DataLoader(Stream(), batch_size=3))
    assert [n(b).tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(list(DataLoader(Stream(), batch_size=3, drop_last=True))) == 2


# ------------------------------------------------------------------ random_split
def test_random_split_lengths_and_determinism():
    ds = make_tensor_dataset(10)
    a, b = random_split(ds, [7, 3], generator=seeded(42))
    assert len(a) == 7 and len(b) == 3
    assert sorted(a.indices + b.indices) == list(range(10))
    a2, _ = random_split(ds, [7, 3], generator=seeded(42))
    assert a.indices == a2.indices
    fr = random_split(ds, [0.5, 0.3, 0.2], generator=seeded(0))
    assert [len(s) for s in fr] == [5, 3, 2]
    odd = random_split(range(11), [0.5, 0.5], generator=seeded(0))
    assert [len(s) for s in odd] == [6, 5]
    with pytest.raises(ValueError):
        random_split(ds, [5, 4])


def test_train_loop_over_loader():
    ds = make_tensor_dataset(12)
    total = 0
    for xs, ys in DataLoader(ds, batch_size=5, shuffle=True, generator=seeded(0)):
        total += int(ys.sum().item())
    assert total == sum(range(12))


def test_default_convert_keeps_structure_and_0d_arrays():
    from rtorch.utils.data import default_convert
    NT = namedtuple("NT", "a b")
    out = default_convert({"a": (np.ones(2), "s", [np.float32(3), 3]), "n": NT(np.zeros((2, 2))[:, 0], "x")})
    assert isinstance(out["a"], list) and out["a"][1] == "s" and out["a"][2][1] == 3
    assert out["a"][0].shape == (2,)
    assert out["a"][2][0].shape == () and out["a"][2][0].item() == 3.0  # 0-d stays 0-d (PyTorch)
    assert isinstance(out["n"], NT) and out["n"].b == "x" and out["n"].a.shape == (2,)
    assert default_convert(np.array(2.0)).shape == ()
