import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile, appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WusError } from '@wus/core';
import { describe, expect, it } from 'vitest';
import {
  InvalidTrackingInputError,
  LocalRunStore,
  ParamConflictError,
  RunNotFoundError,
  StoreError,
  defaultRunStoreRoot,
  type RunHandle,
} from '../src/index.js';
import { writeFileAtomic } from '../src/fs-util.js';
import { MetricsAppender, readMetricsFile } from '../src/metrics-file.js';
import { fakeClock, snapshot, tempRoot } from './helpers.js';

async function newStore(opts: { fsyncIntervalMs?: number } = {}): Promise<LocalRunStore> {
  return new LocalRunStore({ root: join(await tempRoot(), 'runs'), now: fakeClock(), ...opts });
}

async function readJsonFile(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('LocalRunStore round trip', () => {
  it('stores params, tags, metrics and artifacts and reads them back', async () => {
    const store = await newStore();
    const run = await store.startRun({
      name: 'baseline seed 1',
      experiment: 'mnist-mlp',
      params: { lr: 0.1, epochs: 3, policy: 'never' },
      tags: { backend: 'cpu' },
    });
    expect(run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await run.logParams({ 'policy.tau': 0.01, shuffle: true });
    await run.setTags({ model: 'mlp', backend: 'wasm' }); // tags are mutable
    await run.logMetrics([
      { key: 'loss', value: 2.5, step: 0, timestamp: 1000 },
      { key: 'loss', value: 0.1 + 0.2, step: 1, timestamp: 1001 },
      { key: 'val_loss', value: Number.NaN, step: 0, timestamp: 1002 },
      { key: 'val_loss', value: Number.POSITIVE_INFINITY, step: 1, timestamp: 1003 },
      { key: 'grad/min', value: Number.NEGATIVE_INFINITY, step: 0, timestamp: 1004 },
    ]);
    await run.logMetrics([{ key: 'loss', value: 0.25, step: 1, timestamp: 1005 }]); // replaces (loss, 1)
    await run.logArtifact('config.json', '{"a":1}');
    await run.logArtifact('weights/model.bin', new Uint8Array([0, 1, 2, 255]));
    await run.end('FINISHED');

    const d = await store.getRun(run.id);
    expect(d.info).toMatchObject({
      runId: run.id,
      name: 'baseline seed 1',
      experiment: 'mnist-mlp',
      parentRunId: null,
      status: 'FINISHED',
      displayStatus: 'FINISHED',
      processState: undefined,
      pid: process.pid,
      formatVersion: 1,
    });
    expect(d.info.endTime).toBeGreaterThan(d.info.startTime);
    expect(d.params).toEqual({ epochs: '3', lr: '0.1', policy: 'never', 'policy.tau': '0.01', shuffle: 'true' });
    expect(d.tags).toEqual({ backend: 'wasm', model: 'mlp' });
    expect(d.metrics['loss']).toEqual([
      { key: 'loss', value: 2.5, step: 0, timestamp: 1000 },
      { key: 'loss', value: 0.25, step: 1, timestamp: 1005 },
    ]);
    expect(d.metrics['val_loss']?.map((p) => p.value)).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
    expect(d.metrics['grad/min']?.map((p) => p.value)).toEqual([Number.NEGATIVE_INFINITY]);
    expect(d.latestMetrics).toEqual({ 'grad/min': Number.NEGATIVE_INFINITY, loss: 0.25, val_loss: Number.POSITIVE_INFINITY });
    expect(d.artifacts.map((a) => [a.name, a.size])).toEqual([
      ['config.json', 7],
      ['weights/model.bin', 4],
    ]);
    expect(d.issues).toEqual([]);
    expect((await store.readArtifact(run.id, 'config.json')).toString('utf8')).toBe('{"a":1}');
    expect([...(await store.readArtifact(run.id, 'weights/model.bin'))]).toEqual([0, 1, 2, 255]);
    const missing = await rejection(store.readArtifact(run.id, 'nope.txt'));
    expect(missing).toBeInstanceOf(StoreError);
    expect((missing as StoreError).reason).toBe('artifact-not-found');

    expect(await store.listExperiments()).toEqual([
      { name: 'mnist-mlp', runCount: 1, lastStartTime: d.info.startTime },
    ]);
  });

  it('writes the documented on-disk layout', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'exp 1', params: { b: 2, a: 1 } });
    await run.logMetrics([
      { key: 'acc', value: 0.5, step: 0, timestamp: 7 },
      { key: 'acc', value: Number.NaN, step: 1, timestamp: 8 },
    ]);
    await run.logArtifact('plots/curve.svg', '<svg/>');
    await run.end('KILLED');
    const dir = join(store.root, 'exp 1', run.id);
    expect((await readdir(dir)).sort()).toEqual(['artifacts', 'meta.json', 'metrics.jsonl', 'params.json', 'tags.json']);
    expect(await readFile(join(dir, 'metrics.jsonl'), 'utf8')).toBe(
      '{"key":"acc","value":0.5,"step":0,"timestamp":7}\n{"key":"acc","value":"NaN","step":1,"timestamp":8}\n',
    );
    expect(await readFile(join(dir, 'params.json'), 'utf8')).toBe('{\n  "a": "1",\n  "b": "2"\n}\n');
    expect(await readJsonFile(join(dir, 'tags.json'))).toEqual({});
    const meta = (await readJsonFile(join(dir, 'meta.json'))) as Record<string, unknown>;
    expect(Object.keys(meta).sort()).toEqual(
      ['endTime', 'experiment', 'formatVersion', 'hostname', 'name', 'parentRunId', 'pid', 'runId', 'startTime', 'status'].sort(),
    );
    expect(meta['status']).toBe('KILLED');
    expect(await readFile(join(dir, 'artifacts', 'plots', 'curve.svg'), 'utf8')).toBe('<svg/>');
  });

  it('makes metrics visible to readers before the next fsync and durable on flush', async () => {
    const store = await newStore({ fsyncIntervalMs: 60_000 });
    const run = await store.startRun({ name: 'r', experiment: 'e' });
    await run.logMetrics([{ key: 'loss', value: 1, step: 0 }]);
    expect((await store.getRun(run.id)).latestMetrics).toEqual({ loss: 1 });
    await run.flush();
    await run.end('FINISHED');
  });
});

