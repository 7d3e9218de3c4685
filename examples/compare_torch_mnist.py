"""Train the MNIST CNN of examples/mnist.py with rtorch and with PyTorch from the same initial weights on
the same batches, and print both loss curves side by side with each library's steps/s.

    python examples/compare_torch_mnist.py --steps 200
    python examples/compare_torch_mnist.py --steps 50 --limit 5000

Needs PyTorch (`pip install torch`); without it the script prints a message and exits with status 0.
The rtorch model is initialised first (rtorch.manual_seed) and its weights are copied into the PyTorch
model through NumPy; both then take `--steps` Adam steps over identical mini-batches (one NumPy
permutation per epoch). Losses should agree to float32 rounding at first and drift apart slowly.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
except ImportError:
    torch = None

import rtorch  # noqa: E402
from datasets import load_mnist  # noqa: E402
from mnist import make_model  # noqa: E402


def make_torch_model():
    tnn = torch.nn
    return tnn.Sequential(
        tnn.Conv2d(1, 32, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(32, 64, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(64 * 7 * 7, 128), tnn.ReLU(), tnn.Linear(128, 10),
    )


def batch_indices(n, batch_size, steps, seed):
    """`steps` index arrays: successive shuffled epochs over n samples (the last partial batch kept)."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < steps:
        perm = rng.permutation(n)
        for i in range(0, n, batch_size):
            out.append(perm[i:i + batch_size])
            if len(out) == steps:
                break
    return out


def train_rtorch(model, x, y, batches, lr, device):
    opt = rtorch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = rtorch.nn.CrossEntropyLoss()
    losses = []
    start = time.perf_counter()
    for idx in batches:
        xb = rtorch.from_numpy(x[idx]).to(device)
        yb = rtorch.from_numpy(y[idx]).to(device)
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, len(batches) / (time.perf_counter() - start)


def train_torch(model, x, y, batches, lr, device):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    start = time.perf_counter()
    for idx in batches:
        xb = torch.from_numpy(x[idx]).to(device)
        yb = torch.from_numpy(y[idx]).to(device)
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, len(batches) / (time.perf_counter() - start)


def accuracy_rtorch(model, x, y, device):
    model.eval()
    correct = 0
    with rtorch.no_grad():
        for i in range(0, len(y), 1000):
            logits = model(rtorch.from_numpy(x[i:i + 1000]).to(device))
            correct += (logits.argmax(1).cpu().numpy() == y[i:i + 1000]).sum()
    return correct / len(y)


def accuracy_torch(model, x, y, device):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), 1000):
            logits = model(torch.from_numpy(x[i:i + 1000]).to(device))
            correct += (logits.argmax(1).cpu().numpy() == y[i:i + 1000]).sum()
    return correct / len(y)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--limit", type=int, default=None, help="draw batches from the first N training samples")
    p.add_argument("--eval-limit", type=int, default=2000, help="validation images for the final accuracy")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--every", type=int, default=10, help="print every N-th step")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when both libraries have it)")
    args = p.parse_args(argv)

    if torch is None:
        print("PyTorch is not installed: nothing to compare against (pip install torch, then rerun).")
        return 0

    if args.device is None:
        args.device = "cuda" if (rtorch.cuda.is_available() and torch.cuda.is_available()) else "cpu"
    torch.set_num_threads(rtorch.get_num_threads())  # same CPU budget for both
    data = load_mnist()
    x, y = data["train"]
    if args.limit is not None:
        x, y = x[:args.limit], y[:args.limit]
    xv, yv = data["val"]
    xv, yv = xv[:args.eval_limit], yv[:args.eval_limit]
    batches = batch_indices(len(y), args.batch_size, args.steps, args.seed)
    print(f"data: {data['name']}, {len(y)} train images; {args.steps} steps of batch {args.batch_size}; "
          f"device {args.device}; rtorch {rtorch.__version__} vs torch {torch.__version__}, "
          f"{rtorch.get_num_threads()} threads")

    rtorch.manual_seed(args.seed)
    r_model = make_model()
    t_model = make_torch_model()
    t_model.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in r_model.state_dict().items()})
    r_model.to(rtorch.device(args.device))
    t_model.to(torch.device(args.device))

    r_losses, r_sps = train_rtorch(r_model, x, y, batches, args.lr, rtorch.device(args.device))
    t_losses, t_sps = train_torch(t_model, x, y, batches, args.lr, torch.device(args.device))

    print(f"\n{'step':>6} {'rtorch loss':>12} {'torch loss':>12} {'|diff|':>10}")
    for i in range(len(batches)):
        if (i + 1) % args.every == 0 or i == 0 or i == len(batches) - 1:
            print(f"{i + 1:>6} {r_losses[i]:>12.5f} {t_losses[i]:>12.5f} {abs(r_losses[i] - t_losses[i]):>10.2e}")
    diffs = np.abs(np.array(r_losses) - np.array(t_losses))
    first = min(10, len(diffs))
    print(f"\nmax |loss diff|: first {first} steps {diffs[:first].max():.2e}, all steps {diffs.max():.2e}")
    r_params = {k: v.detach().cpu().numpy() for k, v in r_model.state_dict().items()}
    t_params = {k: v.detach().cpu().numpy() for k, v in t_model.state_dict().items()}
    worst = max(r_params, key=lambda k: np.abs(r_params[k] - t_params[k]).max())
    print(f"largest final weight difference: {worst} {np.abs(r_params[worst] - t_params[worst]).max():.2e}")
    print(f"steps/s: rtorch {r_sps:.2f}, torch {t_sps:.2f} (rtorch at {100 * r_sps / t_sps:.0f}% of torch)")
    print(f"validation accuracy ({len(yv)} images): rtorch {100 * accuracy_rtorch(r_model, xv, yv, args.device):.2f}%, "
          f"torch {100 * accuracy_torch(t_model, xv, yv, args.device):.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
