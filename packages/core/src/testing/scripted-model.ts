import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';
import type { Parameter } from '../params/parameter.js';

/**
 * A real `Model` whose inference-mode accuracy on a split is scripted: the k-th inference call
 * classifies exactly round(accuracies[k] × n) of the split's samples correctly (the first ones in
 * stored order), so a real `Trainer` reports the scripted validation accuracy after every epoch
 * (with an evaluation batch holding the whole split). Training-mode passes are a plain linear
 * layer with a weight and a bias, so plans freeze and update real parameters.
 */
export function scriptedAccuracyModel(options: { readonly inputSize: number; readonly numClasses: number; readonly labels: Int32Array; readonly accuracies: readonly number[] }): Model {
  const { inputSize, numClasses, labels, accuracies } = options;
  const kernel = tf.variable(tf.zeros([inputSize, numClasses]), true, `scripted_${Math.random().toString(36).slice(2)}/kernel`);
  const bias = tf.variable(tf.zeros([numClasses]), true, `${kernel.name.split('/')[0]}/bias`);
  const parameters: Parameter[] = [
    { name: 'fc/kernel', group: 'weight', layer: 'fc', depth: 0, variable: kernel },
    { name: 'fc/bias', group: 'bias', layer: 'fc', depth: 0, variable: bias },
  ];
  let calls = 0;
  return {
    name: 'scripted',
    inputShape: [inputSize],
    numClasses,
    parameters,
    forward(x, training) {
      const linear = tf.add(tf.matMul(x as tf.Tensor2D, kernel), bias) as tf.Tensor2D;
      if (training) return linear;
      const acc = accuracies[Math.min(calls++, accuracies.length - 1)] ?? 0;
      const n = x.shape[0]!;
      const correct = Math.round(acc * n);
      const predicted = Int32Array.from({ length: n }, (_, i) => (i < correct ? labels[i]! : (labels[i]! + 1) % numClasses));
      return tf.tidy(() => tf.add(tf.mul(linear, 0), tf.oneHot(tf.tensor1d(predicted, 'int32'), numClasses).mul(10)) as tf.Tensor2D);
    },
    summary: () => 'scripted accuracy model',
    dispose: () => tf.dispose([kernel, bias]),
  };
}
