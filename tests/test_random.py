"""Random sampling: seeding (global and per Generator), reproducibility, and the ranges and statistics of
rand / randn / randint / randperm / multinomial."""
import pytest

import rtorch as torch


def test_random_is_reproducible():
    torch.manual_seed(0)
    a = torch.rand(5)
    torch.manual_seed(0)
    b = torch.rand(5)
    assert a.tolist() == b.tolist()
    g = torch.Generator().manual_seed(3)
    x = torch.randn(1000, generator=g)
    assert abs(x.mean().item()) < 0.15 and abs(x.std().item() - 1) < 0.1
    p = torch.randperm(10, generator=torch.Generator().manual_seed(1))
    assert sorted(p.tolist()) == list(range(10))
    r = torch.randint(3, 7, (100,))
    assert r.min().item() >= 3 and r.max().item() < 7
    m = torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    assert m.tolist() == [1, 1]


# --- the default generator's state: get/set_rng_state, seed, fork_rng (rtorch.random) ---

def test_rng_state_round_trip_and_fork():
    torch.manual_seed(3)
    s = torch.get_rng_state()
    assert s.dtype == torch.uint8 and s.shape == (16,)
    a = torch.rand(5)
    torch.set_rng_state(s)
    assert torch.equal(a, torch.rand(5))
    with torch.random.fork_rng():
        torch.rand(100)
    after = torch.rand(3)
    torch.set_rng_state(s)
    torch.rand(5)
    assert torch.equal(after, torch.rand(3))  # the forked draws left the stream untouched
    with torch.random.fork_rng(enabled=False):
        torch.rand(1)
    assert not torch.equal(torch.get_rng_state(), s)
    assert torch.equal(torch.cuda.get_rng_state(), torch.get_rng_state())


def test_rng_state_survives_a_checkpoint_file(tmp_path):
    torch.manual_seed(11)
    torch.rand(7)
    torch.save({"rng": torch.get_rng_state()}, tmp_path / "c.pt")
    want = torch.randn(4)
    torch.manual_seed(0)
    torch.set_rng_state(torch.load(tmp_path / "c.pt")["rng"])
    assert torch.equal(torch.randn(4), want)


def test_set_rng_state_rejects_bad_states():
    with pytest.raises(TypeError, match="ByteTensor"):
        torch.set_rng_state([1, 2])
    with pytest.raises(TypeError, match="ByteTensor"):
        torch.set_rng_state(torch.zeros(16))
    with pytest.raises(RuntimeError, match="size to be 5056"):  # a PyTorch CPU state
        torch.set_rng_state(torch.zeros(5056, dtype=torch.uint8))


def test_seed_is_random_and_recorded():
    s1, s2 = torch.seed(), torch.seed()
    assert s1 != s2 and torch.initial_seed() == s2 and torch.random.initial_seed() == s2
