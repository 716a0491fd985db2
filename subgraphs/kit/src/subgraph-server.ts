import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Database, Db } from '@vartija/db';
import { type DocumentNode, GraphQLError, type GraphQLFormattedError, parse } from 'graphql';
import { ACTOR_CONTEXT_HEADER, ActorContextError, type ActorContextVerifier, ReplayedActorContextError } from './actor-context';
import { guardArguments } from './argument-guard';
import type { Actor } from './actor';
import type { AuditCheckpoints } from './audit/checkpoint';
import { failClosedAudit } from './audit/plugin';
import { AuditRecorder } from './audit/recorder';
import { type AuditSink, DbAuditSink, GroupCommitAuditSink } from './audit/sink';
import { auditTargetOf } from './audit/target';
import type { RequestContext } from './context';
import { forbidden, unauthenticated } from './errors';
import { errorSummary, serviceUnavailable, unavailableDependency } from './failures';
import { closeServer, createRequestListener, edgePlugins, edgeServerOptions, listen } from './http';
import { ServiceMetrics } from './observability/metrics';
import { observabilityPlugin, requestLogger } from './observability/observation';
import { KnownOperationNames, persistedOperationNames, shippedOperationNames } from './observability/operation-names';
import { databaseReadiness, type ReadinessChecks } from './observability/readiness';
import { type Logger, processLogger } from './observability/request-log';
import { createServiceServer, type MetricsEndpoint } from './observability/service-server';
import { type AppAbility, cachedAbilityFor, grantKeyOfRule, type Subject } from './policy/ability';
import { RowGrants } from './policy/row-grants';
import { DateScalar, DateTimeScalar } from './scalars';
import { guardSensitiveFields, type SensitiveField } from './sensitive';
import { testingSeamsOf } from './testing-seams';


const sharedTypeDefs = readFileSync(path.join(__dirname, 'shared.graphql'), 'utf8');

/** The subgraph's SDL with the shared federation header, as one document. */
export function loadTypeDefs(schemaFile: string): DocumentNode {
  return parse(`${sharedTypeDefs}\n${readFileSync(schemaFile, 'utf8')}`);
}

export interface LoaderDeps {
  db: Db;
  actor: Actor;
  ability: AppAbility;
  /** Sets on loaded rows the grants through which each is visible (policy v2). */
  grants: RowGrants;
}

export interface SubgraphDefinition<Loaders> {
  name: string;
  typeDefs: DocumentNode;
  // Codegen's resolver types are stricter than Apollo's map; each subgraph checks its own against codegen.
  resolvers: object;
  createLoaders(deps: LoaderDeps): Loaders;
}

export interface SubgraphRuntime {
  database: Database;
  verifier: Pick<ActorContextVerifier, 'verifyRequest'>;
  /** Signed checkpoints of the access-log chain (the audit subgraph makes and checks them); none without. */
  auditCheckpoints?: AuditCheckpoints;
  /**
   * The time the policy and the lifecycle services count days from (visibility windows, retention).
   * Only time-controlled tests set it; the product runs on the system clock.
   */
  clock?: () => Date;
  /** What `/ready` checks besides the database (Redis of the replay check, when configured). */
  readiness?: ReadinessChecks;
  /** The request and error log; the process's logger without it. */
  logger?: Logger;
  /** Node's process metrics on this subgraph's `/metrics` (a process of its own; not in a shared stack). */
  processMetrics?: boolean;
  /** Where `/metrics` is served (METRICS_PORT); on the subgraph's own port without it. */
  metricsEndpoint?: MetricsEndpoint;
  /**
   * Operation names that may be recorded besides the persisted operations' and the shipped documents'
   * (KNOWN_OPERATION_NAMES); any other is `(unlisted)`.
   */
  knownOperationNames?: readonly string[];
}

