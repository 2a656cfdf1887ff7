import { join } from 'node:path';
import type { EpochRecord, TrainingContext } from '@wus/core';
import { expect, it } from 'vitest';
import {
  InvalidTrackingInputError,
  LocalRunStore,
  MlflowTracker,
  TrackingCallback,
  TrackingServerError,
  syncToMlflow,
  type MlflowTrackerEvent,
} from '../src/index.js';
import { snapshot, tempRoot } from './helpers.js';
import { localSeries, remoteRunOf, remoteSeries } from './support/mlflow.js';
import { describeWithServer, requireServer, testClient, uniqueName } from '@wus/mlflow-js/testing';
import { MlflowClient } from '@wus/mlflow-js';

const ctx = {} as TrainingContext;
function epoch(i: number, skipped = 0): EpochRecord {
  return {
    epoch: i,
    metrics: { loss: 1 / (i + 1), accuracy: 0.5 + i / 40, val_loss: 1.1 / (i + 1), val_accuracy: 0.48 + i / 40 },
    fullyUpdated: skipped === 0,
    steps: 10,
    skippedSteps: skipped,
    lr: 0.05,
    trainTimeMs: 100 + i,
    epochTimeMs: 120 + i,
    compute: { forward: 3e9, dX: 2e9, dW: 1e9 },
    plans: {},
    frozenFraction: 0.25,
    signals: {},
    layerChange: {},
  };
}

function tracker(store: LocalRunStore, events: MlflowTrackerEvent[], client = testClient()): MlflowTracker {
  return new MlflowTracker({ client, store, probeIntervalMs: 200, endTimeoutMs: 20_000, onEvent: (e) => events.push(e) });
}

