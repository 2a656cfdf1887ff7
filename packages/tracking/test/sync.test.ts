import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MlflowClient } from '@wus/mlflow-js';
import { expect, it } from 'vitest';
import { LocalRunStore, StoreError, TrackingServerError, syncToMlflow } from '../src/index.js';
import { snapshot, tempRoot } from './helpers.js';
import { countPoints, localSeries, remoteRunOf, remoteSeries } from './support/mlflow.js';
import { describeWithServer, testClient, uniqueName } from '@wus/mlflow-js/testing';

/** A store snapshot without the replica records that replication writes. */
function withoutReplicaRecords<T>(snap: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(snap).filter(([path]) => !path.endsWith('mlflow.json')));
}

/** A local study with two trials, as `wus compare` leaves it. */
async function localStudy(store: LocalRunStore, experiment: string, epochs = 12) {
  const study = await store.startRun({ name: 'compare', experiment, tags: { 'wus.role': 'study' }, params: { epochs } });
  const trials = [];
  for (const policy of ['never', 'wus']) {
    const trial = await store.startRun({ name: policy, experiment, parentRunId: study.id, params: { policy, lr: 0.05 }, tags: { policy, backend: 'wasm' } });
    for (let e = 0; e < epochs; e++) {
      await trial.logMetrics([
        { key: 'loss', value: 1 / (e + 1), step: e },
        { key: 'val_accuracy', value: 0.5 + e / 100, step: e },
        { key: 'epoch_skipped_fraction', value: policy === 'wus' && e % 4 === 3 ? 1 : 0, step: e },
      ]);
    }
    await trial.logArtifact('weights/weights.bin', new Uint8Array(2048).fill(policy.length));
    await trial.end('FINISHED');
    trials.push(trial.id);
  }
  await study.end('FINISHED');
  return { study: study.id, trials };
}

