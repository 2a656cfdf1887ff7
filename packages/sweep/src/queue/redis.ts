import { Redis, type RedisOptions } from 'ioredis';
import { QueueError } from './trial-queue.js';

/** How long a Redis that does not answer is waited for before the command gives up. */
const CONNECT_TIMEOUT_MS = 3000;

/**
 * A connection for BullMQ: it retries for ever (a restarted Redis is reconnected to, and workers
 * go on), which is what BullMQ requires of workers' connections (`maxRetriesPerRequest: null`).
 */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) });
}

/**
 * Checks that Redis answers at `url` before anything is queued or trained: one line saying
 * what is wrong otherwise (a URL that is not redis://, a refused connection, a timeout, a
 * refused password).
 */
export async function checkRedis(url: string): Promise<void> {
  if (!/^rediss?:\/\//.test(url)) throw new QueueError(`--redis ${url}: not a Redis URL; give one like redis://127.0.0.1:6379 (or set REDIS_URL)`);
  const options: RedisOptions = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false };
  const client = new Redis(url, options);
  // The socket's error (ECONNREFUSED, ENOTFOUND, …) says more than connect()'s "Connection is closed".
  let socketError: NodeJS.ErrnoException | undefined;
  client.on('error', (e: NodeJS.ErrnoException) => void (socketError ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const cause = socketError ?? (e as NodeJS.ErrnoException);
    const why = cause.code ?? cause.message;
    throw new QueueError(`Redis at ${redactUrl(url)} does not answer (${why}); start redis-server there, or fix --redis / REDIS_URL`, { cause: e });
  } finally {
    client.disconnect();
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
