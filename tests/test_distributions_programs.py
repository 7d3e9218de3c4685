"""PyTorch-style programs that use torch.distributions and torch.testing, run unchanged with ``torch`` mapped to
``rtorch`` (the import hook of test_programs.py): a small VAE, REINFORCE on a bandit, a Gaussian-mixture fit."""
import math

from test_programs import torch  # noqa: F401  (the hooked-import fixture)


def test_vae_with_reparameterised_normal_and_kl(torch):
    import torch.nn as nn
    from torch.distributions import Bernoulli, Normal, kl_divergence

    torch.manual_seed(0)
    # data: two prototypes of 8 binary pixels
    protos = torch.tensor([[1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]], dtype=torch.float32)
    data = protos[torch.randint(0, 2, (256,))]

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.Linear(8, 4)
            self.dec = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 8))

        def forward(self, x):
            h = self.enc(x)
            q = Normal(h[:, :2], nn.functional.softplus(h[:, 2:]) + 1e-3)
            z = q.rsample()
            px = Bernoulli(logits=self.dec(z))
            prior = Normal(torch.zeros_like(z), torch.ones_like(z))
            return -(px.log_prob(x).sum(-1) - kl_divergence(q, prior).sum(-1)).mean()

    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(150):
        loss = model(data)
        first = loss.item() if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.5 * first and loss.item() < 3.0


def test_reinforce_on_a_bandit(torch):
    from torch.distributions import Categorical

    torch.manual_seed(1)
    rewards = torch.tensor([0.1, 0.2, 0.9, 0.3])
    logits = torch.zeros(4, requires_grad=True)
    opt = torch.optim.SGD([logits], lr=0.5)
    for _ in range(200):
        pi = Categorical(logits=logits)
        a = pi.sample((32,))
        loss = -(pi.log_prob(a) * (rewards[a] - rewards[a].mean())).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert Categorical(logits=logits).probs.argmax().item() == 2
    assert Categorical(logits=logits).probs[2].item() > 0.8


def test_mixture_fit_by_log_likelihood(torch):
    from torch.distributions import Categorical, MixtureSameFamily, Normal

    torch.manual_seed(2)
    x = torch.cat([torch.randn(400) * 0.5 - 2.0, torch.randn(600) * 0.5 + 3.0])
    locs = torch.tensor([-0.5, 0.5], requires_grad=True)
    log_scales = torch.zeros(2, requires_grad=True)
    mix_logits = torch.zeros(2, requires_grad=True)
    opt = torch.optim.Adam([locs, log_scales, mix_logits], lr=0.1)
    for _ in range(300):
        gmm = MixtureSameFamily(Categorical(logits=mix_logits), Normal(locs, log_scales.exp()))
        nll = -gmm.log_prob(x).mean()
        opt.zero_grad()
        nll.backward()
        opt.step()
    torch.testing.assert_close(locs.detach().sort().values, torch.tensor([-2.0, 3.0]), atol=0.15, rtol=0)
    w = torch.softmax(mix_logits.detach(), 0)
    assert abs(w.max().item() - 0.6) < 0.05 and math.isfinite(nll.item())
