/** `4 s`, `1 min 12 s`, `1 h 03 min`: durations as people read them in a log. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
}

/** `3/24 epochs, 1 min 02 s elapsed, ETA 7 min 10 s` (`done` when nothing remains). */
export function progressText(done: number, total: number, unit: string, elapsedMs: number, remainingMs: number): string {
  return `${done}/${total} ${unit}, ${formatDuration(elapsedMs)} elapsed, ${done >= total ? 'done' : `ETA ${formatDuration(remainingMs)}`}`;
}

/**
 * Progress of a phase made of `total` like units (the epochs of every trial of a run): done
 * k/n, the time since the first unit began and the remaining time at the pace so far. Shared by
 * the trials of a comparison, so that the ETA is the whole study's.
 */
export class ProgressClock {
  private started: number | undefined;
  private done = 0;
  /** Units done before this process (a resumed run): counted as done, not in the pace. */
  private before = 0;

  constructor(
    private readonly total: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The clock starts with the first unit, not before (data loading, warm-up). */
  begin(): void {
    this.started ??= this.now();
  }

  /** Units a resumed run had done before it stopped. */
  alreadyDone(units: number): void {
    this.before += units;
  }

  /** One unit finished: `3/24 epochs, 1 min 02 s elapsed, ETA 7 min 10 s`. */
  tick(unit: string): string {
    this.begin();
    this.done = Math.min(this.done + 1, this.total - this.before);
    const elapsed = this.now() - this.started!;
    const all = this.before + this.done;
    return progressText(all, this.total, unit, elapsed, (elapsed / this.done) * (this.total - all));
  }
}
