import { expect, it } from 'vitest';
import { MlflowNotFoundError, MlflowRestError, hasErrorCode } from '../src/index.js';
import { describeWithServer, testClient, uniqueName } from '../src/testing/index.js';

describeWithServer('experiments (real server)', () => {
  const mlflow = testClient();

  it('creates, gets by id and by name, renames, tags, deletes and restores', async () => {
    const name = uniqueName('exp');
    const id = await mlflow.experiments.create(name, { tags: { team: 'wus' } });
    const byId = await mlflow.experiments.get(id);
    expect(byId).toMatchObject({ experimentId: id, name, lifecycleStage: 'active', tags: { team: 'wus' } });
    expect(byId.artifactLocation).toMatch(/^mlflow-artifacts:\//);
    expect(byId.creationTime).toBeGreaterThan(0);
    expect(await mlflow.experiments.getByName(name)).toEqual(byId);
    expect(await mlflow.experiments.getByName(uniqueName('missing'))).toBeUndefined();

    const renamed = `${name}-renamed`;
    await mlflow.experiments.rename(id, renamed);
    await mlflow.experiments.setTag(id, 'stage', 'dev');
    await mlflow.experiments.deleteTag(id, 'team');
    expect(await mlflow.experiments.get(id)).toMatchObject({ name: renamed, tags: { stage: 'dev' } });

    await mlflow.experiments.delete(id);
    expect((await mlflow.experiments.get(id)).lifecycleStage).toBe('deleted');
    const deleted = await mlflow.experiments.searchAll({ viewType: 'DELETED_ONLY', filter: `name = '${renamed}'` });
    expect(deleted.map((e) => e.experimentId)).toEqual([id]);
    await mlflow.experiments.restore(id);
    expect((await mlflow.experiments.get(id)).lifecycleStage).toBe('active');
  });

  it('searches with a filter, ordering and paging', async () => {
    const prefix = uniqueName('page');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await mlflow.experiments.create(`${prefix}-${i}`));
    const filter = `name LIKE '${prefix}-%'`;
    const first = await mlflow.experiments.search({ filter, maxResults: 2, orderBy: ['name DESC'] });
    expect(first.items.map((e) => e.name)).toEqual([`${prefix}-4`, `${prefix}-3`]);
    expect(first.nextPageToken).toBeDefined();
    const all = await mlflow.experiments.searchAll({ filter, maxResults: 2, orderBy: ['name ASC'] });
    expect(all.map((e) => e.experimentId)).toEqual(ids);
  });

  it('getOrCreate is idempotent; a deleted experiment is an error unless restoring is asked for', async () => {
    const name = uniqueName('goc');
    const a = await mlflow.experiments.getOrCreate(name, { tags: { k: 'v' } });
    const b = await mlflow.experiments.getOrCreate(name);
    expect(b).toMatchObject({ experimentId: a.experimentId, tags: { k: 'v' } });
    await mlflow.experiments.delete(a.experimentId);
    const err = await mlflow.experiments.getOrCreate(name).catch((e: unknown) => e);
    expect(hasErrorCode(err, 'INVALID_STATE')).toBe(true);
    expect((err as Error).message).toMatch(/is deleted.*mlflow experiments restore/);
    const c = await mlflow.experiments.getOrCreate(name, { restoreDeleted: true });
    expect(c).toMatchObject({ experimentId: a.experimentId, lifecycleStage: 'active' });
  });

  it("surfaces MLflow's error codes", async () => {
    const name = uniqueName('dup');
    await mlflow.experiments.create(name);
    const dup = await mlflow.experiments.create(name).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(MlflowRestError);
    expect(hasErrorCode(dup, 'RESOURCE_ALREADY_EXISTS')).toBe(true);
    const missing = await mlflow.experiments.get('987654321').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MlflowNotFoundError);
    expect(missing).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