describeWithServer('wus sync (real server)', () => {
  it('replays the local store with parent links; a second sync creates and sends nothing', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    const experiment = uniqueName('sync');
    const { study, trials } = await localStudy(store, experiment);
    const before = await snapshot(root);
    const client = testClient();

    const first = await syncToMlflow(store, client, { experiment });
    expect(first).toMatchObject({ created: 3, metricsSent: 2 * 12 * 3, failed: 0 });
    expect(first.results.map((r) => r.run.runId)).toEqual([study, ...trials]); // parents first

    const remoteStudy = await remoteRunOf(client, experiment, study);
    let total = 0;
    for (const id of trials) {
      const remote = await remoteRunOf(client, experiment, id);
      const local = await store.getRun(id);
      expect(remote?.data.tags['mlflow.parentRunId']).toBe(remoteStudy?.info.runId);
      expect(remote?.info).toMatchObject({ runName: local.info.name, status: 'FINISHED', startTime: local.info.startTime, endTime: local.info.endTime });
      const series = await remoteSeries(client, remote?.info.runId ?? '');
      expect(series).toEqual(localSeries(local.metrics));
      total += countPoints(series);
      expect(Buffer.compare(await client.artifacts.download(remote?.info.runId ?? '', 'weights/weights.bin'), await store.readArtifact(id, 'weights/weights.bin'))).toBe(0);
    }
    expect(total).toBe(72);

    const second = await syncToMlflow(store, client, { experiment });
    expect(second).toMatchObject({ created: 0, metricsSent: 0, failed: 0 });
    for (const r of second.results) {
      expect(r.ok && r.report).toMatchObject({ paramsSent: 0, tagsSent: 0, metricsSent: 0, artifactsUploaded: 0, statusUpdated: false });
    }
    let totalAfter = 0;
    for (const id of trials) totalAfter += countPoints(await remoteSeries(client, (await remoteRunOf(client, experiment, id))?.info.runId ?? ''));
    expect(totalAfter).toBe(72); // no doubles
    // Sync writes nothing but each run's replica record (mlflow.json: where it is in MLflow).
    expect(withoutReplicaRecords(await snapshot(root))).toEqual(before);
    const record = (await store.getRun(study)).replicas[client.trackingUri];
    expect(record).toEqual({ experimentId: remoteStudy?.info.experimentId, runId: remoteStudy?.info.runId, models: {} });
  });

  it('replays data-set inputs and logged models (files, READY, run output, registered version) once; completes an interrupted model upload', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    const experiment = uniqueName('models');
    const registered = uniqueName('mlp');
    const client = testClient();
    const datasets = (['train', 'test'] as const).map((context) => ({
      name: 'fashion-mnist',
      digest: context === 'train' ? 'aaaa1111' : 'bbbb2222',
      sourceType: 'local',
      source: '{"uri": "/usr/share/datasets/fashion-mnist"}',
      profile: JSON.stringify({ num_rows: context === 'train' ? 54000 : 10000, split: context }),
      context,
    }));
    const weights = new Uint8Array(4096).map((_, i) => i % 256);
    const trial = async (name: string) => {
      const run = await store.startRun({ name, experiment, params: { lr: 0.05 } });
      await run.logInputs(datasets);
      await run.logInputs(datasets.slice(0, 1)); // again: a no-op
      await run.logArtifact('config.json', '{"lr": 0.05}');
      await run.logModel({ name: 'mlp', artifactPath: 'weights', files: { 'manifest.json': '{"format":"wus-weights/2"}', 'weights.bin': weights }, modelType: 'tfjs', step: 3, params: { lr: 0.05 }, registeredModelName: registered });
      await run.end('FINISHED');
      return run.id;
    };
    const id = await trial('with-model');
    const local = await store.getRun(id);
    expect(local.inputs).toEqual(datasets);
    expect(local.models).toEqual([{ name: 'mlp', artifactPath: 'weights', files: ['manifest.json', 'weights.bin'], modelType: 'tfjs', step: 3, params: { lr: '0.05' }, tags: {}, registeredModelName: registered }]);

    const first = await syncToMlflow(store, client, { experiment });
    expect(first.results[0]?.ok && first.results[0].report).toMatchObject({ created: true, datasetsSent: 2, modelsSent: 1, artifactsUploaded: 1 });
    const remote = (await remoteRunOf(client, experiment, id))!;
    const remoteId = remote.info.runId;
    expect(remote.inputs.datasetInputs.map((d) => [d.dataset.name, d.dataset.digest, d.tags['mlflow.data.context'], d.dataset.profile]).sort()).toEqual(
      datasets.map((d) => [d.name, d.digest, d.context, d.profile]).sort(),
    );
    // The model's files are the model's, not the run's artifacts.
    expect((await client.artifacts.listAll(remoteId)).map((f) => f.path)).toEqual(['config.json']);
    const models = await client.loggedModels.searchAll({ experimentIds: [remote.info.experimentId], filter: `source_run_id = '${remoteId}'` });
    expect(models.map((m) => [m.name, m.status, m.modelType, m.params['lr']])).toEqual([['mlp', 'READY', 'tfjs', '0.05']]);
    const model = models[0]!;
    expect((await client.artifacts.listAllOfModel(model)).map((f) => [f.path, f.fileSize])).toEqual([
      ['manifest.json', 26],
      ['weights.bin', 4096],
    ]);
    expect(remote.outputs.modelOutputs).toEqual([{ modelId: model.modelId, step: 3 }]);
    const versions = await client.registry.searchModelVersionsAll({ filter: `name = '${registered}'` });
    expect(versions.map((v) => [v.version, v.source, v.runId])).toEqual([['1', `models:/${model.modelId}`, remoteId]]);
    expect((await store.getRun(id)).replicas[client.trackingUri]).toEqual({ experimentId: remote.info.experimentId, runId: remoteId, models: { mlp: model.modelId } });

    const second = await syncToMlflow(store, client, { experiment });
    expect(second.results[0]?.ok && second.results[0].report).toMatchObject({ created: false, datasetsSent: 0, modelsSent: 0, artifactsUploaded: 0 });
    expect(await client.loggedModels.searchAll({ experimentIds: [remote.info.experimentId] })).toHaveLength(1);
    expect(await client.registry.searchModelVersionsAll({ filter: `name = '${registered}'` })).toHaveLength(1);
    expect((await client.runs.get(remoteId)).inputs.datasetInputs).toHaveLength(2);

    // A model whose upload was cut short (PENDING, one file of two) is completed, not duplicated.
    const cut = await trial('cut-short');
    await syncToMlflow(store, client, { experiment }); // creates everything…
    const cutRemote = (await remoteRunOf(client, experiment, cut))!.info;
    const [done] = await client.loggedModels.searchAll({ experimentIds: [cutRemote.experimentId], filter: `source_run_id = '${cutRemote.runId}'` });
    await client.loggedModels.delete(done!.modelId); // …then the server loses it: start over half-way
    const pending = await client.loggedModels.create({ experimentId: cutRemote.experimentId, name: 'mlp', sourceRunId: cutRemote.runId });
    await client.artifacts.uploadToModel(pending, 'manifest.json', '{"format":"wus-weights/2"}');
    const third = await syncToMlflow(store, client, { experiment });
    expect(third.results.find((r) => r.run.runId === cut)?.ok).toBe(true);
    const after = await client.loggedModels.searchAll({ experimentIds: [cutRemote.experimentId], filter: `source_run_id = '${cutRemote.runId}'` });
    expect(after.map((m) => [m.modelId, m.status])).toEqual([[pending.modelId, 'READY']]);
    expect((await client.artifacts.listAllOfModel(pending)).map((f) => f.path)).toEqual(['manifest.json', 'weights.bin']);
  });

  it('syncs only what is new, and a run whose process died as KILLED', async () => {
    const root = join(await tempRoot(), 'runs');
    const experiment = uniqueName('incr');
    const store = new LocalRunStore({ root, isProcessAlive: () => false });
    const { trials } = await localStudy(new LocalRunStore(root), experiment, 3);
    const client = testClient();
    await syncToMlflow(store, client, { experiment });

    const crashed = await new LocalRunStore(root).startRun({ name: 'crashed', experiment });
    const lastWrite = Date.now() + 60_000;
    await crashed.logMetrics([{ key: 'loss', value: 0.7, step: 0, timestamp: lastWrite }]);
    await crashed.flush(); // the process "dies" here: never ended
    const report = await syncToMlflow(store, client, { experiment });
    expect(report).toMatchObject({ created: 1, metricsSent: 1 });
    const remote = await remoteRunOf(client, experiment, crashed.id);
    expect(remote?.info).toMatchObject({ status: 'KILLED', endTime: lastWrite }); // ended at its last write
    expect(trials).toHaveLength(2);
  });

  it('a run the server refuses is reported and the others are synced', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    const experiment = uniqueName('refused');
    const { trials } = await localStudy(store, experiment, 2);
    const client = testClient();
    await syncToMlflow(store, client, { experiment });
    // The local copy of one trial now disagrees with MLflow on an (immutable) param.
    const [changed, other] = trials as [string, string];
    await writeFile(join(root, experiment, changed, 'params.json'), JSON.stringify({ lr: '0.5', policy: 'never' }));
    const more = await store.startRun({ name: 'late', experiment });
    await more.end('FINISHED');
    const report = await syncToMlflow(store, client, { experiment });
    expect(report).toMatchObject({ created: 1, failed: 1 });
    const failure = report.results.find((r) => !r.ok);
    expect(failure?.run.runId).toBe(changed);
    expect(!failure?.ok && failure?.error).toMatchObject({ reason: 'server-rejected' });
    expect(!failure?.ok && failure?.error.message).toMatch(/param "lr" is "0.05" on the server but "0.5" locally; params cannot change/);
    expect(report.results.find((r) => r.run.runId === other)?.ok).toBe(true);
  });

  it('skips torn and corrupt metric lines, reports them, and leaves the store untouched', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    const experiment = uniqueName('torn');
    const run = await store.startRun({ name: 'r', experiment });
    await run.logMetrics([{ key: 'loss', value: 1, step: 0, timestamp: 1 }, { key: 'loss', value: 0.5, step: 1, timestamp: 2 }]);
    await run.end('FINISHED');
    const file = join(root, experiment, run.id, 'metrics.jsonl');
    await appendFile(file, 'this is not json\n{"key":"loss","value":0.25,"step":2,"times');
    await writeFile(join(root, experiment, run.id, 'tags.json'), '{ broken');
    const before = await snapshot(root);
    const report = await syncToMlflow(store, testClient(), { experiment });
    const result = report.results[0];
    expect(result?.ok && result.report.metricsSent).toBe(2);
    expect(result?.ok && result.report.localIssues.map((i) => i.split(':')[0])).toEqual(['corrupt-file', 'corrupt-line', 'torn-line']);
    expect(withoutReplicaRecords(await snapshot(root))).toEqual(before);
  });

  it('clear errors: unknown local experiment, unreachable server, refused credentials', async () => {
    const root = join(await tempRoot(), 'runs');
    const store = new LocalRunStore(root);
    await localStudy(store, 'present', 1);
    const unknown = await syncToMlflow(store, testClient(), { experiment: 'absent' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(StoreError);
    expect((unknown as Error).message).toMatch(/No local runs in experiment "absent".*Local experiments: present/);

    const dead = new MlflowClient({ trackingUri: 'http://127.0.0.1:9', env: {}, retry: { maxRetries: 0 } });
    const down = await syncToMlflow(store, dead).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(TrackingServerError);
    expect(down).toMatchObject({ reason: 'server-unreachable' });
    expect((down as Error).message).toMatch(/Cannot reach the MLflow server at http:\/\/127\.0\.0\.1:9/);

    const denied = await syncToMlflow(store, testClient({ password: 'nope' })).catch((e: unknown) => e);
    expect(denied).toMatchObject({ reason: 'server-auth', errorCode: 'UNAUTHENTICATED' });
  });
});
