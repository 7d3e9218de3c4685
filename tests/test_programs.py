"""Small PyTorch-style programs (tutorial idioms) run unchanged with ``torch`` mapped to ``rtorch`` by an import
hook: autograd polynomial fit, an MLP with a DataLoader, the MNIST-example CNN (inplace ReLU, Dropout2d, Adadelta,
StepLR), a pygcn-style GCN on a sparse adjacency, a pyGAT-style sparse attention layer with a custom Function,
LBFGS with a closure (time-sequence-prediction style) and pre-0.4 idioms (Variable, legacy types, add_(Number,
Tensor)). Each must finish with sensible numbers."""
import importlib
import importlib.abc
import importlib.util
import math
import sys
import warnings

import numpy as np
import pytest


class _TorchAsRtorch(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import torch`` / ``import torch.nn.functional as F`` give the rtorch modules."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("r" + spec.name)

    def exec_module(self, module):
        pass


@pytest.fixture
def torch():
    """The ``torch`` a program imports: rtorch behind the hook (any real torch is hidden for the test)."""
    saved = {k: v for k, v in sys.modules.items() if k == "torch" or k.startswith("torch.")}
    for k in saved:
        del sys.modules[k]
    finder = _TorchAsRtorch()
    sys.meta_path.insert(0, finder)
    try:
        import torch as t  # noqa: the hooked import

        t.manual_seed(0)
        yield t
    finally:
        sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if k == "torch" or k.startswith("torch.")]:
            del sys.modules[k]
        sys.modules.update(saved)


def test_hook_maps_torch_to_rtorch(torch):
    import torch.nn.functional as F
    from torch.utils.data import DataLoader

    import rtorch
    assert torch is rtorch and F is rtorch.nn.functional and DataLoader is rtorch.utils.data.DataLoader


def test_polynomial_fit_with_autograd(torch):
    # "Learning PyTorch with Examples": fit sin(x) on [-pi, pi] with a cubic, weights updated by hand.
    dtype, device = torch.float, torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    d = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    learning_rate = 1e-6
    for t in range(2000):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 500 == 99:
            line = f"{t} {loss.item():.4f} {loss:.2f}"
            assert line.startswith(str(t))
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    assert loss.item() < 30  # PyTorch's run ends near 9 (a good cubic fit of sin)
    assert 0.5 < b.item() < 1.2 and -0.2 < d.item() < -0.02


def test_mlp_with_dataloader(torch):
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    rng = np.random.default_rng(0)
    n = 512
    labels = rng.integers(0, 3, n)
    centres = np.array([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.5]])
    feats = centres[labels] + rng.normal(scale=0.7, size=(n, 2))
    ds = TensorDataset(torch.tensor(feats, dtype=torch.float32), torch.LongTensor(labels))
    loader = DataLoader(ds, batch_size=32, shuffle=True)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(2, 32)
            self.fc2 = nn.Linear(32, 3)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x), inplace=True))

    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    crit = nn.CrossEntropyLoss()
    for epoch in range(5):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = crit(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
    assert f"{loss:.4f}" == f"{loss.item():.4f}"
    assert loss.grad_fn.name() == "NllLossBackward0"
    with torch.no_grad():
        pred = model(ds.tensors[0]).argmax(1)
    acc = (pred == ds.tensors[1]).float().mean().item()
    assert acc > 0.9, acc
    assert total / n < 0.4


def test_mnist_example_cnn(torch):
    # The official MNIST example's model and loop (Dropout2d for the first dropout, in-place ReLUs, Adadelta + StepLR)
    # on 12x12 images of horizontal vs vertical bars.
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    from torch.optim.lr_scheduler import StepLR

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 3, 1)
            self.conv2 = nn.Conv2d(8, 16, 3, 1)
            self.relu = nn.ReLU(inplace=True)
            self.dropout1 = nn.Dropout2d(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(16 * 4 * 4, 32)
            self.fc2 = nn.Linear(32, 2)

        def forward(self, x):
            x = self.relu(self.conv1(x))
            x = self.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.relu(self.fc1(x))
            x = self.dropout2(x)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    rng = np.random.default_rng(1)
    n = 256
    ys = rng.integers(0, 2, n)
    imgs = rng.normal(scale=0.3, size=(n, 1, 12, 12)).astype(np.float32)
    for i, y in enumerate(ys):
        k = rng.integers(2, 10)
        if y:
            imgs[i, 0, k, :] += 2.0
        else:
            imgs[i, 0, :, k] += 2.0
    data, target = torch.from_numpy(imgs), torch.from_numpy(ys)
    use_accel = torch.accelerator.is_available()
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    for epoch in range(1, 4):
        model.train()
        for start in range(0, n, 32):
            xb, yb = data[start:start + 32].to(device), target[start:start + 32].to(device)
            optimizer.zero_grad()
            output = model(xb)
            loss = F.nll_loss(output, yb)
            loss.backward()
            optimizer.step()
        scheduler.step()
    model.eval()
    with torch.no_grad():
        out = model(data.to(device))
        test_loss = F.nll_loss(out, target.to(device), reduction="sum").item() / n
        correct = out.argmax(dim=1, keepdim=True).eq(target.to(device).view_as(out.argmax(1, keepdim=True))).sum().item()
    assert correct / n > 0.9, (correct, test_loss)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.7 ** 3)


