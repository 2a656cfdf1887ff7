import { expect, it } from 'vitest';
import { MlflowNotFoundError, hasErrorCode } from '../src/index.js';
import { describeWithServer, testClient, uniqueName } from '../src/testing/index.js';

describeWithServer('model registry (real server)', () => {
  const mlflow = testClient();

  it("registers versions from a run's artifact, with tags, aliases and search", async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('reg'), runName: 'train' });
    const id = run.info.runId;
    await mlflow.artifacts.upload(id, 'weights/manifest.json', '{}');
    const name = uniqueName('mlp');

    const v1 = await mlflow.registry.registerModel(id, 'weights', name, { tags: { policy: 'wus' }, description: 'first' });
    expect(v1).toMatchObject({ name, version: '1', source: `runs:/${id}/weights`, runId: id, status: 'READY', tags: { policy: 'wus' }, description: 'first' });
    const v2 = await mlflow.registry.registerModel(id, 'weights', name);
    expect(v2.version).toBe('2');

    await mlflow.registry.setAlias(name, 'champion', '1');
    await mlflow.registry.setAlias(name, 'challenger', '2');
    expect((await mlflow.registry.getModelVersionByAlias(name, 'champion')).version).toBe('1');
    await mlflow.registry.setAlias(name, 'champion', '2'); // moves
    const model = await mlflow.registry.getRegisteredModel(name);
    expect(model.aliases).toEqual({ champion: '2', challenger: '2' });
    await mlflow.registry.deleteAlias(name, 'challenger');
    expect((await mlflow.registry.getModelVersion(name, '2')).aliases).toEqual(['champion']);

    await mlflow.registry.setRegisteredModelTag(name, 'task', 'fmnist');
    await mlflow.registry.setModelVersionTag(name, '2', 'validated', 'yes');
    await mlflow.registry.deleteModelVersionTag(name, '1', 'policy');
    await mlflow.registry.updateRegisteredModel(name, 'an MLP');
    await mlflow.registry.updateModelVersion(name, '2', 'second');
    expect(await mlflow.registry.getRegisteredModel(name)).toMatchObject({ description: 'an MLP', tags: { task: 'fmnist' } });
    expect(await mlflow.registry.getModelVersion(name, '2')).toMatchObject({ description: 'second', tags: { validated: 'yes' } });
    expect((await mlflow.registry.getModelVersion(name, '1')).tags).toEqual({});
    await mlflow.registry.deleteRegisteredModelTag(name, 'task');

    const versions = await mlflow.registry.searchModelVersionsAll({ filter: `name = '${name}'` });
    expect(versions.map((v) => v.version).sort()).toEqual(['1', '2']);
    const models = await mlflow.registry.searchRegisteredModelsAll({ filter: `name = '${name}'` });
    expect(models.map((m) => m.name)).toEqual([name]);
    expect(await mlflow.registry.getModelVersionDownloadUri(name, '1')).toContain(id);

    await mlflow.registry.deleteModelVersion(name, '1');
    const gone = await mlflow.registry.getModelVersion(name, '1').catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(MlflowNotFoundError);
    const renamed = `${name}-v`;
    await mlflow.registry.renameRegisteredModel(name, renamed);
    await mlflow.registry.deleteRegisteredModel(renamed);
    expect(hasErrorCode(await mlflow.registry.getRegisteredModel(renamed).catch((e: unknown) => e), 'RESOURCE_DOES_NOT_EXIST')).toBe(true);
  });

  it('creates a registered model explicitly and refuses a duplicate', async () => {
    const name = uniqueName('m');
    const m = await mlflow.registry.createRegisteredModel(name, { tags: { k: 'v' }, description: 'd' });
    expect(m).toMatchObject({ name, tags: { k: 'v' }, description: 'd', aliases: {} });
    expect(hasErrorCode(await mlflow.registry.createRegisteredModel(name).catch((e: unknown) => e), 'RESOURCE_ALREADY_EXISTS')).toBe(true);
  });
});