export interface Subgraph {
  name: string;
  server: ApolloServer<RequestContext<unknown>>;
  httpServer: http.Server;
  sensitiveFields: SensitiveField[];
  /** This subgraph's Prometheus registry (`GET /metrics`). */
  metrics: ServiceMetrics;
  /** Where its `/metrics` is served once listening: on the main port, or on the metrics port (METRICS_PORT); null for none. */
  metricsUrl(): string | null;
  listen(port: number, host?: string): Promise<string>;
  /** Refuses new requests (503) and waits up to `timeoutMs` for those in flight: true when all finished. */
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function createSubgraph<Loaders>(
  definition: SubgraphDefinition<Loaders>,
  runtime: SubgraphRuntime,
): Promise<Subgraph> {
  type Context = RequestContext<Loaders>;
  const { db } = runtime.database;
  // Tests and the benchmark may replace the sink and the policy (kit/testing); no product configuration can.
  const seams = testingSeamsOf(runtime);
  const sink = seams.auditSink ?? new GroupCommitAuditSink(new DbAuditSink(db));
  const metrics = new ServiceMetrics(definition.name, { processMetrics: runtime.processMetrics ?? false });
  const operationNames = new KnownOperationNames({
    names: [...shippedOperationNames(), ...(runtime.knownOperationNames ?? [])],
    persisted: persistedOperationNames(db),
  });

  const schema = buildSubgraphSchema({
    typeDefs: definition.typeDefs,
    resolvers: { Date: DateScalar, DateTime: DateTimeScalar, ...definition.resolvers } as GraphQLResolverMap<unknown>,
  });
  const sensitiveFields = guardSensitiveFields(schema, {
    beforeRead(context, source, field) {
      const ctx = context as Context;
      const row = (source ?? {}) as Record<string, unknown>;
      // Read rules are bound to grants (`via`): the rule that matches names the grant that allows it.
      const rule = ctx.grants.readRuleFor(ctx.ability, field.type as Subject, row, field.field);
      if (!rule || rule.inverted) {
        ctx.audit.deny(auditTargetOf(field.type, source), field, 'READ', 'field not permitted');
        throw forbidden(`Not allowed to read ${field.type}.${field.field}`);
      }
      ctx.audit.record(auditTargetOf(field.type, source, ctx.grants.grant(grantKeyOfRule(rule))), field);
    },
  });
  guardArguments(schema); // outermost: malformed ids and text are refused before any resolver or log entry sees them

  const server = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    formatError: safeError,
    ...edgeServerOptions(),
    // Inline traces would copy error details into every response to the gateway.
    // Observed last: the outcome after the access log's fail-closed answer. The request id is the gateway's, from the signed actor context.
    plugins: [
      ...edgePlugins<Context>(),
      failClosedAudit<Context>(),
      ApolloServerPluginInlineTraceDisabled(),
      observabilityPlugin<Context>({ operationNames, subgraph: definition.name, takeRequestId: true }),
    ],
  });
  await server.start();

  const service = createServiceServer({
    service: definition.name,
    metrics,
    logger: runtime.logger,
    edge: 'internal',
    ...(runtime.metricsEndpoint ? { metricsEndpoint: runtime.metricsEndpoint } : {}),
    readiness: { database: databaseReadiness(runtime.database), ...runtime.readiness },
    handler: createRequestListener<Context>({
      server,
      async context(req, body) {
        const header = req.headers[ACTOR_CONTEXT_HEADER];
        let actor: Actor;
        let returnAudit: boolean;
        let jti: string;
        try {
          // Bound to this exact request and good once: a captured context cannot be replayed.
          ({ actor, returnAudit, jti } = await runtime.verifier.verifyRequest(Array.isArray(header) ? header[0] : header, { method: req.method, body }));
        } catch (error) {
          if (error instanceof GraphQLError) throw error; // the replay cache is unavailable: 503, not 401
          if (error instanceof ReplayedActorContextError) await logReplay(error, definition.name, sink, metrics);
          throw unauthenticated(error instanceof ActorContextError ? error.message : 'actor context rejected');
        }
        const now = runtime.clock ?? (() => new Date());
        const clock = { today: now().toISOString().slice(0, 10) };
        const ability = seams.abilityFor ? seams.abilityFor(actor) : cachedAbilityFor(actor, clock);
        // A seam's ability may serve every actor: it anchors no per-actor cache.
        const grants = new RowGrants(db, actor, seams.abilityFor ? { clock } : { clock, shared: ability });
        return {
          actor,
          ability,
          grants,
          db,
          now,
          loaders: definition.createLoaders({ db, actor, ability, grants }),
          audit: new AuditRecorder(actor, definition.name, sink, metrics, returnAudit ? jti : null),
        };
      },
    }),
  });
  const { httpServer, metricsServer } = service;
  let metricsUrl: string | null = null;

  return {
    name: definition.name,
    server: server as unknown as ApolloServer<RequestContext<unknown>>,
    httpServer,
    sensitiveFields,
    metrics,
    // A method, not a getter: the audit subgraph spreads this object into its own.
    metricsUrl: () => metricsUrl,
    async listen(port, host) {
      const url = await listen(httpServer, port, host);
      const endpoint = runtime.metricsEndpoint ?? 'main';
      if (metricsServer && typeof endpoint === 'object') metricsUrl = `${await listen(metricsServer, endpoint.port, endpoint.host ?? host)}/metrics`;
      else if (endpoint === 'main') metricsUrl = `${url}/metrics`;
      return url;
    },
    drain: (timeoutMs) => service.drain(timeoutMs),
    async stop() {
      await closeServer(httpServer);
      if (metricsServer?.listening) await closeServer(metricsServer);
      await server.stop();
    },
  };
}

