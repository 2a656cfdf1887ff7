import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { MLFLOW_TAGS } from '../src/index.js';
import { describeWithServer, requireServer, testClient, uniqueName } from '../src/testing/index.js';

const run = promisify(execFile);

interface ReadBack {
  name: string;
  status: string;
  start_time: number;
  end_time: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  parent: string | null;
  children: string[];
  metrics: Record<string, [number, number | 'NaN', number][]>;
  artifacts: Record<string, { size: number; sha256: string }>;
}

describeWithServer("cross-client: MLflow's Python client reads back what mlflow-js wrote", () => {
  it('params, every metric step and value, tags, parent/child links and artifacts byte-for-byte', async () => {
    const mlflow = testClient();
    const experimentName = uniqueName('cross');
    const t0 = 1_700_000_000_000;
    const study = await mlflow.startRun({ experimentName, runName: 'study', startTime: t0, tags: { 'wus.role': 'study' } });
    const expected = new Map<string, { params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, [number, number | 'NaN', number][]>; artifacts: Record<string, Buffer> }>();

    for (const [k, policy] of ['never', 'wus'].entries()) {
      const trial = await mlflow.startRun({ experimentName, runName: policy, parentRunId: study.info.runId, startTime: t0 + k, tags: { policy, backend: 'wasm' } });
      const id = trial.info.runId;
      const params = { policy, lr: '0.05', 'policy.threshold': '0.003', epochs: '40', note: 'ünïcode ✓ "quoted"' };
      const metrics: Record<string, [number, number | 'NaN', number][]> = { loss: [], val_accuracy: [], epoch_skipped_fraction: [] };
      const points = [];
      for (let step = 0; step < 40; step++) {
        const ts = t0 + 1000 * step;
        const loss = step === 7 && policy === 'wus' ? Number.NaN : Math.exp(-step / 9) + k * 1e-9;
        const acc = 0.1 + step / 50 + Math.sin(step) / 1e7;
        const skipped = policy === 'wus' && step % 5 === 4 ? 1 : 0;
        points.push({ key: 'loss', value: loss, step, timestamp: ts }, { key: 'val_accuracy', value: acc, step, timestamp: ts }, { key: 'epoch_skipped_fraction', value: skipped, step, timestamp: ts });
        metrics['loss']?.push([step, Number.isNaN(loss) ? 'NaN' : loss, ts]);
        metrics['val_accuracy']?.push([step, acc, ts]);
        metrics['epoch_skipped_fraction']?.push([step, skipped, ts]);
      }
      await mlflow.metrics.logBatch(id, { params, metrics: points });
      const artifacts = { 'weights/weights.bin': randomBytes(150_000), 'config.json': Buffer.from(JSON.stringify({ policy, lr: 0.05 })) };
      for (const [path, data] of Object.entries(artifacts)) await mlflow.artifacts.upload(id, path, data);
      await mlflow.endRun(id, 'FINISHED', t0 + 100_000);
      expected.set(id, { params, tags: { policy, backend: 'wasm', [MLFLOW_TAGS.parentRunId]: study.info.runId }, metrics, artifacts });
    }
    await mlflow.endRun(study.info.runId, 'FINISHED', t0 + 200_000);

    const s = requireServer();
    const ids = [study.info.runId, ...expected.keys()];
    const { stdout } = await run('bash', [s.script, 'python', join(import.meta.dirname, 'read_back.py'), ...ids], {
      env: {
        ...process.env,
        MLFLOW_TRACKING_URI: s.uri,
        MLFLOW_TRACKING_USERNAME: s.username ?? '',
        MLFLOW_TRACKING_PASSWORD: s.password ?? '',
      },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const read = JSON.parse(stdout) as Record<string, ReadBack>;

    const studyBack = read[study.info.runId];
    expect(studyBack).toMatchObject({ name: 'study', status: 'FINISHED', start_time: t0, end_time: t0 + 200_000, parent: null });
    expect(studyBack?.children).toEqual([...expected.keys()].sort());
    for (const [id, want] of expected) {
      const got = read[id];
      expect(got?.parent).toBe(study.info.runId);
      expect(got?.params).toEqual(want.params);
      expect(got?.tags).toMatchObject(want.tags);
      expect(got?.metrics).toEqual(want.metrics); // every step, value (bit-exact doubles, NaN kept) and timestamp
      expect(Object.keys(got?.artifacts ?? {}).sort()).toEqual(Object.keys(want.artifacts).sort());
      for (const [path, data] of Object.entries(want.artifacts)) {
        expect(got?.artifacts[path]).toEqual({ size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      }
    }
  });
});
