import Redis from 'ioredis';
import { errorSummary } from './failures';
import { processLogger } from './observability/request-log';

/**
 * A Redis client that fails fast and is never an unhandled error: a command waits at most a couple
 * of seconds (two reconnect attempts, a 2 s connect and command timeout) and then fails, which the
 * caller answers as SERVICE_UNAVAILABLE; the client keeps reconnecting in the background (at most
 * 2 s apart) and the next command after Redis is back succeeds. Connection errors are logged once
 * per outage (ioredis would otherwise print every failed attempt as an "Unhandled error event").
 */
export function connectRedis(url: string, purpose: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 2_000, commandTimeout: 2_000 });
  let down = false;
  redis.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    processLogger().error(errorSummary(error), `Redis unavailable (${purpose}); refusing what needs it until it is back`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    processLogger().info(`Redis available again (${purpose})`);
  });
  return redis;
}
