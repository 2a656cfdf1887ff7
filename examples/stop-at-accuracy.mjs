// A callback: stops training once the validation accuracy reaches a target; the run records
// stopped_early. It listens to events, so it says what to keep for `--resume` (state/restore).
//   wus train --plugin examples/stop-at-accuracy.mjs --callback stop-at-accuracy -o stop-at-accuracy.target=0.7
export default {
  kind: 'callback',
  name: 'stop-at-accuracy',
  description: 'stops training once val_accuracy reaches a target',
  create: ({ target = 0.9 } = {}) => {
    let reached = false;
    return {
      name: 'stop-at-accuracy',
      onTrainBegin() {
        reached = false;
      },
      onEpochEnd(_ctx, epoch) {
        reached = (epoch.metrics.val_accuracy ?? 0) >= target;
      },
      shouldStop: () => reached,
      state: () => ({ reached }),
      restore: (state) => {
        reached = state.reached;
      },
    };
  },
};
