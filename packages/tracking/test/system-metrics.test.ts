import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRunStore } from '../src/index.js';
import { SYSTEM_METRIC_KEYS, SystemMetricsCallback } from '../src/system-metrics.js';
import { tempRoot } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('system metrics', () => {
  it('samples every interval while training, under system/, step = sample index, with extra gauges', async () => {
    const store = new LocalRunStore(join(await tempRoot(), 'runs'));
    const run = await store.startRun({ name: 'sys', experiment: 'x' });
    const cb = new SystemMetricsCallback(run, { intervalMs: 40, gauges: () => ({ tfjs_num_tensors: 7 }) });
    cb.onTrainBegin();
    // Busy work between yields, as a training loop does.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      for (let i = 0; i < 1e5; i++) Math.sqrt(i);
      await new Promise((r) => setImmediate(r));
    }
    await cb.onTrainEnd();
    const n = (await store.getRun(run.id)).metrics[SYSTEM_METRIC_KEYS.cpu]?.length ?? 0;
    await sleep(120); // stopped: no more samples
    const d = await store.getRun(run.id);
    expect(d.metrics[SYSTEM_METRIC_KEYS.cpu]).toHaveLength(n);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(Object.keys(d.metrics).sort()).toEqual([...Object.values(SYSTEM_METRIC_KEYS), 'system/tfjs_num_tensors'].sort());
    for (const points of Object.values(d.metrics)) expect(points.map((p) => p.step)).toEqual([...Array(n).keys()]);
    const latest = d.latestMetrics;
    expect(latest[SYSTEM_METRIC_KEYS.processCpu]).toBeGreaterThan(0); // the busy loop shows
    expect(latest[SYSTEM_METRIC_KEYS.processRss]).toBeGreaterThan(10); // MB
    expect(latest[SYSTEM_METRIC_KEYS.memoryPct]).toBeGreaterThan(0);
    expect(latest[SYSTEM_METRIC_KEYS.memoryPct]).toBeLessThanOrEqual(100);
    expect(latest['system/tfjs_num_tensors']).toBe(7);
  });

  it('interval 0 is off; a run that ended stops the sampling quietly', async () => {
    const store = new LocalRunStore(join(await tempRoot(), 'runs'));
    const off = await store.startRun({ name: 'off', experiment: 'x' });
    const none = new SystemMetricsCallback(off, { intervalMs: 0 });
    none.onTrainBegin();
    await sleep(50);
    await none.onTrainEnd();
    expect((await store.getRun(off.id)).metrics).toEqual({});

    const failed = await store.startRun({ name: 'failed', experiment: 'x' });
    const cb = new SystemMetricsCallback(failed, { intervalMs: 20 });
    cb.onTrainBegin();
    await failed.end('FAILED'); // training threw: no train end
    await sleep(80);
    await expect(cb.onTrainEnd()).resolves.toBeUndefined();
  });
});
