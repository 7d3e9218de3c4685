"""Main job: train an MLP classifier with rtorch on a 3-class spiral data set, full-batch Adam.

This is the README's first command. It exercises the whole stack (tensor core, autograd, nn,
optim, data loading) on a task a linear model cannot solve, and reports held-out accuracy.
It grows into the MNIST CNN of the training issue.
"""
import argparse
import math
import time

import numpy as np

import rtorch as torch
from rtorch import nn
from rtorch.utils.data import DataLoader, TensorDataset


def spirals(n_per_class, classes=3, noise=0.4, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, noise, n_per_class)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(n_per_class, c))
    x = np.concatenate(xs).astype(np.float32)
    y = np.concatenate(ys).astype(np.int64)
    perm = rng.permutation(len(y))
    return x[perm], y[perm]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-2)
    args = p.parse_args()

    torch.manual_seed(0)
    x, y = spirals(1000)
    split = int(0.8 * len(y))
    train = TensorDataset(torch.from_numpy(x[:split]), torch.from_numpy(y[:split]))
    test_x, test_y = torch.from_numpy(x[split:]), torch.from_numpy(y[split:])
    loader = DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=torch.Generator().manual_seed(0))

    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    print(model)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    steps = 0
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            steps += 1
        if epoch % 10 == 9 or epoch == args.epochs - 1:
            model.eval()
            with torch.no_grad():
                acc = (model(test_x).argmax(1) == test_y).float().mean().item()
            rate = steps / (time.perf_counter() - start)
            print(f"epoch {epoch + 1:3d}  train loss {total / len(train):.4f}  test acc {acc:.3f}  ({rate:.0f} steps/s)")
    assert not math.isnan(total)
    print(f"final test accuracy: {acc:.3f}")
    if acc < 0.9:
        raise SystemExit("accuracy below 0.9: training did not work")


if __name__ == "__main__":
    main()
