import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  ACTOR_CONTEXT_HEADER,
  type Actor,
  type ActorContextSigner,
  type AppAbility,
  AuditRecorder,
  type AuditSink,
  closeServer,
  createRequestListener,
  edgePlugins,
  edgeServerOptions,
  failClosedAudit,
  listen,
  safeError,
  asServiceUnavailable,
  serviceUnavailable,
} from '@vartija/kit';
import { GraphQLError } from 'graphql';
import type { Authenticator, PartnerToken } from './authenticate';
import type { RateLimiter } from './rate-limit';
import { type GatewayLimits, limitPlugins } from './demand-control';
import { fieldGuardPlugin } from './field-guard';
import { operationLimitRules } from './operation-limits';
import { type PersistedOperationStore, persistedOperationsPlugin } from './persisted-operations';
import type { SubgraphName } from './subgraph-list';
import { DEFAULT_OMBUDSMAN_ADDRESS, DOCUMENT_RENDERERS, type DocumentSettings, documentsHandler, isDocumentsPath } from './documents';
import { agentFetcher, documentOf, failedFetch, fetchPaths, isQuery, isResetBeforeAnswer, subgraphAgents, withPaths } from './subgraph-fetch';

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
  ready: () => Promise<boolean>;
  auditSink: AuditSink;
  rateLimiter: RateLimiter;
  persistedOperations: PersistedOperationStore;
  /** Operation cost budget and the staff rate limit (demand-control.ts); defaults without. */
  limits?: GatewayLimits;
  /** Printable documents (GET /documents/…): the ombudsman's address (DPO_OMBUDSMAN_ADDRESS); defaults without. */
  documents?: DocumentSettings;
}

export interface Gateway {
  httpServer: http.Server;
  listen(port: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

export class ActorContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly serviceName: string,
    private readonly signer: ActorContextSigner,
    agents: ReturnType<typeof subgraphAgents>,
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
    const document = documentOf(options.document, options.request.query);
    const paths = () => fetchPaths(document, options.request.variables);
    for (let attempt = 1; ; attempt++) {
      try {
        return withPaths(await super.process(options), paths);
      } catch (error) {
        if (attempt === 1 && isQuery(document) && isResetBeforeAnswer(error)) continue;
        return failedFetch(this.serviceName, error, paths());
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
    request.http?.headers.set(ACTOR_CONTEXT_HEADER, await this.signer.sign(context.actor, JSON.stringify({ query, ...rest })));
    request.http?.headers.set('x-request-id', context.actor.requestId);
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
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new ActorContextDataSource(url, name, options.signer, agents);
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
    plugins: [persistedOperationsPlugin(options.persistedOperations), ...edgePlugins<GatewayContext>(), ...limitPlugins<GatewayContext>(options.rateLimiter, options.limits), fieldGuardPlugin(), signActorContext(), failClosedAudit<GatewayContext>()],
  });
  await server.start();

  /** The request's context; the printable documents pass their own intent (PRINT) and one request id per document. */
  async function contextFor(req: http.IncomingMessage, fixed?: { intent: 'PRINT'; requestId: string }): Promise<GatewayContext> {
    const purpose = req.headers['x-purpose-of-use'];
    const intent = fixed?.intent ?? String(req.headers['x-access-intent'] ?? 'VIEW').toUpperCase();
    if (intent !== 'VIEW' && intent !== 'PRINT' && intent !== 'EXPORT') {
      throw new GraphQLError('x-access-intent must be VIEW, PRINT or EXPORT.', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    }
    // The access tables (database) and session store (Redis) down: 503 with the reason, not 500.
    const { actor, token } = await options.authenticator
      .authenticate(req.headers.authorization, {
        requestId: fixed?.requestId ?? randomUUID(),
        callerAddress: req.socket.remoteAddress ?? null,
        purpose: Array.isArray(purpose) ? purpose[0] : purpose,
        emergency: req.headers['x-emergency-access'] === 'true',
        intent,
      })
      .catch((error: unknown) => {
        throw asServiceUnavailable(error);
      });
    if (token) {
      await options.rateLimiter.consume(token.id, token.rateLimitPerMinute).catch((error: unknown) => {
        // RATE_LIMITED passes; a counter store that cannot be reached refuses (closed, not open).
        throw error instanceof GraphQLError ? error : serviceUnavailable('Redis', 'the rate-limit counters (Redis) cannot be reached');
      });
    }
    return { actor, ...(token ? { token } : {}), audit: new AuditRecorder(actor, 'gateway', options.auditSink) };
  }

  const graphql = createRequestListener<GatewayContext>({ server, ready: options.ready, context: (req) => contextFor(req) });
  // GET /documents/{kind}/{id}: HTML built from operations run through this server as the caller, logged as PRINT.
  const documents = documentsHandler({
    server,
    context: (req, requestId) => contextFor(req, { intent: 'PRINT', requestId }),
    settings: options.documents ?? { ombudsmanAddress: DEFAULT_OMBUDSMAN_ADDRESS },
    renderers: DOCUMENT_RENDERERS,
  });
  const httpServer = http.createServer((req, res) => {
    if (isDocumentsPath(req.url)) void documents(req, res);
    else graphql(req, res);
  });

  return {
    httpServer,
    listen: (port, host) => listen(httpServer, port, host),
    async stop() {
      await closeServer(httpServer);
      await server.stop();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
