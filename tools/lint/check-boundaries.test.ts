import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { checkProject } from './check-boundaries.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const projects = ['packages', 'plugins', 'apps'].flatMap((d) => readdirSync(join(ROOT, d)).map((p) => join(ROOT, d, p)));

function fakeProject(tag: string, deps: Record<string, string>, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@wus/fake', nx: { tags: [tag] }, dependencies: deps }));
  writeFileSync(join(dir, 'src', 'index.ts'), source);
  return dir;
}

describe('module boundaries', () => {
  it.each(projects)('%s respects the layer rules', (dir) => {
    expect(checkProject(dir)).toEqual([]);
  });

  it('flags a plugin importing another plugin, undeclared packages and relative escapes', () => {
    const dir = fakeProject('layer:plugin', { '@wus/core': '0.1.0' }, [
      "import { x } from '@wus/policy-wus';",
      "import { y } from '../../other/src/index.js';",
      "import { z } from '@wus/core';",
    ].join('\n'));
    const problems = checkProject(dir) as string[];
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/layer:plugin project may not depend on @wus\/policy-wus/);
    expect(problems[1]).toMatch(/reaches outside @wus\/fake/);
    expect(checkProject(fakeProject('layer:core', {}, "export * from '@wus/datasets';"))[0]).toMatch(/may not depend on @wus\/datasets/);
    expect(checkProject(fakeProject('layer:app', {}, "import '@wus/core';"))[0]).toMatch(/not declared/);
  });

  it('lets a library use the standalone MLflow client, and keeps that client free of workspace imports', () => {
    const lib = fakeProject('layer:lib', { '@wus/core': '0.1.0', '@wus/mlflow-js': '0.1.0' }, [
      "import { MlflowClient } from '@wus/mlflow-js';",
      "import { WusError } from '@wus/core';",
    ].join('\n'));
    expect(checkProject(lib)).toEqual([]);
    expect(checkProject(fakeProject('layer:lib', {}, "import '@wus/mlflow-js';"))[0]).toMatch(/not declared/);
    expect(checkProject(fakeProject('layer:lib', { '@wus/datasets': '0.1.0' }, "import '@wus/datasets';"))[0]).toMatch(
      /layer:lib project may not depend on @wus\/datasets/,
    );
    expect(checkProject(fakeProject('layer:plugin', { '@wus/mlflow-js': '0.1.0' }, "import '@wus/mlflow-js';"))[0]).toMatch(
      /layer:plugin project may not depend on @wus\/mlflow-js/,
    );
    const standalone = fakeProject('layer:standalone', { '@wus/core': '0.1.0' }, "import { WusError } from '@wus/core';");
    expect(checkProject(standalone)[0]).toMatch(/layer:standalone project may not depend on @wus\/core/);
  });
});
