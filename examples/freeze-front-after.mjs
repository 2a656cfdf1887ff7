// A layer-wise policy: after `afterEpochs` epochs, freeze the front layers holding at most
// `share` of the forward FLOPs, entirely (no gradient below them; their output is cached).
//   wus compare -m lenet5 --plugin examples/freeze-front-after.mjs -P never,freeze-front-after -o freeze-front-after.share=0.9
export default {
  kind: 'skip-policy',
  name: 'freeze-front-after',
  description: 'freezes the front layers (up to a share of the forward cost) after some epochs',
  create(options = {}) {
    const { afterEpochs = 2, share = 0.5, ...unknown } = options;
    if (Object.keys(unknown).length > 0) throw new Error(`unknown options: ${Object.keys(unknown).join(', ')}`);
    let depth = 0;
    return {
      description: `freeze-front-after(afterEpochs=${afterEpochs},share=${share})`,
      // All it keeps (`depth`) is derived again in onTrainBegin, which a resumed run hears too:
      // nothing to save for `--resume`.
      stateless: true,
      // ctx.model: the layers in forward order, with depth and forward FLOPs per example.
      onTrainBegin(ctx) {
        let cost = 0;
        depth = 0;
        for (const layer of ctx.model.layers) {
          if (cost + layer.flops > share * ctx.model.flops) break;
          cost += layer.flops;
          depth = layer.depth + 1;
        }
      },
      plan: (ctx) =>
        ctx.epoch >= afterEpochs && depth > 0 ? { groups: ['weight', 'bias', 'norm-scale', 'norm-shift'], freezeBelowDepth: depth } : { groups: ['weight', 'bias', 'norm-scale', 'norm-shift'] },
    };
  },
};
