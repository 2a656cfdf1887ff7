"""PyTorch CPU peer of tools/bench: the same models, batch, shapes and thread count, timed the
same way (median of N after warm-up). Reads one JSON job on stdin, writes one JSON result on
stdout. Spawned by the harness (src/torch-peer.ts); run by hand as
  echo '{"model":"lenet5","batch":64,"inputShape":[28,28,1],"numClasses":10}' | .venv/bin/python torch_peer.py
Shapes follow the tfjs models of the zoo: NHWC input shapes in the job, NCHW inside torch.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def scaled(c, m):
    return max(1, round(c * m))


class LeNet5(nn.Module):
    # Zoo-basic's LeNet-5: conv5(6, 'same' on 28x28 else 'valid') relu maxpool2, conv5(16) relu
    # maxpool2, dense 120, 84, classes (ReLU).
    def __init__(self, in_shape, classes, m):
        super().__init__()
        h, w, c = in_shape
        self.c1 = nn.Conv2d(c, scaled(6, m), 5, padding=2 if h == 28 else 0)
        self.c2 = nn.Conv2d(scaled(6, m), scaled(16, m), 5)
        hh = (h if h == 28 else h - 4) // 2
        hh = (hh - 4) // 2
        ww = (w if w == 28 else w - 4) // 2
        ww = (ww - 4) // 2
        self.f1 = nn.Linear(hh * ww * scaled(16, m), scaled(120, m))
        self.f2 = nn.Linear(scaled(120, m), scaled(84, m))
        self.f3 = nn.Linear(scaled(84, m), classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)  # NHWC flatten order, as tfjs
        return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))

    def weights(self):
        return [self.c1.weight, self.c2.weight, self.f1.weight, self.f2.weight, self.f3.weight]


VGG11 = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']


class VGG(nn.Module):
    # VGG-11 for CIFAR (kuangliu/pytorch-cifar): 3x3 conv (pad 1) + BN + ReLU, max-pool 2,
    # then one linear layer. conv_bias follows the tfjs model (BN follows every conv).
    def __init__(self, in_shape, classes, m, conv_bias):
        super().__init__()
        layers, c = [], in_shape[2]
        for v in VGG11:
            if v == 'M':
                layers.append(nn.MaxPool2d(2))
            else:
                f = scaled(v, m)
                layers += [nn.Conv2d(c, f, 3, padding=1, bias=conv_bias), nn.BatchNorm2d(f, momentum=0.1), nn.ReLU()]
                c = f
        self.features = nn.Sequential(*layers)
        hw = (in_shape[0] // 32) * (in_shape[1] // 32)
        self.fc = nn.Linear(c * hw, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x).permute(0, 2, 3, 1), 1))

    def weights(self):
        return [p for mod in self.modules() if isinstance(mod, (nn.Conv2d, nn.Linear)) for p in [mod.weight]]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.sc = nn.Sequential()
        if stride != 1 or cin != cout:
            self.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(out)) + self.sc(x))


class ResNet18(nn.Module):
    # kuangliu/pytorch-cifar ResNet-18: 3x3 stem (64), 4 stages of 2 basic blocks, global
    # average pool, linear.
    def __init__(self, in_shape, classes, m):
        super().__init__()
        w = [scaled(c, m) for c in (64, 128, 256, 512)]
        self.c1 = nn.Conv2d(in_shape[2], w[0], 3, 1, 1, bias=False)
        self.b1 = nn.BatchNorm2d(w[0])
        blocks, cin = [], w[0]
        for i, cout in enumerate(w):
            for j in range(2):
                blocks.append(BasicBlock(cin, cout, 2 if (i > 0 and j == 0) else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        out = self.blocks(F.relu(self.b1(self.c1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(out, 1), 1))

    def weights(self):
        return [p for mod in self.modules() if isinstance(mod, (nn.Conv2d, nn.Linear)) for p in [mod.weight]]


def build(job):
    name, shape, classes, m = job['model'], job['inputShape'], job['numClasses'], job.get('width', 1)
    if name == 'lenet5':
        return LeNet5(shape, classes, m)
    if name == 'vgg11':
        return VGG(shape, classes, m, job.get('convBias', True))
    if name == 'resnet18':
        return ResNet18(shape, classes, m)
    raise SystemExit(f'unknown model {name}')


def main():
    job = json.load(sys.stdin)
    torch.set_num_threads(job.get('threads', 2))
    torch.manual_seed(1)
    model = build(job)
    model.train()
    h, w, c = job['inputShape']
    n = job['batch']
    x = torch.randn(n, c, h, w)
    y = torch.randint(0, job['numClasses'], (n,))
    weights = {id(p) for p in model.weights()}
    biases = [p for p in model.parameters() if id(p) not in weights]  # biases and BN gamma/beta
    # Our bias-only plan updates bias + norm-shift (BN beta) only: freeze gamma too.
    bn_scales = {id(mod.weight) for mod in model.modules() if isinstance(mod, nn.BatchNorm2d)}
    bias_only = [p for p in biases if id(p) not in bn_scales]
    params = list(model.parameters())
    # SGD with momentum 0.9, as the harness's tfjs trainer; state is per parameter, and a
    # parameter whose .grad is None (frozen in a bias-only step) is left alone.
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)

    def step(update):
        ids = {id(p) for p in update}
        for p in params:
            p.requires_grad_(id(p) in ids)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return float(loss)

    def forward():
        with torch.no_grad():
            return float(F.cross_entropy(model(x), y))

    # As the harness: forward, full and bias-only interleaved in each repetition, medians after warm-up.
    warmup, reps = job.get('warmup', 2), job.get('reps', 5)
    runs = {'forward': [], 'full': [], 'bias': []}
    for r in range(warmup + reps):
        for name, fn in (('forward', forward), ('full', lambda: step(params)), ('bias', lambda: step(bias_only))):
            t = time.perf_counter()
            fn()
            if r >= warmup:
                runs[name].append((time.perf_counter() - t) * 1000)
    fwd, full, bias = (statistics.median(runs[k]) for k in ('forward', 'full', 'bias'))
    json.dump({
        'backend': 'pytorch-cpu',
        'version': torch.__version__,
        'threads': torch.get_num_threads(),
        'forwardMs': fwd,
        'fullStepMs': full,
        'biasOnlyStepMs': bias,
        'parameters': sum(p.numel() for p in params),
        'runs': runs,
    }, sys.stdout)


if __name__ == '__main__':
    main()
