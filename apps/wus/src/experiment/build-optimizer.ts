import { Adam, Sgd, type Optimizer } from '@wus/core';
import type { TrainConfig } from '../config/schema.js';

export function buildOptimizer(config: TrainConfig): Optimizer {
  return config.optimizer === 'adam'
    ? new Adam({ weightDecay: config.weightDecay })
    : new Sgd({ momentum: config.momentum, weightDecay: config.weightDecay });
}
