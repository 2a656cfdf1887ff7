import { expect, it } from 'vitest';
import { describeWithServer, testClient, uniqueName } from '../src/testing/index.js';

describeWithServer('metrics (real server)', () => {
  const mlflow = testClient();

  it('splits a large log-batch to the server limits and stores every point', async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('batch'), runName: 'big' });
    const id = run.info.runId;
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: i % 2 === 0 ? 'loss' : 'acc', value: i / 2500, step: Math.floor(i / 2), timestamp: 1_700_000_000_000 + i }));
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, String(i)]));
    const tags = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`t${i}`, `v${i}`]));
    const requests = await mlflow.metrics.logBatch(id, { metrics, params, tags });
    expect(requests).toBe(3);
    const got = await mlflow.runs.get(id);
    expect(Object.keys(got.data.params)).toHaveLength(250);
    expect(Object.keys(got.data.tags).filter((k) => k.startsWith('t'))).toHaveLength(150);
    const loss = await mlflow.metrics.historyAll(id, 'loss', 400); // 1250 points in 4 pages
    expect(loss).toHaveLength(1250);
    expect(loss.map((m) => m.step)).toEqual(Array.from({ length: 1250 }, (_, i) => i));
    expect(loss[3]).toMatchObject({ key: 'loss', value: 6 / 2500, step: 3, timestamp: 1_700_000_000_006 });
  });

  it('pages through a history and keeps NaN', async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('hist'), runName: 'h' });
    const id = run.info.runId;
    await mlflow.metrics.log(id, { key: 'val_loss', value: Number.NaN, step: 0, timestamp: 1 });
    for (let s = 1; s < 5; s++) await mlflow.metrics.log(id, { key: 'val_loss', value: 1 / s, step: s, timestamp: 1 + s });
    const page = await mlflow.metrics.history(id, 'val_loss', { maxResults: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextPageToken).toBeDefined();
    const all = await mlflow.metrics.historyAll(id, 'val_loss', 2);
    expect(all.map((m) => m.step)).toEqual([0, 1, 2, 3, 4]);
    expect(Number.isNaN(all[0]?.value)).toBe(true);
    expect(all[4]?.value).toBe(0.25);
    // the run's latest value
    expect((await mlflow.runs.get(id)).data.metrics).toEqual([expect.objectContaining({ key: 'val_loss', value: 0.25, step: 4 })]);
  });
});
