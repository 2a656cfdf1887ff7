import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { BullTrialQueue, InProcessTrialQueue, QueueError, TRIAL_ATTEMPTS, TrialFailedForGood, checkRedis, startTrialWorker, type TrialJob } from '../src/index.js';

// The machine's Redis (`.ci/run` starts one), a database of its own, a queue per test.
const URL = process.env['WUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const job = (key: string): TrialJob => ({ sweepId: 'sweep1', key, label: key, config: {} });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('InProcessTrialQueue', () => {
  it('retries an error that may pass, fails a trial for good at once, and runs each trial once', async () => {
    const q = new InProcessTrialQueue();
    await q.enqueue([job('a'), job('b'), job('c'), job('a')]);
    const calls: string[] = [];
    await q.drain(async (j, { attempt }) => {
      calls.push(`${j.key}${attempt}`);
      if (j.key === 'b') throw new TrialFailedForGood('bad option');
      if (j.key === 'c' && attempt < 2) throw new Error('server down');
    });
    expect(calls).toEqual(['a1', 'b1', 'c1', 'c2']);
    expect(await q.failed('sweep1')).toEqual(new Map([['b', 'bad option']]));
  });
});

describe('Redis', () => {
  it('that does not answer: one line saying where and what to do', async () => {
    const e = await checkRedis('redis://127.0.0.1:1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QueueError);
    expect((e as Error).message).toBe('Redis at redis://127.0.0.1:1 does not answer (ECONNREFUSED); start redis-server there, or fix --redis / REDIS_URL');
    await expect(checkRedis('http://x')).rejects.toThrow(/not a Redis URL/);
  });
});

describe('BullTrialQueue and its worker (real Redis)', () => {
  it('queues a trial once however often it is added; fails one for good once; retries others up to the limit', async () => {
    await checkRedis(URL);
    const name = `test-${process.pid}-${Date.now()}`;
    const q = new BullTrialQueue(URL, name);
    const raw = new Queue(name, { connection: { url: URL } });
    cleanups.push(async () => {
      await raw.obliterate({ force: true });
      await raw.close();
      await q.close();
    });
    await q.enqueue([job('ok'), job('bad'), job('flaky')]);
    await q.enqueue([job('ok')]);
    expect(await raw.getJobCountByTypes('waiting')).toBe(3);
    const calls: string[] = [];
    const w = startTrialWorker(
      async (j) => {
        calls.push(j.key);
        if (j.key === 'bad') throw new TrialFailedForGood('option "x" is unknown');
        if (j.key === 'flaky') throw new Error('still down');
      },
      { url: URL, queue: name },
    );
    cleanups.push(w.close);
    await until('every job settled', async () => (await raw.getJobCountByTypes('completed', 'failed')) === 3, 60_000);
    expect(calls.filter((k) => k === 'ok')).toHaveLength(1);
    expect(calls.filter((k) => k === 'bad')).toHaveLength(1);
    expect(calls.filter((k) => k === 'flaky')).toHaveLength(TRIAL_ATTEMPTS);
    expect(await q.failed('sweep1')).toEqual(new Map([['bad', 'option "x" is unknown'], ['flaky', 'still down']]));
  });
});
