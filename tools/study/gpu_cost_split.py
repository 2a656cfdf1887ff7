"""Per-step cost split on a CUDA GPU with PyTorch: forward, input gradients (dX), weight
gradients (dW) and the optimizer update, for the bench's PyTorch twins of our zoo models
(tools/bench/torch_peer.py), and what that split allows weight-update skipping to save there.

Why PyTorch and not tfjs-node-gpu: the GPU machine we could borrow has no network and takes at
most 64 MiB of files, and tfjs-node-gpu needs libtensorflow's GPU build (hundreds of MB) fetched
at install. The split says what skipping can save on a GPU whatever the framework: a step of a
small model there is bound by kernel launches, not by the FLOPs skipping removes.

How each part is measured (CUDA-synchronised wall time, median of --reps after --warmup, all
variants interleaved in each repetition):
  forward  forward pass in training mode (autograd recording), loss included
  fx       forward + backward with every parameter frozen and the input requiring a gradient:
           every layer's dX, no dW (one more dX than training runs: the first layer's)
  full     forward + backward for every parameter (dX of every layer but the first, every dW)
  bias     forward + backward for biases and BatchNorm shifts only (the paper's skipped step)
  update   SGD-with-momentum step over every parameter, after a full backward
dX = fx - forward, dW = full - fx (so dW absorbs the first layer's dX it does not run: a
lower bound on dW's cost), step = full + update.

Writes JSON on stdout (schema read by the study's report):
  {machine, software, models: [{model, width, batch, inputShape, forward_ms, dx_ms, dw_ms,
   update_ms, step_ms, bias_step_ms, runs}]}
Run:  python3 tools/study/gpu_cost_split.py --out cost-split.json
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'bench'))
from torch_peer import build  # noqa: E402  (the bench's models: one definition of each)

# The study's shapes: LeNet-5 on 28x28, VGG-11 and ResNet-18 on 32x32-padded Fashion-MNIST.
CASES = [
    ('lenet5', 1, (28, 28, 1)),
    ('vgg11', 1 / 8, (32, 32, 1)),
    ('vgg11', 1, (32, 32, 1)),
    ('resnet18', 1 / 8, (32, 32, 1)),
    ('resnet18', 1, (32, 32, 1)),
]


def measure(model_name, width, shape, batch, warmup, reps, dev):
    torch.manual_seed(1)
    model = build({'model': model_name, 'inputShape': list(shape), 'numClasses': 10, 'width': width}).to(dev)
    model.train()
    h, w, c = shape
    x = torch.randn(batch, c, h, w, device=dev)
    y = torch.randint(0, 10, (batch,), device=dev)
    params = list(model.parameters())
    weights = {id(p) for p in model.weights()}
    bn_scales = {id(m.weight) for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)}
    bias_only = [p for p in params if id(p) not in weights and id(p) not in bn_scales]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)

    def backward_for(trainable, input_grad=False):
        ids = {id(p) for p in trainable}
        for p in params:
            p.requires_grad_(id(p) in ids)
        xi = x.detach().requires_grad_(input_grad)
        loss = F.cross_entropy(model(xi), y)
        if trainable or input_grad:
            loss.backward()

    def forward():
        for p in params:
            p.requires_grad_(True)
        F.cross_entropy(model(x), y)

    variants = {
        'forward': forward,
        'fx': lambda: backward_for([], input_grad=True),
        'full': lambda: backward_for(params),
        'bias': lambda: backward_for(bias_only),
    }
    runs = {k: [] for k in list(variants) + ['update']}
    cuda = dev.type == 'cuda'
    if cuda:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

    def timed(fn):
        if not cuda:  # a dry run of the script on a machine without a GPU
            t = time.perf_counter()
            fn()
            return (time.perf_counter() - t) * 1000
        torch.cuda.synchronize()
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end)

    for r in range(warmup + reps):
        for name, fn in variants.items():
            opt.zero_grad(set_to_none=True)
            t = timed(fn)
            if r >= warmup:
                runs[name].append(t)
        # The update after a full backward, so every parameter has a gradient and momentum slot.
        opt.zero_grad(set_to_none=True)
        backward_for(params)
        t = timed(opt.step)
        if r >= warmup:
            runs['update'].append(t)
    med = {k: statistics.median(v) for k, v in runs.items()}
    return {
        'model': model_name, 'width': width, 'batch': batch, 'inputShape': list(shape),
        'forward_ms': med['forward'], 'dx_ms': med['fx'] - med['forward'],
        'dw_ms': med['full'] - med['fx'], 'update_ms': med['update'],
        'step_ms': med['full'] + med['update'], 'bias_step_ms': med['bias'] + med['update'],
        'runs': runs,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batches', default='128')
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--reps', type=int, default=30)
    ap.add_argument('--out')
    ap.add_argument('--device', default='cuda')
    a = ap.parse_args()
    dev = torch.device(a.device)
    # fp32 as TensorFlow.js computes: no TF32 tensor-core shortcut; cuDNN may pick its fastest algorithm.
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    out = {
        'machine': torch.cuda.get_device_name(0) if dev.type == 'cuda' else 'cpu',
        'software': f'PyTorch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, fp32 (TF32 off)',
        'models': [measure(m, w, s, int(b), a.warmup, a.reps, dev) for b in a.batches.split(',') for m, w, s in CASES],
    }
    text = json.dumps(out, indent=1)
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text + '\n')
    for r in out['models']:
        print(f"{r['model']:9s} w={r['width']:<6.3g} b={r['batch']:<4d} fwd {r['forward_ms']:7.3f}  dX {r['dx_ms']:7.3f}  "
              f"dW {r['dw_ms']:7.3f}  upd {r['update_ms']:6.3f}  step {r['step_ms']:7.3f}  bias-only {r['bias_step_ms']:7.3f} ms",
              file=sys.stderr)


if __name__ == '__main__':
    main()
