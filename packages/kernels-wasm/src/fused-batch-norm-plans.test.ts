import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN_GRAD, FULL_UPDATE, selectBackend, type UpdatePlan } from '@wus/core';
import { kernelsOfPlanStep, tinyConvNet, tinyPlanStep } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmKernels } from './package.js';

/**
 * The fused BatchNorm op's gradient (core's `batchNormTrainGradConfig`) with this package's
 * kernels under it, in a training step with layer-wise plans: truncated backprop must reach
 * into the fused kernel, which otherwise computes dx eagerly.
 */
const count = (names: string[], name: string) => names.filter((n) => n === name).length;
const setup = tinyPlanStep;
const kernelsOf = kernelsOfPlanStep;

describe('fused BatchNorm in layer-wise plans (cpu backend, these kernels)', () => {
  beforeAll(async () => {
    await selectBackend('cpu', { kernels: [wasmKernels] });
  });

  it('no fused backward below the lowest updated parameter', async () => {
    const belowConv2 = await kernelsOf({ groups: FULL_UPDATE.groups, freezeBelowDepth: 2 });
    expect(count(belowConv2, BATCH_NORM_TRAIN_GRAD)).toBe(0);
  });

  it('fused BatchNorm computes no dx when nothing below it updates, and no dγ when γ is frozen', async () => {
    // BN at depth 1 updated (γ and β), conv 1 frozen: the fused backward (which writes dx) must not run.
    const noDx = await kernelsOf({ groups: FULL_UPDATE.groups, freezeLayers: ['conv2d_1'] });
    expect(count(noDx, BATCH_NORM_TRAIN_GRAD)).toBe(0);
    expect(count(noDx, 'Conv2DBackpropInput')).toBe(1);
    // With γ frozen too, only dβ = Σ dy is reduced: no multiply by x̂ (the dγ term) anywhere in BN's gradient.
    const withGamma = await kernelsOf({ groups: FULL_UPDATE.groups, freezeLayers: ['conv2d_1'] });
    const noGamma = await kernelsOf({ groups: ['weight', 'bias', 'norm-shift'], freezeLayers: ['conv2d_1'] });
    expect(count(noGamma, 'Rsqrt')).toBe(count(withGamma, 'Rsqrt') - 1);
    // A full step still uses the fused backward once.
    expect(count(await kernelsOf(FULL_UPDATE), BATCH_NORM_TRAIN_GRAD)).toBe(1);
  });

  it('gradients through the no-dx BatchNorm path equal those of the fused kernel', () => {
    const plan: UpdatePlan = { groups: FULL_UPDATE.groups, freezeLayers: ['conv2d_1'] };
    const a = setup(plan, tinyConvNet(7));
    const b = setup(FULL_UPDATE, tinyConvNet(7));
    tf.dispose(Object.values(a.trainer.trainStep(a.batch.x, a.batch.y, plan)));
    // Same step with conv 1 in the list but a zero learning rate for it: BN's fused backward runs.
    tf.dispose(Object.values(b.trainer.trainStep(b.batch.x, b.batch.y, { ...FULL_UPDATE, layerLrScale: { conv2d_1: 0 } })));
    for (const [i, p] of a.model.parameters.entries()) {
      const q = b.model.parameters[i]!;
      const pa = p.variable.dataSync();
      const qa = q.variable.dataSync();
      for (let j = 0; j < pa.length; j++) expect(Math.abs(pa[j]! - qa[j]!), `${p.name}[${j}]`).toBeLessThan(1e-6);
    }
  });

});
