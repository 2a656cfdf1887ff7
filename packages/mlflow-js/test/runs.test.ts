import { expect, it } from 'vitest';
import { MLFLOW_TAGS, hasErrorCode } from '../src/index.js';
import { describeWithServer, testClient, uniqueName } from '../src/testing/index.js';

describeWithServer('runs (real server)', () => {
  const mlflow = testClient();

  it('creates, gets, updates, ends, deletes and restores a run', async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('runs'), runName: 'first', startTime: 1_700_000_000_000, tags: { policy: 'wus' } });
    const id = run.info.runId;
    expect(run.info).toMatchObject({ runName: 'first', status: 'RUNNING', startTime: 1_700_000_000_000, lifecycleStage: 'active' });
    expect(run.info.artifactUri).toContain(id);
    expect(run.data.tags).toMatchObject({ policy: 'wus', [MLFLOW_TAGS.runName]: 'first' });

    const info = await mlflow.runs.update(id, { runName: 'renamed' });
    expect(info?.runName).toBe('renamed');
    await mlflow.endRun(id, 'KILLED', 1_700_000_100_000);
    expect((await mlflow.runs.get(id)).info).toMatchObject({ status: 'KILLED', endTime: 1_700_000_100_000, runName: 'renamed' });

    await mlflow.runs.delete(id);
    expect((await mlflow.runs.get(id)).info.lifecycleStage).toBe('deleted');
    await mlflow.runs.restore(id);
    expect((await mlflow.runs.get(id)).info.lifecycleStage).toBe('active');
  });

  it('sets and deletes tags, logs params (immutable) and inputs', async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('runs'), runName: 'tags' });
    const id = run.info.runId;
    await mlflow.runs.setTag(id, 'a', '1');
    await mlflow.runs.setTag(id, 'a', '2');
    await mlflow.runs.setTag(id, 'b', 'x');
    await mlflow.runs.deleteTag(id, 'b');
    await mlflow.runs.logParam(id, 'lr', '0.1');
    await mlflow.runs.logParam(id, 'lr', '0.1'); // same value again: accepted
    const conflict = await mlflow.runs.logParam(id, 'lr', '0.2').catch((e: unknown) => e);
    expect(hasErrorCode(conflict, 'INVALID_PARAMETER_VALUE')).toBe(true);
    const schema = JSON.stringify({ mlflow_tensorspec: { features: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28, 1]}}]' } });
    await mlflow.runs.logInputs(id, {
      datasets: [
        {
          dataset: { name: 'fashion-mnist', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/fmnist"}', schema, profile: '{"num_rows": 60000}' },
          tags: { 'mlflow.data.context': 'train' },
        },
      ],
    });
    const got = await mlflow.runs.get(id);
    expect(got.data.tags['a']).toBe('2');
    expect(got.data.tags['b']).toBeUndefined();
    expect(got.data.params).toEqual({ lr: '0.1' });
    expect(got.inputs.datasetInputs).toEqual([
      {
        dataset: { name: 'fashion-mnist', digest: 'abc123', sourceType: 'local', source: '{"uri": "/data/fmnist"}', schema, profile: '{"num_rows": 60000}' },
        tags: { 'mlflow.data.context': 'train' },
      },
    ]);
  });

  it('nests runs under a parent and finds the children', async () => {
    const experimentName = uniqueName('nested');
    const parent = await mlflow.startRun({ experimentName, runName: 'study' });
    const kids = [];
    for (const name of ['never', 'wus', 'wus-lr']) {
      kids.push(await mlflow.startRun({ experimentName, runName: name, parentRunId: parent.info.runId }));
    }
    expect(kids[0]?.data.tags[MLFLOW_TAGS.parentRunId]).toBe(parent.info.runId);
    const children = await mlflow.runs.children(parent.info.runId, [parent.info.experimentId]);
    expect(children.map((r) => r.info.runName).sort()).toEqual(['never', 'wus', 'wus-lr']);
  });

  it('searches with a filter, ordering and paging', async () => {
    const exp = await mlflow.experiments.getOrCreate(uniqueName('search'));
    for (let i = 0; i < 5; i++) {
      const run = await mlflow.runs.create({ experimentId: exp.experimentId, runName: `r${i}`, tags: { parity: i % 2 === 0 ? 'even' : 'odd' } });
      await mlflow.metrics.log(run.info.runId, { key: 'acc', value: i / 10, step: 0 });
    }
    const ids = [exp.experimentId];
    const even = await mlflow.runs.searchAll({ experimentIds: ids, filter: "tags.parity = 'even'", orderBy: ['metrics.acc DESC'] });
    expect(even.map((r) => r.info.runName)).toEqual(['r4', 'r2', 'r0']);
    const page = await mlflow.runs.search({ experimentIds: ids, maxResults: 2, orderBy: ['attributes.run_name ASC'] });
    expect(page.items.map((r) => r.info.runName)).toEqual(['r0', 'r1']);
    expect(page.nextPageToken).toBeDefined();
    const all = await mlflow.runs.searchAll({ experimentIds: ids, maxResults: 2, orderBy: ['attributes.run_name ASC'] });
    expect(all.map((r) => r.info.runName)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(await mlflow.runs.searchAll({ experimentIds: ids, filter: 'metrics.acc > 0.25' })).toHaveLength(2);
  });
});
