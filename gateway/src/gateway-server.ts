import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  ACTOR_CONTEXT_HEADER,
  type Actor,
  type ActorContextSigner,
  type AppAbility,
  type AuditEntryInput,
  AuditRecorder,
  type AuditSink,
  RETURNED_AUDIT_EXTENSION,
  returnedAuditEntries,
  closeServer,
  corsPolicy,
  createRequestListener,
  createServiceServer,
  currentObservation,
  edgePlugins,
  edgeServerOptions,
  failClosedAudit,
  injectTraceContext,
  KnownOperationNames,
  listen,
  type MetricsEndpoint,
  type Logger,
  observabilityPlugin,
  type ReadinessChecks,
  safeError,
  ServiceMetrics,
  serviceReadiness,
  shippedOperationNames,
  TrustedProxies,
  asServiceUnavailable,
  serviceUnavailable,
} from '@vartija/kit';
import { type DocumentNode, GraphQLError } from 'graphql';
import type { Authenticator, PartnerToken } from './authenticate';
import { countingRefusals, type RateLimiter } from './rate-limit';
import { type GatewayLimits, limitPlugins } from './demand-control';
import { fieldGuardPlugin } from './field-guard';
import { operationLimitRules } from './operation-limits';
import { type PersistedOperationStore, persistedOperationsPlugin, refusedAsNotPersisted } from './persisted-operations';
import type { SubgraphName } from './subgraph-list';
import { DEFAULT_OMBUDSMAN_ADDRESS, DOCUMENT_RENDERERS, type DocumentSettings, documentsHandler, isDocumentsPath } from './documents';
import { auditEntriesCsvHandler, isAuditEntriesCsvPath } from './documents/audit-entries-csv';
import { isStatisticsCsvPath, statisticsCsvHandler } from './documents/statistics-csv';
import { type ConsoleSettings, consoleHandler, isConsolePath } from './console-route';
import { agentFetcher, documentOf, failedFetch, fetchOutcome, fetchPaths, isQuery, isResetBeforeAnswer, subgraphAgents, withPaths } from './subgraph-fetch';

export interface GatewayContext extends BaseContext {
  actor: Actor;
  ability?: AppAbility;
  /** DENIED entries for fields removed before planning. */
  audit?: AuditRecorder;
  /** Set for partner API tokens. */
  token?: PartnerToken;
}

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  authenticator: Authenticator;
  signer: ActorContextSigner;
  /** What `/ready` checks besides the subgraphs' `/ready` and the rate limiter's Redis: the database. */
  readiness: ReadinessChecks;
  auditSink: AuditSink;
  rateLimiter: RateLimiter;
  persistedOperations: PersistedOperationStore;
  /** Operation cost budget and the staff rate limit (demand-control.ts); defaults without. */
  limits?: GatewayLimits;
  /** Printable documents (GET /documents/…): the ombudsman's address (DPO_OMBUDSMAN_ADDRESS); defaults without. */
  documents?: DocumentSettings;
  /** Browser origins allowed to call the API (CORS_ORIGINS); none without. */
  corsOrigins?: readonly string[];
  /** Proxies whose X-Forwarded-For names the caller (TRUSTED_PROXIES); none without: the peer is the caller. */
  trustedProxies?: readonly string[];
  /** The request and error log; the process's logger without it. */
  logger?: Logger;
  /** Node's process metrics on the gateway's `/metrics`. */
  processMetrics?: boolean;
  /**
   * Where `/metrics` is served (metricsEndpointOf: METRICS_PORT, else the main port outside production);
   * on the main port without it.
   */
  metricsEndpoint?: MetricsEndpoint;
  /**
   * Operation names that may appear in metrics, the request log and spans besides the persisted operations'
   * and the shipped documents' (KNOWN_OPERATION_NAMES); any other is `(unlisted)`.
   */
  knownOperationNames?: readonly string[];
  /** The auditor's console at GET /console (console/dist), its OIDC sign-in and, outside production, its dev sign-in. */
  console?: ConsoleSettings;
}

