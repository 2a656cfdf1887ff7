export { sweepConfig, type SweepConfig } from './config/sweep-config.js';
export { applyValues, baselineKey, expandSweep, trialKey, type SweepTrial } from './config/expand.js';
export { QueueError, TRIAL_ATTEMPTS, TrialFailedForGood, type TrialContext, type TrialHandler, type TrialJob, type TrialQueue } from './queue/trial-queue.js';
export { InProcessTrialQueue, jobId } from './queue/in-process-queue.js';
export { BullTrialQueue, DEFAULT_QUEUE, startTrialWorker, type TrialWorkerOptions } from './queue/bullmq-queue.js';
export { checkRedis, redactUrl } from './queue/redis.js';
export { paretoFront, type TradeOff } from './results/pareto.js';