describe('crash safety', () => {
  it('tolerates a torn last metrics line and a leftover temp file, and reports both', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e', params: { a: 1 } });
    await run.logMetrics([
      { key: 'loss', value: 1, step: 0, timestamp: 1 },
      { key: 'loss', value: 0.5, step: 1, timestamp: 2 },
    ]);
    await run.flush();
    const dir = join(store.root, 'e', run.id);
    // What a crash mid-write leaves: half a JSON line, and a temp file never renamed.
    await appendFile(join(dir, 'metrics.jsonl'), '{"key":"loss","value":0.2');
    await writeFile(join(dir, `.params.json.${process.pid}.abcdef.tmp`), '{"a": "1", "b"');
    await mkdir(join(dir, 'artifacts'), { recursive: true });
    await writeFile(join(dir, 'artifacts', '.curve.svg.1.ff.tmp'), '<sv');

    const d = await store.getRun(run.id);
    expect(d.metrics['loss']?.map((p) => p.value)).toEqual([1, 0.5]);
    expect(d.params).toEqual({ a: '1' });
    expect(d.artifacts).toEqual([]);
    expect(d.info.status).toBe('RUNNING');
    expect(d.issues.map((i) => i.kind).sort()).toEqual(['leftover-temp-file', 'leftover-temp-file', 'torn-line']);
    const torn = d.issues.find((i) => i.kind === 'torn-line');
    expect(torn?.line).toBe(3);
    expect(torn?.message).toMatch(/incomplete/);
    expect((await store.listRuns()).map((r) => r.runId)).toEqual([run.id]);
  });

  it('skips corrupt lines in the middle and keeps reading', async () => {
    const root = await tempRoot();
    const file = join(root, 'metrics.jsonl');
    await writeFile(
      file,
      '{"key":"a","value":1,"step":0,"timestamp":1}\nnot json\n{"key":"a","value":"bogus","step":1,"timestamp":2}\n' +
        '{"key":"a","value":"-Infinity","step":2,"timestamp":3}\n',
    );
    const r = await readMetricsFile(file);
    expect(r.points.map((p) => p.value)).toEqual([1, Number.NEGATIVE_INFINITY]);
    expect(r.issues.map((i) => [i.kind, i.line])).toEqual([
      ['corrupt-line', 2],
      ['corrupt-line', 3],
    ]);
  });

  it('never glues new points onto a torn line when appending to an existing file', async () => {
    const root = await tempRoot();
    const file = join(root, 'metrics.jsonl');
    await writeFile(file, '{"key":"a","value":1,"step":0,"timestamp":1}\n{"key":"a","val');
    const appender = new MetricsAppender(file, 0, 'run');
    await appender.append('{"key":"a","value":2,"step":1,"timestamp":2}\n');
    await appender.close();
    const r = await readMetricsFile(file);
    expect(r.points.map((p) => p.value)).toEqual([1, 2]);
    expect(r.issues.map((i) => i.kind)).toEqual(['corrupt-line']);
  });

  it('writes atomically: no temp file is left behind, on success or on failure', async () => {
    const root = await tempRoot();
    await writeFileAtomic(join(root, 'x.json'), 'one');
    await writeFileAtomic(join(root, 'x.json'), 'two');
    expect(await readFile(join(root, 'x.json'), 'utf8')).toBe('two');
    await mkdir(join(root, 'dir.json'));
    const err = await rejection(writeFileAtomic(join(root, 'dir.json'), 'three')); // rename onto a directory fails
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).reason).toBe('io');
    expect((await readdir(root)).sort()).toEqual(['dir.json', 'x.json']);
  });

  it('skips a run folder whose start was interrupted before meta.json', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'ok', experiment: 'e' });
    await mkdir(join(store.root, 'e', '00000000-0000-4000-8000-000000000000'), { recursive: true });
    expect((await store.listRuns()).map((r) => r.runId)).toEqual([run.id]);
  });
});

