#!/usr/bin/env node
// Module-boundary check (our equivalent of nx's enforce-module-boundaries, without ESLint):
// every import of a project must respect the layer rules of ARCHITECTURE.md, be declared in
// its package.json, and never reach into another project by relative path.
// Usage: node check-boundaries.mjs <projectDir>...   (exit 1 and one line per violation)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Which workspace packages each layer may import. */
export const ALLOWED = {
  'layer:core': () => false,
  // Libraries build on core; tracking also uses the standalone MLflow client.
  'layer:lib': (pkg) => pkg === '@wus/core' || pkg === '@wus/mlflow-js',
  'layer:plugin': (pkg) => pkg === '@wus/core',
  'layer:standalone': () => false,
  'layer:app': () => true,
};

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The workspace package an import specifier names, or undefined for third-party / relative. */
function workspacePackage(spec) {
  const m = /^(@wus\/[^/]+)/.exec(spec);
  return m?.[1];
}

export function checkProject(projectDir) {
  const root = resolve(projectDir);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const tags = pkg.nx?.tags ?? [];
  const layer = tags.find((t) => t in ALLOWED);
  const problems = [];
  if (layer === undefined) return [`${pkg.name}: package.json has no layer tag (nx.tags: one of ${Object.keys(ALLOWED).join(', ')})`];
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const dirs = ['src', 'test'].map((d) => join(root, d)).filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } });
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = `${relative(process.cwd(), file)}: import "${spec}"`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!(target + sep).startsWith(root + sep)) problems.push(`${where} reaches outside ${pkg.name}; import the package instead`);
        continue;
      }
      const ws = workspacePackage(spec);
      if (ws === undefined || ws === pkg.name) continue;
      if (!ALLOWED[layer](ws)) problems.push(`${where}: a ${layer} project may not depend on ${ws}`);
      else if (!declared.has(ws)) problems.push(`${where}: ${ws} is not declared in ${pkg.name}'s package.json`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = process.argv.slice(2).flatMap(checkProject);
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
}
