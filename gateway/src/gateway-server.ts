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
  listen,
  safeError,
} from '@vartija/kit';
import { GraphQLError } from 'graphql';
import type { Authenticator, PartnerToken } from './authenticate';
import type { RateLimiter } from './rate-limit';
import { fieldGuardPlugin } from './field-guard';
import { operationLimitRules } from './operation-limits';
import { type PersistedOperationStore, persistedOperationsPlugin } from './persisted-operations';
import type { SubgraphName } from './subgraph-list';

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
}

export interface Gateway {
  httpServer: http.Server;
  listen(port: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

class ActorContextDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly signer: ActorContextSigner,
  ) {
    super({ url });
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
          try {
            await contextValue?.audit?.flush();
          } catch {
            if (response.body.kind === 'single') {
              response.body.singleResult.data = null;
              response.body.singleResult.errors = [
                { message: 'The access log could not be written, so no data was returned.', extensions: { code: 'AUDIT_UNAVAILABLE' } },
              ];
            }
          }
        },
      };
    },
  };
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new ActorContextDataSource(url, options.signer);
    },
  });
  const server = new ApolloServer<GatewayContext>({
    // @apollo/gateway 2.x implements the v1 gateway interface that Apollo Server 5 still accepts.
    gateway: gateway as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    includeStacktraceInErrorResponses: false,
    formatError: safeError,
    validationRules: operationLimitRules(),
    ...edgeServerOptions(),
    // Edge plugins after the persisted operations (their refusals come first), before any that reads the operation.
    plugins: [persistedOperationsPlugin(options.persistedOperations), ...edgePlugins<GatewayContext>(), fieldGuardPlugin(), signActorContext()],
  });
  await server.start();

  const httpServer = http.createServer(
    createRequestListener<GatewayContext>({
      server,
      ready: options.ready,
      async context(req) {
        const purpose = req.headers['x-purpose-of-use'];
        const intent = String(req.headers['x-access-intent'] ?? 'VIEW').toUpperCase();
        if (intent !== 'VIEW' && intent !== 'PRINT' && intent !== 'EXPORT') {
          throw new GraphQLError('x-access-intent must be VIEW, PRINT or EXPORT.', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        }
        const { actor, token } = await options.authenticator.authenticate(req.headers.authorization, {
          requestId: randomUUID(),
          callerAddress: req.socket.remoteAddress ?? null,
          purpose: Array.isArray(purpose) ? purpose[0] : purpose,
          emergency: req.headers['x-emergency-access'] === 'true',
          intent,
        });
        if (token) await options.rateLimiter.consume(token.id, token.rateLimitPerMinute);
        return { actor, ...(token ? { token } : {}), audit: new AuditRecorder(actor, 'gateway', options.auditSink) };
      },
    }),
  );

  return {
    httpServer,
    listen: (port, host) => listen(httpServer, port, host),
    async stop() {
      await closeServer(httpServer);
      await server.stop();
    },
  };
}