export interface Gateway {
  httpServer: http.Server;
  /** The gateway's Prometheus registry (`GET /metrics`). */
  metrics: ServiceMetrics;
  /** Where `/metrics` is served once listening: on the main port, or on the metrics port (METRICS_PORT); null for none. */
  metricsUrl(): string | null;
  /** Listens on `port`, and on the metrics port when it has one. */
  listen(port: number, host?: string): Promise<string>;
  /** Refuses new requests (503) and waits up to `timeoutMs` for those in flight: true when all finished. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export class ActorContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** The `jti` signed for each fetch (keyed by its http part, which its answer's request shares): returned entries must name it. */
  private readonly signedIds = new WeakMap<object, string>();

  constructor(
    url: string,
    private readonly serviceName: string,
    private readonly signer: ActorContextSigner,
    agents: ReturnType<typeof subgraphAgents>,
    private readonly metrics?: ServiceMetrics,
  ) {
    super({ url, fetcher: agentFetcher(agents) });
  }

  /**
   * A subgraph that cannot be reached (or answers with an HTTP error) does not fail the whole request:
   * its fields are missing from the answer, each with an error naming its path, the service and a
   * code (SERVICE_UNAVAILABLE), and the other subgraphs' data stays. A query whose connection is reset
   * before any answer arrives (a kept-alive socket the subgraph was closing) is sent once more —
   * through `willSendRequest`, so with a fresh single-use actor context; a mutation never is.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    // Only the gateway's own fetches for a client's operation (not health checks or schema loading).
    if (!('incomingRequestContext' in options)) return super.process(options);
    // Read only when a fetch fails (which fields are missing, may it be sent again): not parsed on every fetch.
    let document: DocumentNode | undefined | null = null;
    const documentOfFetch = () => (document === null ? (document = documentOf(options.document, options.request.query)) : document);
    const paths = () => fetchPaths(documentOfFetch(), options.request.variables);
    const started = performance.now();
    const observed = <T extends Parameters<typeof fetchOutcome>[0]>(response: T): T => {
      this.metrics?.observeSubgraphFetch(this.serviceName, fetchOutcome(response), (performance.now() - started) / 1000);
      return response;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return observed(withPaths(await super.process(options), paths));
      } catch (error) {
        if (attempt === 1 && isResetBeforeAnswer(error) && isQuery(documentOfFetch())) continue;
        return observed(failedFetch(this.serviceName, error, paths()));
      }
    }
  }

  /**
   * Signs the actor context per subgraph fetch, bound to the exact body of this fetch and with its own
   * jti: the subgraph accepts it for this one request only (no replay to another operation).
   */
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (!context.actor) throw new Error('no actor for a subgraph fetch');
    // The body exactly as RemoteGraphQLDataSource serialises it (query first, then the rest, no http; APQ is off).
    const { query, http: _http, ...rest } = request;
    // With a recorder here, the subgraph returns its log entries and this request appends them all at once.
    const returnAudit = context.audit !== undefined;
    const jti = randomUUID();
    if (request.http) this.signedIds.set(request.http, jti);
    request.http?.headers.set(ACTOR_CONTEXT_HEADER, await this.signer.sign(context.actor, JSON.stringify({ query, ...rest }), { subgraph: this.serviceName, returnAudit, jti }));
    request.http?.headers.set('x-request-id', context.actor.requestId);
    // W3C traceparent of the active span (@apollo/gateway's fetch span) when tracing is on.
    if (request.http) injectTraceContext(request.http.headers);
  }

  /** The subgraph's returned log entries go to this request's recorder, never to the client. */
  override didReceiveResponse({ response, request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    const returned = response.extensions?.[RETURNED_AUDIT_EXTENSION];
    if (returned === undefined) return response;
    const { [RETURNED_AUDIT_EXTENSION]: _taken, ...extensions } = response.extensions!;
    let entries: AuditEntryInput[] | null;
    try {
      // The request's own columns are the gateway's: its actor, and the service that answered.
      const jti = request.http ? this.signedIds.get(request.http) : undefined;
      entries = context.actor ? returnedAuditEntries(returned, { actor: context.actor, subgraph: this.serviceName, jti }) : null;
    } catch {
      entries = null; // fails the request closed at the flush
    }
    // Entries with no recorder to take them cannot be logged: the fetch fails and its data is dropped.
    if (!context.audit) throw new Error('a subgraph returned access-log entries to a request without a recorder');
    context.audit.adopt(entries);
    return { ...response, extensions };
  }
}

