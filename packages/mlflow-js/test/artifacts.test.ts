import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { MlflowNotFoundError } from '../src/index.js';
import { describeWithServer, testClient, uniqueName } from '../src/testing/index.js';

describeWithServer('artifacts through the proxy (real server)', () => {
  const mlflow = testClient();
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('uploads, lists, downloads byte-for-byte and deletes', async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('art'), runName: 'a' });
    const id = run.info.runId;
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) % 256);
    await mlflow.artifacts.upload(id, 'weights/weights.bin', bytes);
    await mlflow.artifacts.upload(id, 'config.json', '{"lr": 0.1}');
    await mlflow.artifacts.upload(id, 'plots/learning curve.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');

    expect(await mlflow.artifacts.list(id)).toEqual([
      { path: 'config.json', isDir: false, fileSize: 11 },
      { path: 'plots', isDir: true, fileSize: undefined },
      { path: 'weights', isDir: true, fileSize: undefined },
    ]);
    expect((await mlflow.artifacts.listAll(id)).map((f) => f.path)).toEqual(['config.json', 'plots/learning curve.svg', 'weights/weights.bin']);
    expect(await mlflow.artifacts.list(id, 'weights/weights.bin')).toEqual([]); // a file lists as empty
    const viaTracking = await mlflow.artifacts.listWithTrackingApi(id, 'weights');
    expect(viaTracking).toEqual({ items: [{ path: 'weights/weights.bin', isDir: false, fileSize: 70_000 }], nextPageToken: undefined });
    expect(Buffer.compare(await mlflow.artifacts.download(id, 'weights/weights.bin'), Buffer.from(bytes))).toBe(0);
    expect((await mlflow.artifacts.download(id, 'plots/learning curve.svg')).toString()).toContain('<svg');

    const missing = await mlflow.artifacts.download(id, 'nope.txt').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MlflowNotFoundError);
    expect(missing).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });

    await mlflow.artifacts.delete(id, 'config.json');
    expect((await mlflow.artifacts.listAll(id)).map((f) => f.path)).toEqual(['plots/learning curve.svg', 'weights/weights.bin']);
  });

  it('uploads and downloads directory trees', async () => {
    const run = await mlflow.startRun({ experimentName: uniqueName('art'), runName: 'tree' });
    const id = run.info.runId;
    const src = await mkdtemp(join(tmpdir(), 'mlflow-js-up-'));
    const dst = await mkdtemp(join(tmpdir(), 'mlflow-js-down-'));
    dirs.push(src, dst);
    await mkdir(join(src, 'sub'), { recursive: true });
    await writeFile(join(src, 'a.txt'), 'A');
    await writeFile(join(src, 'sub', 'b.bin'), Buffer.from([0, 1, 2, 255]));
    expect(await mlflow.artifacts.uploadDirectory(id, src, 'model')).toEqual(['model/a.txt', 'model/sub/b.bin']);
    expect(await mlflow.artifacts.uploadFile(id, join(src, 'a.txt'))).toBe('a.txt');

    const written = await mlflow.artifacts.downloadTo(id, 'model', join(dst, 'model'));
    expect(written.sort()).toEqual([join(dst, 'model', 'a.txt'), join(dst, 'model', 'sub', 'b.bin')]);
    expect([...(await readFile(join(dst, 'model', 'sub', 'b.bin')))]).toEqual([0, 1, 2, 255]);
    expect(await mlflow.artifacts.downloadTo(id, 'model/a.txt', join(dst, 'single.txt'))).toEqual([join(dst, 'single.txt')]);
    expect(await readFile(join(dst, 'single.txt'), 'utf8')).toBe('A');
  });
});
