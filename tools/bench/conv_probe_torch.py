"""PyTorch's peer of conv-probe.mjs: GFLOP/s of a 3x3 convolution's forward, input gradient and
filter gradient (aten.convolution_backward, one gradient at a time) on the same shapes, median of 5
after 2 warm-up calls, on `--threads` threads (default 2). Run with tools/bench/.venv/bin/python."""
import argparse
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument('--threads', type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
SHAPES = [(32, 32, 32, 64, 3, 64), (32, 16, 16, 128, 3, 128), (32, 8, 8, 256, 3, 256), (32, 4, 4, 512, 3, 512)]


def median_ms(fn):
    for _ in range(2):
        fn()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)[2]


with torch.no_grad():
    for n, h, w, ci, k, co in SHAPES:
        x = torch.randn(n, ci, h, w)
        weight = torch.randn(co, ci, k, k)
        dy = torch.randn(n, co, h, w)
        gflop = 2 * n * h * w * k * k * ci * co / 1e9
        back = lambda mask: torch.ops.aten.convolution_backward(dy, x, weight, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask)
        cols = [
            ('Conv2D', median_ms(lambda: torch.nn.functional.conv2d(x, weight, padding=1))),
            ('BackpropInput', median_ms(lambda: back([True, False, False]))),
            ('BackpropFilter', median_ms(lambda: back([False, True, False]))),
        ]
        print(f'{n}x{h}x{w}x{ci} k{k}->{co}: ' + ' | '.join(f'{name} {ms:.1f} ms {gflop / ms * 1e3:.1f} GFLOP/s' for name, ms in cols))
