"""Random sampling: seeding (global and per Generator), reproducibility, and the ranges and statistics of
rand / randn / randint / randperm / multinomial."""
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
