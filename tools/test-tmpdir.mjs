// Vitest global setup shared by every project (vitest.shared.ts): the test run gets one temp
// folder of its own, handed to the test processes as TMPDIR (os.tmpdir() reads it), and removed
// when the run ends — so tests that make temp directories leave nothing in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const previous = process.env['TMPDIR'];
  const dir = mkdtempSync(join(tmpdir(), 'wus-tests-'));
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
