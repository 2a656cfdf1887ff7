// A skip policy: weights update on every third step only; biases and BatchNorm shifts always.
//   wus compare --plugin examples/skip-every-third.mjs -P never,every-third
export default {
  kind: 'skip-policy',
  name: 'every-third',
  description: 'updates weights on every third step, biases on every step',
  create: () => ({
    description: 'every-third',
    plan: (ctx) => (ctx.step % 3 === 0 ? { groups: ['weight', 'bias', 'norm-scale', 'norm-shift'] } : { groups: ['bias', 'norm-shift'] }),
  }),
};
