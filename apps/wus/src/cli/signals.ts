import type { StopSignal } from '@wus/core';

/**
 * Ctrl-C / SIGTERM: the first asks the trainers to stop after their current step (runs are then
 * ended KILLED, exit code 130); a second one exits at once. Every store write is atomic or an
 * append of whole lines, so exiting between two of them leaves nothing half-written.
 */
export function installSignalHandlers(stop: StopSignal, say: (text: string) => void, exit: (code: number) => void = process.exit): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.requested) {
      say(`wus: ${signal} again: exiting now`);
      exit(130);
      return;
    }
    stop.request(signal);
    say(`wus: ${signal}: stopping after the current step (send it again to exit at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
