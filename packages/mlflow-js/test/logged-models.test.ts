import { expect, it } from 'vitest';
import { MlflowInvalidInputError, hasErrorCode, validateRegisteredModelName } from '../src/index.js';
import { describeWithServer, testClient, uniqueName } from '../src/testing/index.js';

describeWithServer('logged models (MLflow 3, real server)', () => {
  const mlflow = testClient();

  it("creates a model, uploads its files, finalizes it READY and links it to the run's outputs", async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('lm'), runName: 'train' });
    const runId = run.info.runId;
    const created = await mlflow.loggedModels.create({
      experimentId: run.info.experimentId,
      name: 'lenet5',
      modelType: 'tfjs',
      sourceRunId: runId,
      params: { lr: '0.05' },
      tags: { policy: 'wus' },
    });
    expect(created).toMatchObject({ name: 'lenet5', status: 'PENDING', modelType: 'tfjs', sourceRunId: runId, params: { lr: '0.05' }, tags: { policy: 'wus' } });
    expect(created.modelId).toMatch(/^m-/);
    expect(created.artifactUri).toContain(created.modelId);

    const weights = new Uint8Array(5000).map((_, i) => i % 251);
    await mlflow.artifacts.uploadToModel(created, 'manifest.json', '{"format":"wus-weights/2"}');
    await mlflow.artifacts.uploadToModel(created, 'weights.bin', weights);
    expect(await mlflow.artifacts.listAllOfModel(created)).toEqual([
      { path: 'manifest.json', isDir: false, fileSize: 26 },
      { path: 'weights.bin', isDir: false, fileSize: 5000 },
    ]);
    // Files of the model are not the run's artifacts.
    expect(await mlflow.artifacts.listAll(runId)).toEqual([]);

    const ready = await mlflow.loggedModels.finalize(created.modelId, 'READY');
    expect(ready.status).toBe('READY');
    await mlflow.loggedModels.setTags(created.modelId, { stage: 'trained' });
    await mlflow.runs.logOutputs(runId, [{ modelId: created.modelId, step: 4 }]);

    expect((await mlflow.runs.get(runId)).outputs.modelOutputs).toEqual([{ modelId: created.modelId, step: 4 }]);
    expect(await mlflow.loggedModels.get(created.modelId)).toMatchObject({ status: 'READY', tags: { policy: 'wus', stage: 'trained' } });
    const found = await mlflow.loggedModels.searchAll({ experimentIds: [run.info.experimentId], filter: `source_run_id = '${runId}' AND name = 'lenet5'` });
    expect(found.map((m) => m.modelId)).toEqual([created.modelId]);

    // Registered as a new version whose source is the logged model.
    const name = uniqueName('lenet5');
    const v1 = await mlflow.registry.registerLoggedModel(ready, name, { tags: { policy: 'wus' } });
    expect(v1).toMatchObject({ name, version: '1', source: `models:/${created.modelId}`, runId, status: 'READY', tags: { policy: 'wus' } });

    await mlflow.loggedModels.delete(created.modelId);
    expect(hasErrorCode(await mlflow.loggedModels.get(created.modelId).catch((e: unknown) => e), 'RESOURCE_DOES_NOT_EXIST')).toBe(true);
  });

  it('validates registered-model names as the server does (checked against it, name by name)', async () => {
    const bad = ['', '   ', 'team/lenet5', 'lenet5:v2', '.', '..', '..hidden'];
    const good = [uniqueName('lenet5 wus'), uniqueName('Ünïcode-model_1.0'), `${uniqueName('x')}..y`];
    for (const name of bad) {
      expect(() => validateRegisteredModelName(name), name).toThrow(MlflowInvalidInputError);
      const refused = await mlflow.registry.createRegisteredModel(name).catch((e: unknown) => e);
      expect(hasErrorCode(refused, 'INVALID_PARAMETER_VALUE'), `server on ${JSON.stringify(name)}: ${String(refused)}`).toBe(true);
    }
    for (const name of good) {
      expect(validateRegisteredModelName(name)).toBe(name);
      expect((await mlflow.registry.createRegisteredModel(name)).name).toBe(name);
    }
    // The register calls check first: nothing is sent for a bad name.
    expect(await mlflow.registry.registerLoggedModel({ modelId: 'm-0' }, 'a/b').catch((e: unknown) => e)).toBeInstanceOf(MlflowInvalidInputError);
  });
});
