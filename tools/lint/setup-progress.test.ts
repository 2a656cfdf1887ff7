import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * tools/lib/progress.sh, which the set-up scripts (setup.sh, main-job.sh, .ci/run,
 * mlflow-server.sh install) use for their long steps: "step k/n", elapsed time and ETA on
 * stderr, the step's duration remembered for the next ETA, failures and signals passed on.
 */
const lib = join(import.meta.dirname, '../lib/progress.sh');
const run = promisify(execFile);

async function bash(script: string, cache: string, heartbeat = '1'): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env, XDG_CACHE_HOME: cache, PROGRESS_HEARTBEAT_S: heartbeat };
  try {
    const r = await run('bash', ['-c', `set -euo pipefail; . ${lib}; ${script}`], { env });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    return { code: (e as { code: number }).code, stderr: (e as { stderr: string }).stderr };
  }
}

describe('tools/lib/progress.sh', () => {
  it('reports a long step: k/n, elapsed, ETA, then how long it took, and remembers it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'progress-'));
    const first = await bash('PROGRESS_PREFIX=setup; steps_total 2; run_step nap 4 "a nap" sleep 2.5; step_note "the CLI (its own progress)"', cache);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stderr.trim().split('\n');
    expect(lines[0]).toBe('setup: step 1/2 a nap: started, about 4 s');
    expect(lines).toContain('setup: step 1/2 a nap: 1 s elapsed, ETA ~3 s');
    expect(lines.at(-2)).toMatch(/^setup: step 1\/2 a nap: done in [23] s$/);
    expect(lines.at(-1)).toBe('setup: step 2/2 the CLI (its own progress)');
    // The next run's estimate is this machine's last duration.
    const took = readFileSync(join(cache, 'wus/step-times/nap'), 'utf8').trim();
    const second = await bash('run_step nap 99 "a nap" true', cache);
    expect(second.stderr.split('\n')[0]).toBe(`wus: a nap: started, about ${took} s`);
  });

  it('a step that runs longer than expected says so; a failing one fails the script with its status', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'progress-'));
    const slow = await bash('run_step slow 1 "slow" sleep 2.2', cache);
    expect(slow.stderr).toMatch(/^wus: slow: [12] s elapsed, longer than the 1 s expected$/m);
    const failed = await bash('run_step bad 5 "broken" bash -c "exit 3"; echo not reached', cache);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/^wus: broken: failed after [01] s \(exit 3\)$/m);
  });

  it('SIGTERM to the script stops the step’s command too', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'progress-'));
    const pidFile = join(cache, 'pid');
    const script = spawn('bash', ['-c', `. ${lib}; run_step long 60 "long" bash -c 'echo $$ > ${pidFile}; exec sleep 60'`], { env: { ...process.env, XDG_CACHE_HOME: cache } });
    const exited = new Promise<number | null>((resolve) => script.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 50 && !(await readPid(pidFile)); i++) await new Promise((r) => setTimeout(r, 100));
    const child = await readPid(pidFile);
    expect(child).toBeGreaterThan(0);
    script.kill('SIGTERM');
    expect(await exited).toBe(143);
    await new Promise((r) => setTimeout(r, 300));
    expect(running(child!)).toBe(false);
  });
});

async function readPid(file: string): Promise<number | undefined> {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process runs (a zombie that nobody reaped yet has ended). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}