function signActorContext(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          // Goes into every actor context, signed per subgraph fetch (ActorContextDataSource).
          contextValue.actor.operationName = operationName ?? null;
        },
        async willSendResponse({ contextValue, response }) {
          if (contextValue?.actor) response.http.headers.set('x-request-id', contextValue.actor.requestId);
        },
      };
    },
  };
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const agents = subgraphAgents();
  const metrics = new ServiceMetrics('gateway', { processMetrics: options.processMetrics ?? false });
  const trustedProxies = new TrustedProxies(options.trustedProxies ?? []);
  const operationNames = new KnownOperationNames({
    names: [...shippedOperationNames(), ...(options.knownOperationNames ?? [])],
    persisted: () => options.persistedOperations.operationNames(),
  });
  const rateLimiter = countingRefusals(options.rateLimiter, (key) => metrics.rateLimited(key.startsWith('user:') ? 'staff' : 'partner'));
  // @apollo/gateway would otherwise report host metrics to Apollo's servers every hour (and probe cloud metadata addresses).
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    // Its OpenTelemetry spans carry the operation name only: never the document, nor errors (they may quote values).
    telemetry: { includeDocument: false, recordExceptions: false },
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new ActorContextDataSource(url, name, options.signer, agents, metrics);
    },
  });
  const server = new ApolloServer<GatewayContext>({
    // @apollo/gateway 2.x implements the v1 gateway interface that Apollo Server 5 still accepts.
    gateway: gateway as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    includeStacktraceInErrorResponses: false,
    formatError: safeError,
    validationRules: operationLimitRules(),
    ...edgeServerOptions(),
    // Edge plugins after the persisted operations (their refusals come first), before any that reads the operation;
    // the rate limit and the cost budget before the field guard, so that a refused operation is neither fetched nor logged;
    // the audit flush last, after the field guard has recorded its refusals.
    // The observability plugin last: it reads the outcome the client is sent.
    plugins: [
      persistedOperationsPlugin(options.persistedOperations),
      ...edgePlugins<GatewayContext>(),
      ...limitPlugins<GatewayContext>(rateLimiter, { ...options.limits, onRefused: () => metrics.costRefused() }),
      fieldGuardPlugin(),
      signActorContext(),
      failClosedAudit<GatewayContext>(),
      // A name is recorded once the persisted-operation refusals are passed, and only a known one.
      observabilityPlugin<GatewayContext>({ operationNames, refused: refusedAsNotPersisted }),
    ],
  });
  await server.start();

  /** The request's context; the printable documents (PRINT) and the CSV exports (EXPORT) pass their own intent and one request id each. */
  async function contextFor(req: http.IncomingMessage, fixed?: { intent: 'PRINT' | 'EXPORT'; requestId: string }): Promise<GatewayContext> {
    const purpose = req.headers['x-purpose-of-use'];
    const intent = fixed?.intent ?? String(req.headers['x-access-intent'] ?? 'VIEW').toUpperCase();
    if (intent !== 'VIEW' && intent !== 'PRINT' && intent !== 'EXPORT') {
      throw new GraphQLError('x-access-intent must be VIEW, PRINT or EXPORT.', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    }
    // The access tables (database) and session store (Redis) down: 503 with the reason, not 500.
    const { actor, token } = await options.authenticator
      .authenticate(req.headers.authorization, {
        // The id the service server answered in x-request-id (and logs the request under).
        requestId: fixed?.requestId ?? currentObservation()?.requestId ?? randomUUID(),
        callerAddress: trustedProxies.callerAddress(req),
        purpose: Array.isArray(purpose) ? purpose[0] : purpose,
        emergency: req.headers['x-emergency-access'] === 'true',
        intent,
      })
      .catch((error: unknown) => {
        throw asServiceUnavailable(error);
      });
    if (token) {
      await rateLimiter.consume(token.id, token.rateLimitPerMinute).catch((error: unknown) => {
        // RATE_LIMITED passes; a counter store that cannot be reached refuses (closed, not open).
        throw error instanceof GraphQLError ? error : serviceUnavailable('Redis', 'the rate-limit counters (Redis) cannot be reached');
      });
    }
    return { actor, ...(token ? { token } : {}), audit: new AuditRecorder(actor, 'gateway', options.auditSink, metrics) };
  }

  const graphql = createRequestListener<GatewayContext>({ server, context: (req) => contextFor(req) });
  // GET /documents/{kind}/{id}: HTML built from operations run through this server as the caller, logged as PRINT.
  const documents = documentsHandler({
    server,
    context: (req, requestId) => contextFor(req, { intent: 'PRINT', requestId }),
    settings: options.documents ?? { ombudsmanAddress: DEFAULT_OMBUDSMAN_ADDRESS },
    renderers: DOCUMENT_RENDERERS,
  });
  // GET /exports/statistics/{report}.csv: the statistics query run as the caller, logged as EXPORT.
  const statisticsCsv = statisticsCsvHandler({ server, context: (req, requestId) => contextFor(req, { intent: 'EXPORT', requestId }) });
  // GET /exports/audit-entries.csv: an access-log search run as the caller (the auditor), logged as EXPORT.
  const auditEntriesCsv = auditEntriesCsvHandler({ server, context: (req, requestId) => contextFor(req, { intent: 'EXPORT', requestId }) });
  // GET /console: the auditor's console (static files); it calls /graphql like any client.
  const consoleRoute = consoleHandler(options.console);
  const service = createServiceServer({
    service: 'gateway',
    metrics,
    logger: options.logger,
    cors: corsPolicy(options.corsOrigins ?? []),
    edge: { trustedProxies },
    ...(options.metricsEndpoint ? { metricsEndpoint: options.metricsEndpoint } : {}),
    readiness: {
      ...options.readiness,
      ...(rateLimiter.ready ? { redis: () => rateLimiter.ready!() } : {}),
      ...Object.fromEntries(Object.entries(options.subgraphUrls).map(([name, url]) => [name, serviceReadiness(url)])),
    },
    handler(req, res) {
      const observation = currentObservation();
      if (isDocumentsPath(req.url)) {
        if (observation) observation.route = 'documents';
        return documents(req, res);
      }
      if (isConsolePath(req.url)) return consoleRoute(req, res);
      if (isStatisticsCsvPath(req.url)) {
        if (observation) observation.route = 'documents';
        return statisticsCsv(req, res);
      }
      if (isAuditEntriesCsvPath(req.url)) {
        if (observation) observation.route = 'documents';
        return auditEntriesCsv(req, res);
      }
      graphql(req, res);
    },
  });
  const { httpServer, metricsServer } = service;
  let metricsUrl: string | null = null;

  return {
    httpServer,
    metrics,
    metricsUrl: () => metricsUrl,
    async listen(port, host) {
      const url = await listen(httpServer, port, host);
      const endpoint = options.metricsEndpoint ?? 'main';
      if (metricsServer && typeof endpoint === 'object') metricsUrl = `${await listen(metricsServer, endpoint.port, endpoint.host ?? host)}/metrics`;
      else if (endpoint === 'main') metricsUrl = `${url}/metrics`;
      return url;
    },
    drain: (timeoutMs) => service.drain(timeoutMs),
    async stop() {
      await closeServer(httpServer);
      if (metricsServer?.listening) await closeServer(metricsServer);
      await server.stop();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