describe('params are immutable', () => {
  it('accepts the same value again and rejects a different one with a typed, clear error', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e', params: { lr: 0.1 } });
    await run.logParams({ lr: 0.1 });
    await run.logParams({ lr: '0.1' }); // same stored string
    const file = join(store.root, 'e', run.id, 'params.json');
    const before = await readFile(file, 'utf8');
    const err = await rejection(run.logParams({ epochs: 5, lr: 0.2 }));
    expect(err).toBeInstanceOf(ParamConflictError);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toBeInstanceOf(WusError);
    const e = err as ParamConflictError;
    expect(e.code).toBe('STORE');
    expect(e.reason).toBe('param-conflict');
    expect([e.key, e.existing, e.attempted, e.runId]).toEqual(['lr', '0.1', '0.2', run.id]);
    expect(e.message).toContain('Param "lr"');
    expect(e.message).toContain('immutable');
    // The whole batch was refused: `epochs` was not written either.
    expect(await readFile(file, 'utf8')).toBe(before);
    // The handle is still usable.
    await run.logParams({ epochs: 5 });
    await run.end('FINISHED');
    expect((await store.getRun(run.id)).params).toEqual({ epochs: '5', lr: '0.1' });
  });
});

describe('validation never corrupts the store', () => {
  it('rejects invalid keys, values, names and leaves every file untouched', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e', params: { a: 1 }, tags: { t: 'x' } });
    await run.logMetrics([{ key: 'loss', value: 1, step: 0 }]);
    await run.logArtifact('a.txt', 'a');
    const dir = join(store.root, 'e', run.id);
    const before = await snapshot(dir);

    const bad: [string, () => Promise<unknown>, RegExp][] = [
      ['param key', () => run.logParams({ ok: 1, 'bad:key': 2 }), /param key "bad:key".*letters, digits/],
      ['long key', () => run.logParams({ ['k'.repeat(251)]: 1 }), /251 characters, at most 250/],
      ['param value', () => run.logParams({ nested: { a: 1 } as unknown as string }), /flattenParams/],
      ['long param value', () => run.logParams({ big: 'x'.repeat(6001) }), /artifact/],
      ['tag key', () => run.setTags({ 'line\nbreak': 'x' }), /tag key/],
      ['dot segment', () => run.setTags({ 'a/../b': 'x' }), /"\.\."/],
      ['metric key', () => run.logMetrics([{ key: 'ok', value: 1, step: 1 }, { key: 'bad*', value: 1, step: 1 }]), /metric key/],
      ['metric value', () => run.logMetrics([{ key: 'ok', value: '1' as unknown as number, step: 1 }]), /metrics are numbers/],
      ['metric step', () => run.logMetrics([{ key: 'ok', value: 1, step: 1.5 }]), /steps are integers/],
      ['timestamp', () => run.logMetrics([{ key: 'ok', value: 1, step: 1, timestamp: -1 }]), /timestamp/],
      ['artifact traversal', () => run.logArtifact('../evil.txt', 'x'), /artifact name/],
      ['artifact hidden', () => run.logArtifact('x/.hidden', 'x'), /period/],
      ['artifact content', () => run.logArtifact('x.txt', 42 as unknown as string), /string or bytes/],
      ['end status', () => run.end('DONE' as 'FINISHED'), /end status/],
      ['dataset digest', () => run.logInputs([{ name: 'd', digest: 'x'.repeat(37), sourceType: 'local', source: '{}', context: 'train' }]), /digest must be 1–36/],
      ['dataset source', () => run.logInputs([{ name: 'd', digest: 'ab', sourceType: 'local', source: 'not json', context: 'train' }]), /source must be JSON/],
      ['model without files', () => run.logModel({ name: 'm', artifactPath: 'weights', files: {} }), /has no files/],
      ['model file path', () => run.logModel({ name: 'm', artifactPath: 'weights', files: { 'ok.bin': 'x', '../up.bin': 'x' } }), /artifact name/],
      ['model path', () => run.logModel({ name: 'm', artifactPath: '.hidden', files: { 'a.bin': 'x' } }), /period/],
    ];
    for (const [what, call, message] of bad) {
      const err = await rejection(call());
      expect(err, what).toBeInstanceOf(InvalidTrackingInputError);
      expect((err as StoreError).code, what).toBe('STORE');
      expect((err as StoreError).reason, what).toBe('invalid-input');
      expect((err as Error).message, what).toMatch(message);
    }
    expect(await snapshot(dir)).toEqual(before);

    for (const experiment of ['', '../up', 'a/b', '.hidden']) {
      expect(await rejection(store.startRun({ name: 'r', experiment }))).toBeInstanceOf(InvalidTrackingInputError);
    }
    expect(await rejection(store.startRun({ name: 'r', experiment: 'e2', params: { 'x y?': 1 } }))).toBeInstanceOf(
      InvalidTrackingInputError,
    );
    expect((await store.listRuns()).length).toBe(1);
    await run.end('FINISHED');
  });
});