const replaysLogged = new Set<string>();

/**
 * A context used twice leaves a DENIED entry under its actor and request. With `returnAudit` the first
 * use's entries went back to whoever sent it: if that was not the gateway (someone who captured the
 * context on the internal link and used it first), this entry is the trace that its reads are missing.
 */
async function logReplay(error: ReplayedActorContextError, subgraph: string, sink: AuditSink, metrics: ServiceMetrics): Promise<void> {
  // Once per context: replaying one context in a loop must not turn into a stream of log writes.
  if (replaysLogged.has(error.jti)) return;
  if (replaysLogged.size >= 10_000) replaysLogged.clear();
  replaysLogged.add(error.jti);
  const recorder = new AuditRecorder(error.actor, subgraph, sink, metrics);
  const reason = error.returnAudit
    ? 'actor context used a second time: its first use was answered to a caller other than this request, whose reads may be missing from the log'
    : 'actor context used a second time (replay refused)';
  recorder.deny({ entityType: 'AuditLog', entityId: null, clientId: null }, null, 'READ', reason);
  await recorder.flush().catch(() => undefined); // refused either way; the log's failure is counted in metrics
}

const KNOWN_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'COST_ESTIMATED_TOO_EXPENSIVE',
  'AUDIT_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'SERVICE_UNAVAILABLE',
]);

/**
 * Unexpected errors (database, bugs) can carry personal data in their message: never pass them on.
 * A dependency that is down (the database: a lost, refused or terminated connection) is answered as
 * SERVICE_UNAVAILABLE with the reason, at the field's path; anything else as INTERNAL_SERVER_ERROR.
 */
export function safeError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const dependency = unavailableDependency(error);
  if (dependency) {
    logUnexpected(error, `${dependency} unavailable`);
    const unavailable = serviceUnavailable(dependency);
    const { http: _http, ...extensions } = unavailable.extensions;
    return { message: unavailable.message, ...(formatted.path ? { path: formatted.path } : {}), extensions };
  }
  logUnexpected(error);
  return {
    message: 'Internal error; the request id in the response headers identifies it in the server log.',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Server log for unexpected errors: the error class, SQLSTATE and stack frames only. Messages are
 * left out because database errors quote the values (personal data) that caused them.
 */
function logUnexpected(error: unknown, msg = 'unexpected error'): void {
  if (process.env['VARTIJA_DEBUG_ERRORS'] === '1') console.error(error);
  const { name, code, frames } = errorSummary(error);
  // The request's own logger: the line carries the service and the request id the client was told.
  requestLogger(processLogger()).error({ err: { name, sqlState: code, frames } }, msg);
}
