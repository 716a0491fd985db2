import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { RETRY_AFTER_SECONDS } from '../failures';
import { type CorsPolicy, handleCors } from './cors';
import type { ServiceMetrics } from './metrics';
import { type Observation, runObserved } from './observation';
import { checkReadiness, type ReadinessChecks } from './readiness';
import { processLogger } from './request-log';
import { endServerSpan, startServerSpan } from './tracing';
import type { TrustedProxies } from './trusted-proxies';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ServiceServerOptions {
  /** `gateway` or the subgraph's name: in every log line, metric and span. */
  service: string;
  /** The service's own routes (GraphQL, the printable documents). Runs with the request's observation current. */
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;
  /** What `/ready` checks besides not draining (database, Redis, subgraphs). */
  readiness: ReadinessChecks;
  metrics: ServiceMetrics;
  /** The process's logger without it. */
  logger?: Logger | undefined;
  /** The gateway's browser allowlist (CORS_ORIGINS); none for subgraphs. */
  cors?: CorsPolicy | undefined;
  /**
   * Gateway: a fresh request id per request, and the caller's `traceparent` only from a trusted proxy.
   * Subgraph: the gateway's `x-request-id` and `traceparent` are taken (the request id is confirmed
   * from the signed actor context once verified).
   */
  edge: { trustedProxies: TrustedProxies } | 'internal';
  /** Where `/metrics` is served (metricsEndpointOf): on this port (`main`), on a port of its own, or nowhere. */
  metricsEndpoint?: MetricsEndpoint;
}

/**
 * Where a service serves `/metrics`: on its own port (`main`), on a separate port (METRICS_PORT) that
 * only the monitoring network reaches, or not at all.
 */
export type MetricsEndpoint = 'main' | 'none' | { port: number; host?: string | undefined };

/**
 * METRICS_PORT set: `/metrics` there only (on METRICS_HOST, else HOST). Unset: on the service's own
 * port in development and tests; in production on none, with a warning to set METRICS_PORT, since the
 * gateway's port is public (operation names, refusal counts and process internals are not for everyone).
 * `publicPort` false (a subgraph, behind the NetworkPolicy): its own port also in production.
 */
export function metricsEndpointOf(
  config: { NODE_ENV?: string | undefined; METRICS_PORT?: number | undefined; METRICS_HOST?: string | undefined },
  publicPort: boolean,
): { endpoint: MetricsEndpoint; warning?: string } {
  if (config.METRICS_PORT !== undefined) return { endpoint: { port: config.METRICS_PORT, host: config.METRICS_HOST } };
  if (config.NODE_ENV === 'production' && publicPort) {
    return {
      endpoint: 'none',
      warning: '/metrics is not served: the gateway port is public. Set METRICS_PORT (and METRICS_HOST) to serve it on a port only the monitoring network reaches.',
    };
  }
  return { endpoint: 'main' };
}

export interface ServiceServer {
  httpServer: http.Server;
  /** The separate `/metrics` server (METRICS_PORT), not yet listening; null when `/metrics` is on the main port or nowhere. */
  metricsServer: http.Server | null;
  readonly draining: boolean;
  /**
   * Graceful drain: `/ready` answers 503, new requests get 503 SERVICE_UNAVAILABLE (reason draining)
   * and `Connection: close`, idle kept-alive connections are closed, and the requests in flight run to
   * their end. Resolves true when none is left, false if `timeoutMs` passed first.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

const PROBES = new Set(['/live', '/ready', '/health', '/metrics']);

/** The outcome an answer's HTTP status says, when the GraphQL layer did not say one. */
export function statusOutcome(status: number): string {
  if (status < 400) return 'ok';
  const known: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'BAD_REQUEST',
    429: 'RATE_LIMITED',
    503: 'SERVICE_UNAVAILABLE',
  };
  return known[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

async function exposeMetrics(metrics: ServiceMetrics, res: http.ServerResponse) {
  const { contentType, body } = await metrics.exposition();
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

/** A server that answers `GET /metrics` and nothing else (METRICS_PORT). */
export function createMetricsServer(metrics: ServiceMetrics): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    const method = (req.method ?? 'GET').toUpperCase();
    if (path !== '/metrics' || (method !== 'GET' && method !== 'HEAD')) return sendJson(res, 404, { status: 'not found' });
    void exposeMetrics(metrics, res).catch(() => sendJson(res, 500, { status: 'error' }));
  });
}