def _two_community_graph(torch, n=60, seed=0):
    """A stochastic block model with two communities: (features, labels, edge list)."""
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1], n // 2)
    p_in, p_out = 0.25, 0.02
    prob = np.where(labels[:, None] == labels[None, :], p_in, p_out)
    adj = np.triu(rng.random((n, n)) < prob, 1)
    adj = adj | adj.T
    feats = rng.normal(size=(n, 8)).astype(np.float32)
    feats[:, 0] += (labels * 2 - 1) * 0.5  # weak signal; the graph carries the rest
    return feats, labels, adj


def test_gcn_with_sparse_mm(torch):
    # pygcn (Kipf): normalised adjacency as a sparse tensor (the legacy torch.sparse.FloatTensor constructor),
    # GraphConvolution layers with torch.spmm, NLL training with Adam and weight decay.
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.parameter import Parameter

    feats, labels_np, adj_np = _two_community_graph(torch)
    n = len(labels_np)
    a = adj_np.astype(np.float32) + np.eye(n, dtype=np.float32)
    a = a / a.sum(1, keepdims=True)  # row-normalise, as pygcn's normalize()
    rows, cols = np.nonzero(a)
    indices = torch.from_numpy(np.vstack((rows, cols)).astype(np.int64))
    values = torch.from_numpy(a[rows, cols])
    adj = torch.sparse.FloatTensor(indices, values, torch.Size(a.shape))
    features = torch.FloatTensor(feats)
    labels = torch.LongTensor(labels_np)
    idx_train = torch.LongTensor(range(0, n, 4))

    class GraphConvolution(nn.Module):
        def __init__(self, in_features, out_features):
            super().__init__()
            self.weight = Parameter(torch.FloatTensor(in_features, out_features))
            self.bias = Parameter(torch.FloatTensor(out_features))
            stdv = 1.0 / math.sqrt(self.weight.size(1))
            self.weight.data.uniform_(-stdv, stdv)
            self.bias.data.uniform_(-stdv, stdv)

        def forward(self, input, adj):
            support = torch.mm(input, self.weight)
            return torch.spmm(adj, support) + self.bias

    class GCN(nn.Module):
        def __init__(self, nfeat, nhid, nclass, dropout):
            super().__init__()
            self.gc1 = GraphConvolution(nfeat, nhid)
            self.gc2 = GraphConvolution(nhid, nclass)
            self.dropout = dropout

        def forward(self, x, adj):
            x = F.relu(self.gc1(x, adj))
            x = F.dropout(x, self.dropout, training=self.training)
            return F.log_softmax(self.gc2(x, adj), dim=1)

    model = GCN(8, 16, 2, 0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for epoch in range(100):
        model.train()
        optimizer.zero_grad()
        output = model(features, adj)
        loss_train = F.nll_loss(output[idx_train], labels[idx_train])
        loss_train.backward()
        optimizer.step()
    model.eval()
    output = model(features, adj)
    acc = output.max(1)[1].eq(labels).double().mean().item()
    assert acc > 0.85, acc
    assert adj.is_sparse and adj._nnz() == len(rows)


def test_gat_sparse_attention_with_custom_function(torch):
    # pyGAT's SpGraphAttentionLayer: edge attention values -> a sparse matrix inside a custom autograd.Function whose
    # backward reads a._indices(), and the sparse @ dense products of its forward.
    import torch.nn as nn
    import torch.nn.functional as F

    class SpecialSpmmFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, indices, values, shape, b):
            assert indices.requires_grad is False
            a = torch.sparse_coo_tensor(indices, values, shape)
            ctx.save_for_backward(a, b)
            ctx.N = shape[0]
            return torch.matmul(a, b)

        @staticmethod
        def backward(ctx, grad_output):
            a, b = ctx.saved_tensors
            grad_values = grad_b = None
            if ctx.needs_input_grad[1]:
                grad_a_dense = grad_output.matmul(b.t())
                edge_idx = a._indices()[0, :] * ctx.N + a._indices()[1, :]
                grad_values = grad_a_dense.view(-1)[edge_idx]
            if ctx.needs_input_grad[3]:
                grad_b = a.t().matmul(grad_output)
            return None, grad_values, None, grad_b

    class SpGraphAttentionLayer(nn.Module):
        def __init__(self, in_features, out_features, alpha):
            super().__init__()
            self.W = nn.Parameter(torch.zeros(size=(in_features, out_features)))
            nn.init.xavier_normal_(self.W.data, gain=1.414)
            self.a = nn.Parameter(torch.zeros(size=(1, 2 * out_features)))
            nn.init.xavier_normal_(self.a.data, gain=1.414)
            self.leakyrelu = nn.LeakyReLU(alpha)

        def forward(self, input, edge):
            N = input.size()[0]
            h = torch.mm(input, self.W)
            edge_h = torch.cat((h[edge[0, :], :], h[edge[1, :], :]), dim=1).t()
            edge_e = torch.exp(-self.leakyrelu(self.a.mm(edge_h).squeeze()))
            ones = torch.ones(size=(N, 1))
            e_rowsum = SpecialSpmmFunction.apply(edge, edge_e, torch.Size([N, N]), ones)
            h_prime = SpecialSpmmFunction.apply(edge, edge_e, torch.Size([N, N]), h)
            return F.elu(h_prime.div(e_rowsum))

    feats, labels_np, adj_np = _two_community_graph(torch, seed=3)
    n = len(labels_np)
    edge = torch.from_numpy(np.vstack(np.nonzero(adj_np | np.eye(n, dtype=bool))).astype(np.int64))
    x, labels = torch.tensor(feats), torch.tensor(labels_np)
    layer1, layer2 = SpGraphAttentionLayer(8, 8, 0.2), SpGraphAttentionLayer(8, 2, 0.2)
    params = list(layer1.parameters()) + list(layer2.parameters())
    opt = torch.optim.Adam(params, lr=0.02)
    for _ in range(60):
        opt.zero_grad()
        out = F.log_softmax(layer2(layer1(x, edge), edge), dim=1)
        loss = F.nll_loss(out, labels)
        loss.backward()
        opt.step()
    assert all(p.grad is not None and bool(torch.isfinite(p.grad).all()) for p in params)
    acc = (out.argmax(1) == labels).float().mean().item()
    assert acc > 0.8, acc