describe('studies and trials', () => {
  it('lists children of a parent run, top-level runs, and runs per experiment, by start time', async () => {
    const store = await newStore();
    const study = await store.startRun({ name: 'compare', experiment: 'cifar' });
    const t1 = await store.startRun({ name: 'baseline', experiment: 'cifar', parentRunId: study.id });
    const other = await store.startRun({ name: 'solo', experiment: 'mnist' });
    const t2 = await store.startRun({ name: 'wus', experiment: 'cifar', parentRunId: study.id });
    for (const r of [t2, t1, other, study]) await r.end('FINISHED');

    const children = await store.listRuns({ parentRunId: study.id });
    expect(children.map((r) => r.name)).toEqual(['baseline', 'wus']);
    expect(children.every((r) => r.parentRunId === study.id)).toBe(true);
    expect((await store.listRuns({ parentRunId: null })).map((r) => r.name)).toEqual(['compare', 'solo']);
    expect((await store.listRuns({ experiment: 'cifar' })).map((r) => r.name)).toEqual(['compare', 'baseline', 'wus']);
    expect((await store.listRuns()).map((r) => r.name)).toEqual(['compare', 'baseline', 'solo', 'wus']);
    expect((await store.listRuns({ experiment: 'nothing-here' })).length).toBe(0);
    expect((await store.listExperiments()).map((e) => [e.name, e.runCount])).toEqual([
      ['cifar', 3],
      ['mnist', 1],
    ]);
    expect((await store.getRun(t1.id)).info.parentRunId).toBe(study.id);

    const err = await rejection(
      store.startRun({ name: 'orphan', experiment: 'cifar', parentRunId: '11111111-2222-4333-8444-555555555555' }),
    );
    expect(err).toBeInstanceOf(RunNotFoundError);
  });
});

