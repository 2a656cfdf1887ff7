import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every page a user reads: the READMEs, docs/, and each package's and plugin's README. */
export const docFiles: readonly string[] = [
  'README.md',
  'apps/wus/README.md',
  ...['docs', 'packages', 'plugins'].flatMap((d) =>
    readdirSync(join(root, d), { withFileTypes: true }).map((e) => (e.isDirectory() ? `${d}/${e.name}/README.md` : `${d}/${e.name}`)),
  ),
].filter((f) => f.endsWith('.md') && (() => { try { readFileSync(join(root, f)); return true; } catch { return false; } })());

export const readDoc = (file: string): string => readFileSync(join(root, file), 'utf8');

/** Fenced code blocks of every page: where (`file #k`), the block's language ('' if none) and text. */
export function codeBlocks(): { where: string; lang: string; text: string }[] {
  return docFiles.flatMap((file) => [...readDoc(file).matchAll(/```([a-z]*)\n([\s\S]*?)```/g)].map((m, i) => ({ where: `${file} #${i + 1}`, lang: m[1]!, text: m[2]! })));
}
