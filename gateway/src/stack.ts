import { createAuditSubgraph } from '@vartija/audit';
import { createClientsSubgraph } from '@vartija/clients';
import type { Database } from '@vartija/db';
import { createDocumentsSubgraph } from '@vartija/documents';
import {
  ActorContextSigner,
  ActorContextVerifier,
  type AuditCheckpoints,
  type AuditSink,
  DbAuditSink,
  GroupCommitAuditSink,
  setCursorSecret,
  type Subgraph,
  type SubgraphRuntime,
} from '@vartija/kit';
import { createServicesSubgraph } from '@vartija/services';
import { AccessStore } from './access-store';
import { Authenticator } from './authenticate';
import type { GatewayLimits } from './demand-control';
import type { DevKeys } from './dev-keys';
import type { DocumentSettings } from './documents';
import { createGateway, type Gateway } from './gateway-server';
import { PersistedOperationStore } from './persisted-operations';
import { createRateLimiter } from './rate-limit';
import { createSessionActivity } from './session-activity';
import { SUBGRAPHS, type SubgraphName } from './subgraph-list';

export const SUBGRAPH_FACTORIES: Record<SubgraphName, (runtime: SubgraphRuntime) => Promise<Subgraph>> = {
  clients: createClientsSubgraph,
  services: createServicesSubgraph,
  documents: createDocumentsSubgraph,
  audit: createAuditSubgraph,
};

export interface StackOptions {
  database: Database;
  keys: DevKeys;
  supergraphSdl: string;
  host?: string;
  /** 0 picks free ports (tests); otherwise the gateway's port, subgraphs on their defaults. */
  gatewayPort?: number;
  subgraphPorts?: Partial<Record<SubgraphName, number>>;
  grantCacheMs?: number;
  maxTokenAgeSeconds?: number;
  idleTimeoutSeconds?: number;
  tokenClockSkewSeconds?: number;
  /** Partner rate-limit counters and idle sign-out state in Redis; in memory without it. */
  redisUrl?: string;
  /** Staff tokens from an OIDC issuer, besides the development key. */
  oidc?: { issuer: string; audience: string; jwksUrl: string };
  auditSink?: AuditSink;
  /** The subgraphs' clock (time-controlled tests of retention and disposal); the system clock without. */
  clock?: () => Date;
  /** Signed checkpoints of the access log, for the audit subgraph; none without. */
  auditCheckpoints?: AuditCheckpoints;
  /** Highest estimated operation cost (MAX_OPERATION_COST); the default budget without. */
  maxOperationCost?: number;
  /**
   * Requests per minute per staff user (STAFF_RATE_LIMIT_PER_MINUTE). Unset: no staff limit, for tests and
   * benchmarks that send many requests as one persona; `npm start` and the gateway process set it.
   */
  staffRateLimitPerMinute?: number;
  /** Printable documents: the ombudsman's address (DPO_OMBUDSMAN_ADDRESS); the default without. */
  documents?: DocumentSettings;
}

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  subgraphs: Subgraph[];
  gateway: Gateway;
  stop(): Promise<void>;
}

/** The whole federated register in one process: four subgraphs and the gateway over one database. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  // One process: the subgraphs seal cursors with the stack's secret.
  setCursorSecret(options.keys.cursorSecret);
  const verifier = await ActorContextVerifier.fromJwk(options.keys.actorContext.publicJwk);
  const runtime: SubgraphRuntime = {
    database: options.database,
    verifier,
    ...(options.auditSink ? { auditSink: options.auditSink } : {}),
    ...(options.auditCheckpoints ? { auditCheckpoints: options.auditCheckpoints } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const subgraphs: Subgraph[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const { name, defaultPort } of SUBGRAPHS) {
    const subgraph = await SUBGRAPH_FACTORIES[name](runtime);
    subgraphs.push(subgraph);
    const port = options.subgraphPorts?.[name] ?? (options.gatewayPort === 0 ? 0 : defaultPort);
    subgraphUrls[name] = `${await subgraph.listen(port, host)}/graphql`;
  }
  const replica = await startGateway(options, subgraphUrls, options.gatewayPort ?? 4000);
  return {
    gatewayUrl: replica.gatewayUrl,
    subgraphUrls,
    subgraphs,
    gateway: replica.gateway,
    async stop() {
      await replica.stop();
      await Promise.all(subgraphs.map((s) => s.stop()));
      await verifier.close();
    },
  };
}

export interface GatewayReplica {
  gatewayUrl: string;
  gateway: Gateway;
  stop(): Promise<void>;
}

/**
 * A gateway in front of running subgraphs, with its own authenticator, rate limiter and session
 * state: `startStack` starts one; a test starts a second to act as another replica.
 */
export async function startGateway(
  options: Omit<StackOptions, 'subgraphPorts'>,
  subgraphUrls: Record<SubgraphName, string>,
  port = 0,
): Promise<GatewayReplica> {
  const sessions = createSessionActivity(options.redisUrl);
  const authenticator = await Authenticator.create({
    store: new AccessStore(options.database.db),
    devPublicJwk: options.keys.tokenSigning.publicJwk,
    maxTokenAgeSeconds: options.maxTokenAgeSeconds ?? 8 * 3600,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? 30 * 60,
    clockSkewSeconds: options.tokenClockSkewSeconds ?? 60,
    sessions,
    ...(options.oidc ? { oidc: options.oidc } : {}),
    grantCacheMs: options.grantCacheMs ?? 5_000,
  });
  const rateLimiter = createRateLimiter(options.redisUrl);
  const gateway = await createGateway({
    supergraphSdl: options.supergraphSdl,
    subgraphUrls,
    authenticator,
    signer: await ActorContextSigner.fromJwk(options.keys.actorContext.privateJwk),
    ready: () => options.database.ping(),
    auditSink: options.auditSink ?? new GroupCommitAuditSink(new DbAuditSink(options.database.db)),
    rateLimiter,
    persistedOperations: new PersistedOperationStore(options.database.db),
    limits: limitsOf(options),
    ...(options.documents ? { documents: options.documents } : {}),
  });
  const gatewayUrl = await gateway.listen(port, options.host ?? '127.0.0.1');
  return {
    gatewayUrl,
    gateway,
    async stop() {
      await gateway.stop();
      await rateLimiter.close();
      await sessions.close();
    },
  };
}

const limitsOf = (options: Pick<StackOptions, 'maxOperationCost' | 'staffRateLimitPerMinute'>): GatewayLimits => ({
  ...(options.maxOperationCost !== undefined ? { maxOperationCost: options.maxOperationCost } : {}),
  ...(options.staffRateLimitPerMinute !== undefined ? { staffRateLimitPerMinute: options.staffRateLimitPerMinute } : {}),
});
