import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MlflowClient } from '@wus/mlflow-js';
import { expect, it } from 'vitest';
import { LocalRunStore, StoreError, TrackingServerError, syncToMlflow } from '../src/index.js';
import { snapshot, tempRoot } from './helpers.js';
import { countPoints, localSeries, remoteRunOf, remoteSeries } from './support/mlflow.js';
import { describeWithServer, testClient, uniqueName } from '@wus/mlflow-js/testing';

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
    expect(await snapshot(root)).toEqual(before); // sync only reads the store
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
    expect(await snapshot(root)).toEqual(before);
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
