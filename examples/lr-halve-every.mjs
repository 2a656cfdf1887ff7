// An LR schedule: the factor halves every `epochs` epochs (LR = base × factor × plan multiplier).
//   wus train --plugin examples/lr-halve-every.mjs --lr-schedule halve-every -o halve-every.epochs=1
export default {
  kind: 'lr-scheduler',
  name: 'halve-every',
  description: 'halves the learning rate every N epochs',
  create: ({ epochs = 2 } = {}) => ({
    description: `halve-every(epochs=${epochs})`,
    factor: (ctx) => 0.5 ** Math.floor(Math.max(0, ctx.epoch) / epochs),
  }),
};
