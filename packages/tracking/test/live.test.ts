import { join } from 'node:path';
import { FULL_UPDATE, Sgd, Trainer, nn, selectBackend } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { describeWithServer, testClient, uniqueName } from '@wus/mlflow-js/testing';
import { beforeAll, expect, it } from 'vitest';
import { LocalRunStore, MlflowTracker, TrackingCallback } from '../src/index.js';
import { tempRoot } from './helpers.js';

/**
 * Live logging with the real training loop: while a run trains, MLflow already shows it RUNNING
 * with the metrics of the epochs done so far. (The loop yields to the event loop between steps,
 * so the tracker's sender runs during training, not only between runs.)
 */
beforeAll(async () => {
  await selectBackend('cpu');
});

describeWithServer('live logging', () => {
  it('each epoch reaches MLflow while the next one trains, and the run shows RUNNING until it ends', async () => {
    const store = new LocalRunStore(join(await tempRoot(), 'runs'));
    const client = testClient();
    const tracker = new MlflowTracker({ client, store, probeIntervalMs: 200, endTimeoutMs: 20_000 });
    const experiment = uniqueName('live');
    const run = await tracker.startRun({ name: 'live', experiment });
    const model = nn.sequential({ name: 'mlp', inputShape: [32], numClasses: 4, seed: 1, layers: [nn.dense({ units: 256 }), nn.relu(), nn.dense({ units: 4 })] });
    const data = toyDataset({ count: 4096, sampleShape: [32], numClasses: 4, seed: 2 });
    const optimizer = new Sgd({ momentum: 0.9 });
    const epochs = 6;
    let done = false;
    const seen: { status: string; points: number }[] = [];
    // Poll the server as a user watching the UI would, until training ends.
    const poll = (async () => {
      while (!done) {
        const remote = tracker.remoteRunId(run.id);
        if (remote !== undefined) {
          const [r, history] = await Promise.all([client.runs.get(remote), client.metrics.historyAll(remote, 'val_accuracy')]);
          seen.push({ status: r.info.status, points: history.length });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const trainer = new Trainer({ model, data, optimizer, policy: { description: 'never', plan: () => FULL_UPDATE }, callbacks: [new TrackingCallback(run, { endRunOnTrainEnd: false })], epochs, batchSize: 8, lr: 0.05, seed: 3 });
    await trainer.fit();
    done = true;
    await poll;
    await run.end('FINISHED');
    model.dispose();
    optimizer.dispose();
    // While training: RUNNING, with some but not yet all epochs visible.
    const during = seen.filter((s) => s.status === 'RUNNING' && s.points > 0 && s.points < epochs);
    expect(during.length, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(new Set(during.map((s) => s.points)).size).toBeGreaterThan(1);
    // The links the CLI prints: the run's page and the experiment's runs table.
    const links = await tracker.runLinks(run.id, experiment);
    const remote = tracker.remoteRunId(run.id)!;
    const experimentId = (await client.runs.get(remote)).info.experimentId;
    expect(links).toEqual({
      run: `${tracker.trackingUri.replace(/\/+$/, '')}/#/experiments/${experimentId}/runs/${remote}`,
      experiment: `${tracker.trackingUri.replace(/\/+$/, '')}/#/experiments/${experimentId}?workflowType=machine_learning`,
    });
  });
});
