"""PyTorch CPU peer of bench.mjs: the same two models (zoo-basic's MLP 784-256-128-10 and
LeNet-5 with ReLU/max-pool, 'same' first conv on 28x28x1), batch sizes and step kinds, timed the
same way: rounds interleave the kinds, median of N rounds after warm-up, wall ms and process CPU ms.
  forward   = training-mode forward + cross-entropy, no autograd
  full      = forward + backward + SGD(momentum 0.9) step over all parameters
  bias-only = weights frozen (requires_grad False: autograd computes no weight gradient),
              SGD over the biases only
Run:  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0
      .venv/bin/python torch_bench.py [--rounds 15] [--warmup 3] [--threads N]
"""
import argparse
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=15)
ap.add_argument("--warmup", type=int, default=3)
ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
a = ap.parse_args()
if a.threads:
    torch.set_num_threads(a.threads)
torch.manual_seed(1)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def case(build, batch):
    m = build()
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    weights = [p for n, p in m.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in m.named_parameters() if n.endswith("bias")]
    opt_full = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    opt_bias = torch.optim.SGD(biases, lr=0.01, momentum=0.9)

    def forward():
        with torch.no_grad():
            F.cross_entropy(m(x), y).item()

    def full():
        opt_full.zero_grad(set_to_none=True)
        loss = F.cross_entropy(m(x), y)
        loss.backward()
        opt_full.step()
        loss.item()

    def bias_only():
        for p in weights:
            p.requires_grad_(False)
        opt_bias.zero_grad(set_to_none=True)
        loss = F.cross_entropy(m(x), y)
        loss.backward()
        opt_bias.step()
        loss.item()
        for p in weights:
            p.requires_grad_(True)

    return {"forward": forward, "full": full, "biasOnly": bias_only}


print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, Python {platform.python_version()}")
print(f"median of {a.rounds} interleaved rounds after {a.warmup} warm-up rounds; wall ms, then process CPU ms")
print(f"{'model':7} {'batch':>5} {'forward':>8} {'full':>8} {'bias':>8} {'bias/full':>9} {'cpu: fwd':>9} {'full':>8} {'bias':>8}")
for name, build in (("mlp", mlp), ("lenet5", lenet5)):
    for batch in (64, 128):
        c = case(build, batch)
        wall = {k: [] for k in c}
        cpu = {k: [] for k in c}
        for r in range(a.warmup + a.rounds):
            for k, f in c.items():
                c0, t0 = time.process_time(), time.perf_counter()
                f()
                if r >= a.warmup:
                    wall[k].append((time.perf_counter() - t0) * 1000)
                    cpu[k].append((time.process_time() - c0) * 1000)
        w = {k: statistics.median(v) for k, v in wall.items()}
        u = {k: statistics.median(v) for k, v in cpu.items()}
        print(
            f"{name:7} {batch:>5} {w['forward']:8.2f} {w['full']:8.2f} {w['biasOnly']:8.2f} {100 * w['biasOnly'] / w['full']:7.0f} %"
            f" {u['forward']:9.2f} {u['full']:8.2f} {u['biasOnly']:8.2f}"
        )