describe('run lookup', () => {
  it('names an unknown run id and points at `wus runs`', async () => {
    const store = await newStore();
    const err = await rejection(store.getRun('deadbeef-0000-4000-8000-000000000000'));
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect((err as RunNotFoundError).code).toBe('STORE');
    expect((err as RunNotFoundError).reason).toBe('run-not-found');
    expect((err as Error).message).toContain('deadbeef-0000-4000-8000-000000000000');
    expect((err as Error).message).toContain('wus runs');
    expect(await rejection(store.getRun('../../etc'))).toBeInstanceOf(RunNotFoundError);
  });

  it('resolves a unique id prefix and refuses an ambiguous one', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e' });
    await run.end('FINISHED');
    expect((await store.getRun(run.id.slice(0, 8))).info.runId).toBe(run.id);
    // Any unique prefix will do, however short.
    expect((await store.getRun(run.id.slice(0, 1))).info.runId).toBe(run.id);
    expect((await store.getRun(run.id.slice(0, 4))).info.runId).toBe(run.id);
    // Fake a second run sharing the prefix.
    const twin = `${run.id.slice(0, 8)}-ffff-4fff-8fff-ffffffffffff`;
    await mkdir(join(store.root, 'e', twin), { recursive: true });
    const meta = (await readJsonFile(join(store.root, 'e', run.id, 'meta.json'))) as Record<string, unknown>;
    await writeFile(join(store.root, 'e', twin, 'meta.json'), JSON.stringify({ ...meta, runId: twin }));
    const err = await rejection(store.getRun(run.id.slice(0, 8)));
    expect((err as StoreError).reason).toBe('ambiguous-run-id');
    expect((err as Error).message).toContain(twin);
  });
});

describe('run status', () => {
  it('says RUNNING while the writer lives and "RUNNING (process gone)" once it died', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e' });
    let d = await store.getRun(run.id);
    expect([d.info.status, d.info.processState, d.info.displayStatus]).toEqual(['RUNNING', 'alive', 'RUNNING']);

    // Simulate the writer dying: point the meta at a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(dead).toBeGreaterThan(0);
    const metaFile = join(store.root, 'e', run.id, 'meta.json');
    const meta = (await readJsonFile(metaFile)) as Record<string, unknown>;
    await writeFile(metaFile, JSON.stringify({ ...meta, pid: dead }));
    d = await store.getRun(run.id);
    expect([d.info.status, d.info.processState, d.info.displayStatus]).toEqual(['RUNNING', 'gone', 'RUNNING (process gone)']);
    expect((await store.listRuns())[0]?.displayStatus).toBe('RUNNING (process gone)');

    // On another host a pid says nothing.
    await writeFile(metaFile, JSON.stringify({ ...meta, hostname: 'elsewhere' }));
    d = await store.getRun(run.id);
    expect([d.info.processState, d.info.displayStatus]).toEqual(['unknown', 'RUNNING (on host elsewhere)']);
  });

  it('makes end idempotent and refuses logging after it', async () => {
    const store = await newStore();
    const run: RunHandle = await store.startRun({ name: 'r', experiment: 'e' });
    const [a, b] = [run.end('FINISHED'), run.end('FAILED')];
    await Promise.all([a, b]);
    await run.end('FAILED');
    await run.end('KILLED');
    const d = await store.getRun(run.id);
    expect(d.info.status).toBe('FINISHED');
    const err = await rejection(run.logMetrics([{ key: 'x', value: 1, step: 0 }]));
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).reason).toBe('run-ended');
    expect((err as Error).message).toContain('FINISHED');
    expect((await rejection(run.logParams({ a: 1 })) as StoreError).reason).toBe('run-ended');
  });

  it('lets logging queued before end complete first', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e' });
    const pending = [
      run.logMetrics([{ key: 'x', value: 1, step: 0 }]),
      run.logParams({ p: 1 }),
      run.logArtifact('a.txt', 'a'),
      run.end('FAILED'),
    ];
    await Promise.all(pending);
    const d = await store.getRun(run.id);
    expect([d.info.status, d.latestMetrics, d.params, d.artifacts.length]).toEqual(['FAILED', { x: 1 }, { p: '1' }, 1]);
  });
});

