import type { Model } from '@wus/core';
import { buildLenet5 } from '@wus/zoo-basic';
import { buildResnet18, buildVgg11 } from '@wus/zoo-cifar';

/** A benchmarked model: the zoo's builder and the shapes of the PyTorch twin (tools/bench/torch_peer.py). */
export interface BenchModel {
  readonly name: string;
  /** Per-sample input shape, NHWC without the batch axis. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly defaultBatch: number;
  build(width: number, seed: number): Model;
  /** Options of the torch peer's builder beyond model, shape, classes and width. */
  readonly torch?: Record<string, unknown>;
}

export const MODELS: Record<string, BenchModel> = {
  lenet5: {
    name: 'lenet5',
    inputShape: [28, 28, 1],
    numClasses: 10,
    defaultBatch: 64,
    build: (widthMultiplier, seed) => buildLenet5({ inputShape: [28, 28, 1], numClasses: 10, widthMultiplier, seed }),
  },
  vgg11: {
    name: 'vgg11',
    inputShape: [32, 32, 3],
    numClasses: 10,
    defaultBatch: 32,
    build: (widthMultiplier, seed) => buildVgg11({ inputShape: [32, 32, 3], numClasses: 10, widthMultiplier, seed }),
    torch: { convBias: true },
  },
  resnet18: {
    name: 'resnet18',
    inputShape: [32, 32, 3],
    numClasses: 10,
    defaultBatch: 32,
    build: (widthMultiplier, seed) => buildResnet18({ inputShape: [32, 32, 3], numClasses: 10, widthMultiplier, seed }),
  },
};
