import type { Logger } from 'pino';

/**
 * SIGTERM and SIGINT start `shutdown` (drain, then close what the process holds) once; the process
 * exits 0 when it completes, 1 when it fails. A repeated signal a second or more after the first
 * (Ctrl-C pressed again) ends the process at once; one arriving together with the first (a terminal
 * sends SIGINT to the whole process group, and a parent may pass it on too) is ignored.
 */
export function onShutdownSignals(shutdown: (signal: NodeJS.Signals) => Promise<void>, logger: Logger): void {
  let since: number | null = null;
  const handle = (signal: NodeJS.Signals) => {
    if (since !== null) {
      if (Date.now() - since < 1_000) return;
      logger.warn({ signal }, 'second signal while draining: exiting now');
      process.exit(1);
    }
    since = Date.now();
    logger.info({ signal }, 'draining: finishing the requests in flight, refusing new ones');
    shutdown(signal).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: { name: (error as Error)?.name } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