describe('resuming a run', () => {
  it('reopens a killed run or one whose process died: RUNNING again, logging appended, params kept', async () => {
    const store = await newStore();
    const run = await store.startRun({ name: 'r', experiment: 'e', params: { lr: 0.1 } });
    await run.logMetrics([{ key: 'loss', value: 1, step: 0 }]);
    await run.end('KILLED');
    const again = await store.resumeRun(run.id.slice(0, 8));
    expect(again.id).toBe(run.id);
    let d = await store.getRun(run.id);
    expect([d.info.status, d.info.endTime, d.info.pid]).toEqual(['RUNNING', null, process.pid]);
    await again.logMetrics([{ key: 'loss', value: 0.5, step: 1 }]);
    await expect(again.logParams({ lr: 0.2 })).rejects.toThrow(ParamConflictError);
    await again.end('FINISHED');
    d = await store.getRun(run.id);
    expect(d.info.status).toBe('FINISHED');
    expect(d.metrics['loss']!.map((p) => [p.step, p.value])).toEqual([[0, 1], [1, 0.5]]);

    // A RUNNING run whose writer died resumes too.
    const orphan = await store.startRun({ name: 'o', experiment: 'e' });
    const metaFile = join(store.root, 'e', orphan.id, 'meta.json');
    const meta = (await readJsonFile(metaFile)) as Record<string, unknown>;
    await writeFile(metaFile, JSON.stringify({ ...meta, pid: spawnSync(process.execPath, ['-e', '']).pid }));
    await (await store.resumeRun(orphan.id)).end('FINISHED');
  });

  it('refuses a finished run and one another live process writes, changing nothing', async () => {
    const store = await newStore();
    const done = await store.startRun({ name: 'd', experiment: 'e' });
    await done.end('FINISHED');
    const live = await store.startRun({ name: 'l', experiment: 'e' });
    const before = await snapshot(store.root);
    const finished = (await rejection(store.resumeRun(done.id))) as StoreError;
    expect([finished.reason, finished.message]).toEqual(['run-ended', `Run ${done.id} finished; there is nothing to resume.`]);
    const active = (await rejection(store.resumeRun(live.id))) as StoreError;
    expect(active.reason).toBe('run-active');
    expect(active.message).toMatch(new RegExp(`still being written by process ${process.pid}`));
    expect(await snapshot(store.root)).toEqual(before);
  });

  it('takes over a run that looks live when the caller knows its writer lost it (a re-delivered sweep trial)', async () => {
    const store = await newStore();
    const live = await store.startRun({ name: 'l', experiment: 'e' });
    await live.logMetrics([{ key: 'loss', value: 1, step: 1 }]);
    const taken = await store.resumeRun(live.id, { takeOver: true });
    await taken.logMetrics([{ key: 'loss', value: 0.5, step: 2 }]);
    await taken.end('FINISHED');
    const d = await store.getRun(live.id);
    expect(d.info.status).toBe('FINISHED');
    expect(d.metrics['loss']!.map((p) => p.step)).toEqual([1, 2]);
  });
});

describe('defaultRunStoreRoot', () => {
  it('uses $WUS_HOME/runs, else ./.wus/runs', () => {
    expect(defaultRunStoreRoot({ WUS_HOME: '/data/wus' }, '/cwd')).toBe(join('/data/wus', 'runs'));
    expect(defaultRunStoreRoot({ WUS_HOME: 'rel' }, '/cwd')).toBe(join('/cwd', 'rel', 'runs'));
    expect(defaultRunStoreRoot({}, '/cwd')).toBe(join('/cwd', '.wus', 'runs'));
  });
});
