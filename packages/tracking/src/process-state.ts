/**
 * True when a process with this pid exists on this host. `kill(pid, 0)` sends nothing: ESRCH
 * means no such process, EPERM means it exists but belongs to another user. Caveat: the OS may
 * reuse a dead run's pid, in which case the run looks alive until that process exits too.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
