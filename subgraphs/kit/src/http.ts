import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApolloServer, type ApolloServerPlugin, type BaseContext, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, Kind } from 'graphql';
import { RETRY_AFTER_SECONDS, unavailableDependency } from './failures';
import { currentObservation } from './observability/observation';

/** Largest accepted request body (the documents' 500,000-character `body` fits, with room). */
export const MAX_BODY_BYTES = 1_000_000;
/**
 * An oversized body is read to its end and discarded, so that the client, still sending, reads the
 * 413 instead of a reset connection. Beyond this much the 413 is sent at once and the connection closed.
 */
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES;

export interface HttpOptions<Context extends BaseContext> {
  server: ApolloServer<Context>;
  /** The request's context; `body` is the raw request body, exactly as received (empty for a GET). */
  context: (req: http.IncomingMessage, body: string) => Promise<Context>;
  graphqlPath?: string;
}

/** A GraphQL-shaped error response outside Apollo Server (body limit, content type, malformed JSON). */
function sendError(res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  noteOutcome(code);
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
}

/**
 * How long a server keeps an idle keep-alive connection open. Longer than the gateway's agent keeps an
 * idle socket to a subgraph (`SUBGRAPH_AGENT_IDLE_MS` in the gateway), so that it is always the
 * gateway that closes an idle connection, never a subgraph closing one the gateway is about to reuse
 * (which reset the first request after a pause). Also longer than the usual 60 s of a load balancer
 * in front of the gateway.
 */
export const SERVER_KEEP_ALIVE_TIMEOUT_MS = 65_000;

const TOO_LARGE_REASON = `the request body exceeds the limit of ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes`;

/** The request's outcome for the request log and metrics, unless the GraphQL layer set it. */
function noteOutcome(code: string): void {
  const observation = currentObservation();
  if (observation && observation.outcome === undefined) observation.outcome = code;
}

/** The operation name a request states (body or query string), before the document is parsed. */
function statedOperationName(parsed: unknown, search: URLSearchParams): string | undefined {
  const fromBody = (parsed as { operationName?: unknown } | null | undefined)?.operationName;
  const name = typeof fromBody === 'string' ? fromBody : search.get('operationName');
  return name || undefined;
}

/**
 * A small Node http integration for Apollo Server: GraphQL on /graphql (probes, CORS and the request
 * log are the service server's: observability/service-server.ts). Kept in-house so that body limits
 * and caller address are under our control.
 */
export function createRequestListener<Context extends BaseContext>(options: HttpOptions<Context>): http.RequestListener {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const dependency = unavailableDependency(error, null);
      if (dependency) {
        sendError(res, 503, 'SERVICE_UNAVAILABLE', `Service unavailable: ${dependency} cannot be reached. Try again in a few seconds.`, { dependency }, {
          'retry-after': String(RETRY_AFTER_SECONDS),
        });
      } else {
        sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
      }
    });
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== graphqlPath) {
      noteOutcome('NOT_FOUND');
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: `not found; GraphQL is served at ${graphqlPath}` }] }));
      return;
    }
    const observation = currentObservation();
    if (observation) observation.route = 'graphql';
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (body === TOO_LARGE || body === TOO_LARGE_ABORTED) {
      sendError(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        `Request body too large: ${TOO_LARGE_REASON}.`,
        { reason: TOO_LARGE_REASON, limitBytes: MAX_BODY_BYTES },
        // Not drained to its end: the connection cannot carry another request.
        body === TOO_LARGE_ABORTED ? { connection: 'close' } : {},
      );
      return;
    }
    let parsed: unknown = undefined;
    if (method === 'POST') {
      const contentType = req.headers['content-type'];
      const essence = contentType?.split(';')[0]?.trim().toLowerCase();
      // Without a content type the body stays unread: Apollo's CSRF prevention refuses the request (400).
      if (essence !== undefined && essence !== 'application/json') {
        sendError(res, 415, 'BAD_REQUEST', 'Unsupported content type: send GraphQL requests as application/json.', {
          reason: `content-type ${essence || '(empty)'} is not application/json`,
        });
        return;
      }
      if (essence !== undefined && body.length > 0) {
        try {
          parsed = JSON.parse(body);
        } catch {
          sendError(res, 400, 'BAD_REQUEST', 'request body is not valid JSON', { reason: 'the request body is not valid JSON' });
          return;
        }
      }
    }
    if (observation) observation.operationName = statedOperationName(parsed, url.searchParams);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body: parsed },
      context: () => options.context(req, body),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Refused before any plugin ran (the context failed: UNAUTHENTICATED, RATE_LIMITED): the code is in the body.
      if (observation && !observation.graphqlOutcome && observation.outcome === undefined && res.statusCode >= 400 && response.body.string.length < 65_536) {
        noteOutcome(firstErrorCode(response.body.string) ?? 'ERROR');
      }
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

function firstErrorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

const TOO_LARGE = Symbol('too large');
const TOO_LARGE_ABORTED = Symbol('too large, not drained');

function readBody(req: http.IncomingMessage): Promise<string | typeof TOO_LARGE | typeof TOO_LARGE_ABORTED> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_DRAIN_BYTES) {
      req.pause();
      resolve(TOO_LARGE_ABORTED);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN_BYTES) {
        req.pause();
        req.removeAllListeners('data');
        resolve(TOO_LARGE_ABORTED);
      } else if (size > MAX_BODY_BYTES) {
        chunks.length = 0; // over the limit: read on to the end, keep nothing
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? TOO_LARGE : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const isProduction = (nodeEnv: string | undefined) => nodeEnv === 'production';

/**
 * Apollo Server options at the protocol edge, the same for the gateway and every subgraph. CSRF
 * prevention stays on; in production (NODE_ENV=production, as Apollo Server itself reads it) errors
 * carry no schema details ("Did you mean …" suggestions).
 */
export function edgeServerOptions(nodeEnv = process.env['NODE_ENV']) {
  return { csrfPrevention: true, hideSchemaDetailsFromClientErrors: isProduction(nodeEnv) } as const;
}

/**
 * The protocol-edge plugins: an operationName the document does not contain is a 400 (not a 500 from
 * a later plugin or the query planner); in production no landing page (nor its CDN-loaded IDE, which
 * shows the server version) and no field suggestions in any error, including variable errors.
 */
export function edgePlugins<Context extends BaseContext>(nodeEnv = process.env['NODE_ENV']): ApolloServerPlugin<Context>[] {
  const plugins: ApolloServerPlugin<Context>[] = [operationResolution<Context>(), unavailableStatus<Context>()];
  if (isProduction(nodeEnv)) plugins.push(ApolloServerPluginLandingPageDisabled() as ApolloServerPlugin<Context>, noSuggestions<Context>());
  return plugins;
}

/** graphql-js' own messages, answered before any other plugin sees an operation that is not there. */
function operationResolution<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          const names = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
          const message = request.operationName
            ? `Unknown operation named "${request.operationName}".`
            : names === 0
              ? 'Must provide an operation.'
              : 'Must provide operation name if query contains multiple operations.';
          throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
        },
      };
    },
  };
}

/**
 * An answer with no data because a dependency is down is `503` with `Retry-After`, not `200` (nor
 * `500`): when SERVICE_UNAVAILABLE is among the errors and the data is null, or every root field is.
 * An answer that still carries data (one subgraph down, the others answering) stays `200`, its
 * errors naming the paths that are missing.
 */
function unavailableStatus<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.some((e) => e.extensions?.['code'] === 'SERVICE_UNAVAILABLE')) return;
          if (data && Object.values(data).some((value) => value !== null)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

const SUGGESTION = / ?Did you mean .*$/s;

function noSuggestions<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          for (const error of errors ?? []) (error as { message: string }).message = error.message.replace(SUGGESTION, '');
        },
      };
    },
  };
}

/** Starts listening and returns the base URL (port 0 picks a free port). */
export function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.keepAliveTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS;
    // Headers of a request on a kept-alive connection may take as long as the connection may idle.
    server.headersTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS + 1_000;
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve(`http://${host}:${address.port}`);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export function callerAddress(req: http.IncomingMessage): string | null {
  return req.socket.remoteAddress ?? null;
}