def test_lbfgs_with_closure(torch):
    # time-sequence-prediction style: full-batch LBFGS whose closure zeroes the gradients, computes the loss and
    # calls backward; here a small two-layer net fits a smooth curve.
    import torch.nn as nn
    import torch.optim as optim

    torch.manual_seed(0)
    x = torch.linspace(-2, 2, 64).unsqueeze(1).double()
    y = torch.sin(2 * x) + 0.3 * x
    model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1)).double()
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(model.parameters(), lr=0.8, line_search_fn="strong_wolfe")
    first = None
    for i in range(8):
        def closure():
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            return loss
        loss = optimizer.step(closure)
        first = loss.item() if first is None else first
    final = criterion(model(x), y).item()
    assert final < 1e-3 < first, (first, final)
    assert loss.grad_fn.name() == "MseLossBackward0"
    assert optimizer.state_dict()["state"][0]["func_evals"] > 8


def test_pre_0_4_idioms(torch):
    # Old tutorials: Variable with volatile, legacy typed constructors, weight.new(...), p.data.add_(-lr, grad),
    # the loss printed with loss.data[0]-era format strings replaced by f"{loss:.4f}".
    import torch.nn as nn
    from torch.autograd import Variable

    model = nn.Linear(3, 1)
    weight = next(model.parameters()).data
    hidden = Variable(weight.new(2, 3).zero_())
    assert isinstance(hidden, Variable) and hidden.shape == (2, 3) and isinstance(hidden, torch.FloatTensor)
    with pytest.warns(UserWarning, match="volatile"):
        Variable(torch.zeros(1), volatile=True)
    xs = Variable(torch.FloatTensor([[1, 2, 3], [4, 5, 6], [0, 1, 0]]))
    ys = Variable(torch.FloatTensor([[1], [2], [0.5]]), requires_grad=False)
    lr = 0.01
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(300):
            model.zero_grad()
            loss = ((model(xs) - ys) ** 2).mean()
            loss.backward()
            for p in model.parameters():
                p.data.add_(-lr, p.grad.data)  # the deprecated add_(Number, Tensor) overload
    assert f"{loss:.4f}" == f"{loss.item():.4f}" and loss.item() < 0.1
    idx = torch.LongTensor([2, 0])
    assert torch.index_select(xs, 0, idx).tolist() == [[0, 1, 0], [1, 2, 3]]
    assert torch.ByteTensor([1, 0]).dtype == torch.uint8