describeWithServer('MlflowTracker (real server)', () => {
  it('logs a study and its trials live: params, tags, every metric point, artifacts, parent links, status', async () => {
    const store = new LocalRunStore(join(await tempRoot(), 'runs'));
    const events: MlflowTrackerEvent[] = [];
    const t = tracker(store, events);
    const experiment = uniqueName('live');
    const study = await t.startRun({ name: 'compare mlp/fmnist', experiment, tags: { 'wus.role': 'study' } });
    for (const policy of ['never', 'wus']) {
      const trial = await t.startRun({ name: policy, experiment, parentRunId: study.id, params: { policy, lr: 0.05, epochs: 6 }, tags: { backend: 'wasm' } });
      const cb = new TrackingCallback(trial, { endRunOnTrainEnd: false });
      const epochs = Array.from({ length: 6 }, (_, i) => epoch(i, policy === 'wus' && i % 3 === 2 ? 10 : 0));
      for (const e of epochs) await cb.onEpochEnd(ctx, e);
      await cb.onTrainEnd(ctx, { epochs, test: { accuracy: 0.9 }, totalSteps: 60, skippedSteps: policy === 'wus' ? 20 : 0, wallTimeMs: 1000, trainTimeMs: 600, compute: { forward: 3e9, dX: 2e9, dW: 1e9 }, stoppedEarly: false });
      await trial.logArtifact('config.json', JSON.stringify({ policy }));
      await trial.logInputs([{ name: 'fmnist', digest: 'd1g3st', sourceType: 'local', source: '{"uri": "/data"}', context: 'train' }]);
      await trial.logModel({ name: 'mlp', artifactPath: 'weights', files: { 'weights.bin': new Uint8Array(64).fill(7) }, step: 6 });
      await trial.end('FINISHED');
      expect(t.remoteRunId(trial.id)).toBeDefined();
    }
    await study.logMetrics([{ key: 'wus.time_saved_pct', value: 12.5, step: 0 }]);
    await study.end('FINISHED');
    // Each run was announced with its page as soon as it existed on the server; nothing else went wrong.
    const experimentId = (await testClient().experiments.getByName(experiment))!.experimentId;
    expect(events.map((e) => [e.kind, e.runId, e.url])).toEqual(
      [study.id, ...(await store.listRuns({ parentRunId: study.id })).map((r) => r.runId)].map((id) => [
        'created',
        id,
        `${t.trackingUri}/#/experiments/${experimentId}/runs/${t.remoteRunId(id)}`,
      ]),
    );
    expect(t.pendingRuns()).toEqual([]);

    const client = testClient();
    const remoteStudy = await remoteRunOf(client, experiment, study.id);
    expect(remoteStudy?.info).toMatchObject({ runName: 'compare mlp/fmnist', status: 'FINISHED' });
    for (const local of await store.listRuns({ parentRunId: study.id })) {
      const remote = await remoteRunOf(client, experiment, local.runId);
      const details = await store.getRun(local.runId);
      expect(remote?.data.tags['mlflow.parentRunId']).toBe(remoteStudy?.info.runId);
      expect(remote?.data.params).toEqual(details.params);
      expect(remote?.data.tags).toMatchObject(details.tags);
      expect(remote?.info).toMatchObject({ status: 'FINISHED', startTime: details.info.startTime, endTime: details.info.endTime });
      expect(await remoteSeries(client, remote?.info.runId ?? '')).toEqual(localSeries(details.metrics));
      const files = (await client.artifacts.listAll(remote?.info.runId ?? '')).map((f) => [f.path, f.fileSize]);
      expect(files).toEqual(details.artifacts.filter((a) => !a.name.startsWith('weights/')).map((a) => [a.name, a.size]));
      expect(files.map(([p]) => p)).toContain('plots/learning-curve.svg');
      expect(remote?.inputs.datasetInputs.map((d) => d.dataset.digest)).toEqual(['d1g3st']);
      const [model] = await client.loggedModels.searchAll({ experimentIds: [remote!.info.experimentId], filter: `source_run_id = '${remote!.info.runId}'` });
      expect(model).toMatchObject({ name: 'mlp', status: 'READY' });
      expect(remote?.outputs.modelOutputs).toEqual([{ modelId: model!.modelId, step: 6 }]);
    }
    // The live copy is what sync would produce: a sync afterwards sends nothing.
    const again = await syncToMlflow(store, client, { experiment });
    expect(again).toMatchObject({ created: 0, metricsSent: 0, failed: 0 });
    expect(again.results.every((r) => r.ok && r.report.paramsSent + r.report.tagsSent + r.report.artifactsUploaded === 0 && !r.report.statusUpdated)).toBe(true);
  });

  it('refuses bad input before anything is written locally or sent', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    const t = tracker(store, []);
    const experiment = uniqueName('bad');
    const run = await t.startRun({ name: 'r', experiment });
    await run.logMetrics([{ key: 'ok', value: 1, step: 0 }]);
    await run.flush();
    const before = await snapshot(root);
    await expect(run.logMetrics([{ key: 'fine', value: 1, step: 1 }, { key: 'bad key!', value: 2, step: 1 }])).rejects.toBeInstanceOf(InvalidTrackingInputError);
    await expect(run.logMetrics([{ key: 'x', value: 1, step: 0.5 }])).rejects.toBeInstanceOf(InvalidTrackingInputError);
    await expect(run.logParams({ nested: { a: 1 } as never })).rejects.toBeInstanceOf(InvalidTrackingInputError);
    await expect(run.logArtifact('../escape.txt', 'x')).rejects.toBeInstanceOf(InvalidTrackingInputError);
    await run.flush();
    expect(await snapshot(root)).toEqual(before);
    await run.end('FINISHED');
    const remote = await remoteRunOf(testClient(), experiment, run.id);
    expect(remote?.data.metrics.map((m) => m.key)).toEqual(['ok']);
  });

  it('401: fails before the local run exists, saying which credentials to fix', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    const t = tracker(store, [], testClient({ password: 'wrong-password' }));
    const err = await t.startRun({ name: 'r', experiment: uniqueName('auth') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingServerError);
    expect(err).toMatchObject({ reason: 'server-auth', code: 'STORE', errorCode: 'UNAUTHENTICATED' });
    expect((err as Error).message).toMatch(/HTTP 401.*MLFLOW_TRACKING_USERNAME \/ MLFLOW_TRACKING_PASSWORD/);
    expect(await store.listRuns()).toEqual([]);
    await expect(t.startRun({ name: 'again', experiment: 'x' })).rejects.toBe(err); // stays refused
  });

  it('a deleted experiment is reported with the way out', async () => {
    const client = testClient();
    const experiment = uniqueName('deleted');
    await client.experiments.delete(await client.experiments.create(experiment));
    const t = tracker(new LocalRunStore(join(await tempRoot(), 'runs')), []);
    const err = await t.startRun({ name: 'r', experiment }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'experiment-deleted' });
    expect((err as Error).message).toMatch(/is deleted on the MLflow server.*mlflow experiments restore/);
  });

  it('an unreachable server (wrong URI): the run goes on locally and `sync` uploads it later', async () => {
    const store = new LocalRunStore(join(await tempRoot(), 'runs'));
    const events: MlflowTrackerEvent[] = [];
    const dead = new MlflowClient({ trackingUri: 'http://127.0.0.1:9', env: {}, retry: { maxRetries: 1, backoffFactorMs: 10 } });
    const t = new MlflowTracker({ client: dead, store, probeIntervalMs: 100, endTimeoutMs: 500, onEvent: (e) => events.push(e) });
    const experiment = uniqueName('offline');
    const started = Date.now();
    const run = await t.startRun({ name: 'r', experiment, params: { a: 1 } });
    for (let s = 0; s < 5; s++) await run.logMetrics([{ key: 'loss', value: 1 / (s + 1), step: s }]);
    await run.end('FINISHED');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(events.map((e) => e.kind)).toEqual(['offline', 'pending']);
    expect(events[0]?.message).toMatch(/http:\/\/127\.0\.0\.1:9 unreachable.*local store/);
    expect(events[1]?.message).toMatch(/wus sync/);
    expect(t.pendingRuns()).toEqual([run.id]);
    expect((await store.getRun(run.id)).metrics['loss']).toHaveLength(5);

    const client = testClient();
    const report = await syncToMlflow(store, client);
    expect(report).toMatchObject({ created: 1, metricsSent: 5, failed: 0 });
    const remote = await remoteRunOf(client, experiment, run.id);
    expect(remote?.info.status).toBe('FINISHED');
    expect(Object.values(await remoteSeries(client, remote?.info.runId ?? '')).flat()).toHaveLength(5);
    expect(requireServer().uri).not.toBe('http://127.0.0.1:9');
  });
});
