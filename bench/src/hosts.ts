import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createMongoAbility } from '@casl/ability';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { DEMO, type Database } from '@vartija/db';
import { type DevKeys, type SubgraphName, SUBGRAPHS } from '@vartija/gateway';
import {
  type Actor,
  actorSchema,
  type AppAbility,
  type AuditSink,
  rowScope,
  setCursorSecret,
  type Subgraph,
  type SubgraphRuntime,
} from '@vartija/kit';
import { withTestingSeams } from '@vartija/kit/testing';
import { startStack, SUBGRAPH_FACTORIES } from '@vartija/tools';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * What runs behind one benchmarked gateway. With BENCH_TOPOLOGY=single (startHost) gateway and four
 * subgraphs in one process, so that every configuration has the same topology (the `npm start` one);
 * with BENCH_TOPOLOGY=processes each service in its own process (runner.ts: the product's entry
 * points for Vartija, startBaselineSubgraph / startBaselineGateway for the baselines):
 *
 * - `vartija`: the product's startStack — authentication, gateway field guard, signed actor
 *   context, CASL policy with row rules in SQL, per-field checks and the hash-chained access log.
 * - `vartija-no-log`: the same with a no-op access-log sink (startStack's auditSink option): what
 *   writing the log costs. A what-if, never a configuration of the product.
 * (The group-commit and one-statement append prototypes measured in the first run are now the
 *   product's own DbAuditSink / GroupCommitAuditSink: see bench/results/2026-11-25/before-after.md.)
 * - `apollo`: a plain @apollo/gateway + @apollo/server (standalone) over baseline subgraphs.
 * - `hive`: Hive Gateway's runtime (@graphql-hive/gateway-runtime) over baseline subgraphs.
 *
 * Baseline subgraphs are the product's subgraph factories through the SubgraphRuntime seams: an
 * allow-all ability, a verifier that returns a fixed actor without looking at any header, and a
 * no-op access-log sink. Only this file builds them; no product configuration can. They seal page
 * cursors with the run's cursor secret and give each request a fresh requestId, as the gateway would.
 */
export type HostKind = 'vartija' | 'vartija-no-log' | 'apollo' | 'hive';

export const isVartija = (kind: HostKind) => kind.startsWith('vartija');

export interface HostSpec {
  kind: HostKind;
  supergraphSdl: string;
  keys: DevKeys;
}

export interface Host {
  /** The GraphQL endpoint. */
  url: string;
  stop(): Promise<void>;
}

/** The ability the baseline subgraphs use: every action on everything, no conditions. */
export const ALLOW_ALL = createMongoAbility([{ action: ['access', 'read', 'create', 'update', 'correct'], subject: 'all' }]) as unknown as AppAbility;

/** Checks the seam's promise: with the allow-all ability row rules become TRUE (no filtering), not FALSE. */
export function allowAllRowScopeSql(): string {
  return new PgDialect().sqlToQuery(rowScope(ALLOW_ALL, 'Client')).sql;
}

/** The fixed actor of the baseline subgraphs: the grants of mgr-child, which the allow-all ability ignores. */
export function baselineActor(): Actor {
  const user = DEMO.users['mgr-child'];
  // Parsed, so that fields the actor schema defaults (and may gain) are filled in as the gateway's would be.
  return actorSchema.parse({
    kind: 'USER',
    id: user.id,
    login: user.login,
    organisationId: DEMO.organisations.region.id,
    grants: [
      {
        id: user.grantId,
        role: user.role,
        organisationId: DEMO.organisations.region.id,
        unitId: DEMO.units['child-welfare'].id,
        validFrom: '2020-01-01T00:00:00.000Z',
        validUntil: null,
        visibilityWindowMonths: 12,
      },
    ],
    scopes: [],
    purpose: 'CLIENT_WORK',
    emergency: false,
    requestId: 'bench-baseline', // replaced per request (startBaselineSubgraphs), as the gateway's context would be
    operationName: null,
    callerAddress: '127.0.0.1',
  });
}

const NO_OP_SINK: AuditSink = { write: async () => {} };

/** The runtime of the baseline subgraphs: the product's, through the testing seams only (kit/testing). */
function baselineRuntime(database: Database): SubgraphRuntime {
  const actor = baselineActor();
  // The seams exist only through kit/testing: no product runtime can name them.
  return withTestingSeams(
    { database, verifier: { verifyRequest: async () => ({ actor: { ...actor, requestId: randomUUID() }, returnAudit: false, jti: randomUUID() }) } },
    { auditSink: NO_OP_SINK, abilityFor: () => ALLOW_ALL },
  );
}

/** One baseline subgraph (for BENCH_TOPOLOGY=processes: one per process). Seals cursors with the run's secret. */
export async function startBaselineSubgraph(name: SubgraphName, database: Database, keys: DevKeys, port = 0): Promise<{ url: string; subgraph: Subgraph }> {
  setCursorSecret(keys.cursorSecret);
  const subgraph = await SUBGRAPH_FACTORIES[name](baselineRuntime(database));
  return { url: `${await subgraph.listen(port, '127.0.0.1')}/graphql`, subgraph };
}

async function startBaselineSubgraphs(database: Database): Promise<{ urls: Record<SubgraphName, string>; subgraphs: Subgraph[] }> {
  const runtime = baselineRuntime(database);
  const urls = {} as Record<SubgraphName, string>;
  const subgraphs: Subgraph[] = [];
  for (const { name } of SUBGRAPHS) {
    const subgraph = await SUBGRAPH_FACTORIES[name](runtime);
    subgraphs.push(subgraph);
    urls[name] = `${await subgraph.listen(0, '127.0.0.1')}/graphql`;
  }
  return { urls, subgraphs };
}

/** The supergraph with its subgraph URLs pointed at the given ones (Hive reads them from the SDL). */
export function withSubgraphUrls(supergraphSdl: string, urls: Record<SubgraphName, string>): string {
  return supergraphSdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (whole, name: string) => {
    const url = urls[name as SubgraphName];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : whole;
  });
}

export async function startHost(spec: HostSpec, database: Database): Promise<Host> {
  if (isVartija(spec.kind)) {
    const auditSink = spec.kind === 'vartija-no-log' ? NO_OP_SINK : undefined;
    const stack = await startStack({
      database,
      keys: spec.keys,
      supergraphSdl: spec.supergraphSdl,
      gatewayPort: 0,
      ...(auditSink ? { auditSink } : {}),
    });
    return { url: `${stack.gatewayUrl}/graphql`, stop: () => stack.stop() };
  }

  // The baselines seal page cursors with the run's secret, as replicas sharing CURSOR_SECRET would, so
  // that cursors collected from one baseline configuration are valid on the other (bound to the fixed actor).
  setCursorSecret(spec.keys.cursorSecret);
  const baseline = await startBaselineSubgraphs(database);
  const stopSubgraphs = () => Promise.all(baseline.subgraphs.map((s) => s.stop())).then(() => undefined);

  const gateway = await startBaselineGateway(spec.kind, spec.supergraphSdl, baseline.urls);
  return {
    url: gateway.url,
    async stop() {
      await gateway.stop();
      await stopSubgraphs();
    },
  };
}

/** A baseline gateway (plain Apollo or Hive) over the given subgraph URLs. */
export async function startBaselineGateway(kind: HostKind, supergraphSdl: string, urls: Record<SubgraphName, string>, port = 0): Promise<Host> {
  if (kind === 'apollo') {
    const gateway = new ApolloGateway({
      supergraphSdl,
      buildService: ({ name }) => new RemoteGraphQLDataSource({ url: urls[name as SubgraphName] }),
    });
    const server = new ApolloServer({
      // @apollo/gateway 2.x implements the v1 gateway interface that Apollo Server 5 accepts (as in gateway-server.ts).
      gateway: gateway as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    });
    const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
    return { url: new URL('/graphql', url).toString(), stop: () => server.stop() };
  }
  if (kind !== 'hive') throw new Error(`${kind} is not a baseline gateway`);
  const runtime = createGatewayRuntime({ supergraph: withSubgraphUrls(supergraphSdl, urls), logging: 'error' });
  const server = http.createServer(runtime);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