/**
 * One service's HTTP server around its own routes: `/live` (the process answers), `/ready` (its
 * dependencies answer and it is not draining; `/health` the same, with the former body), `/metrics` (Prometheus), the CORS
 * allowlist, the request id, one request-log line, metrics and a server span per request, and the drain.
 */
export function createServiceServer(options: ServiceServerOptions): ServiceServer {
  const { service, metrics } = options;
  const metricsEndpoint = options.metricsEndpoint ?? 'main';
  const logger = (options.logger ?? processLogger()).child({ service });
  const inFlight = new Set<http.ServerResponse>();
  const idleWaiters = new Set<() => void>();
  let draining = false;

  const httpServer = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (PROBES.has(path)) {
      void probe(path, res).catch(() => sendJson(res, 500, { status: 'error' }));
      return;
    }
    if (options.cors && handleCors(options.cors, req, res)) return;
    observe(req, res);
  });

  async function probe(path: string, res: http.ServerResponse) {
    if (path === '/live') return sendJson(res, 200, { status: 'live' });
    if (path === '/metrics') {
      if (metricsEndpoint !== 'main') return sendJson(res, 404, { status: 'not found' });
      return exposeMetrics(metrics, res);
    }
    const report = draining ? null : await checkReadiness(options.readiness);
    const ready = report?.ready ?? false;
    // `/health` is the former probe: the same decision, its former body.
    if (path === '/health') return sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable' });
    if (!report) return sendJson(res, 503, { status: 'draining' });
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks: report.checks });
  }

  function observe(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = process.hrtime.bigint();
    const internal = options.edge === 'internal';
    const header = req.headers['x-request-id'];
    const requestId = internal && typeof header === 'string' && UUID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    const observation: Observation = { service, requestId, route: 'other', logger };
    const acceptParent = internal || (options.edge !== 'internal' && options.edge.trustedProxies.trusts(req.socket.remoteAddress));
    const { span, context: spanContext } = startServerSpan(service, req, acceptParent);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      const outcome = res.writableFinished ? (observation.outcome ?? observation.graphqlOutcome?.() ?? statusOutcome(status)) : 'ABORTED';
      const operation = metrics.operationLabel(observation.operationName);
      if (inFlight.delete(res) && inFlight.size === 0) for (const wake of idleWaiters) wake();
      metrics.observeRequest(observation.route, observation.operationName, outcome, seconds);
      endServerSpan(span, { route: observation.route, operation, status, outcome });
      // Only the request id the client was told, what was asked, by whom (pseudonym) and how it went.
      logger.info(
        {
          requestId: (res.getHeader('x-request-id') as string | undefined) ?? observation.requestId,
          method: (req.method ?? 'GET').toUpperCase(),
          route: observation.route,
          operation,
          ...(observation.actor ? { actor: observation.actor, actorKind: observation.actorKind } : {}),
          status,
          outcome,
          durationMs: Math.round(seconds * 10_000) / 10,
        },
        'request',
      );
    });
    if (draining) {
      observation.outcome = 'SERVICE_UNAVAILABLE';
      req.resume();
      sendJson(
        res,
        503,
        {
          errors: [
            {
              message: `The ${service} service is shutting down. Send the request again: another instance answers it.`,
              extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'draining', retryAfterSeconds: RETRY_AFTER_SECONDS },
            },
          ],
        },
        { connection: 'close', 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
      return;
    }
    inFlight.add(res);
    runObserved(observation, () =>
      context.with(spanContext, () => {
        Promise.resolve()
          .then(() => options.handler(req, res))
          .catch((error: unknown) => {
            logger.error({ requestId: observation.requestId, err: { name: (error as Error)?.name } }, 'request handler failed');
            if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
            else res.end();
          });
      }),
    );
  }

  return {
    httpServer,
    metricsServer: typeof metricsEndpoint === 'object' ? createMetricsServer(metrics) : null,
    get draining() {
      return draining;
    },
    async drain(timeoutMs) {
      draining = true;
      // Answers still to be written close their connection; connections idle between requests close now.
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      httpServer.closeIdleConnections();
      if (inFlight.size === 0) return true;
      return new Promise<boolean>((resolve) => {
        const done = (finished: boolean) => {
          clearTimeout(timer);
          idleWaiters.delete(wake);
          resolve(finished);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        idleWaiters.add(wake);
      });
    },
  };
}
