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
  /** Signed once per request, after the operation is known; sent to every subgraph. */
  actorToken?: string;
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
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    if (!context.actorToken) throw new Error('actor context was not signed before a subgraph fetch');
    request.http?.headers.set(ACTOR_CONTEXT_HEADER, context.actorToken);
    request.http?.headers.set('x-request-id', context.actor.requestId);
  }
}

function signActorContext(signer: ActorContextSigner): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.actor.operationName = operationName ?? null;
          contextValue.actorToken = await signer.sign(contextValue.actor);
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
      return new ActorContextDataSource({ url });
    },
  });
  const server = new ApolloServer<GatewayContext>({
    // @apollo/gateway 2.x implements the v1 gateway interface that Apollo Server 5 still accepts.
    gateway: gateway as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    includeStacktraceInErrorResponses: false,
    formatError: safeError,
    validationRules: operationLimitRules(),
    plugins: [persistedOperationsPlugin(options.persistedOperations), fieldGuardPlugin(), signActorContext(options.signer)],
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
