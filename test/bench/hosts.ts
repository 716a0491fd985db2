import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createMongoAbility } from '@casl/ability';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { DEMO, type Database } from '@vartija/db';
import { type DevKeys, SUBGRAPH_FACTORIES, SUBGRAPHS, type SubgraphName, startStack } from '@vartija/gateway';
import {
  type Actor,
  actorSchema,
  type AppAbility,
  type AuditEntryInput,
  type AuditSink,
  chainHash,
  DbAuditSink,
  rowsOf,
  rowScope,
  type Subgraph,
  type SubgraphRuntime,
} from '@vartija/kit';
import type { Db, Queryable } from '@vartija/db';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * What runs behind one benchmarked gateway, always gateway and four subgraphs in one process so
 * that every configuration has the same topology (the `npm start` one):
 *
 * - `vartija`: the product's startStack — authentication, gateway field guard, signed actor
 *   context, CASL policy with row rules in SQL, per-field checks and the hash-chained access log.
 * - `vartija-no-log`: the same with a no-op access-log sink (startStack's auditSink option): what
 *   writing the log costs. A what-if, never a configuration of the product.
 * - `vartija-group-commit`: the same with the access-log writes of concurrent requests grouped into
 *   one chained transaction (GroupCommitAuditSink below, over the product's DbAuditSink): a
 *   prototype of a suggested change, measured through the same seam. Each request still waits
 *   until its own entries are committed (fail-closed holds).
 * - `vartija-one-statement-log`: the same chain written by OneStatementAuditSink below: the batch
 *   travels as one jsonb parameter and one statement inserts it and moves the chain head, instead
 *   of drizzle building a multi-row VALUES list (23 parameters per entry) and a separate UPDATE.
 * - `apollo`: a plain @apollo/gateway + @apollo/server (standalone) over baseline subgraphs.
 * - `hive`: Hive Gateway's runtime (@graphql-hive/gateway-runtime) over baseline subgraphs.
 *
 * Baseline subgraphs are the product's subgraph factories through the SubgraphRuntime seams: an
 * allow-all ability, a verifier that returns a fixed actor without looking at any header, and a
 * no-op access-log sink. Only this file builds them; no product configuration can.
 */
export type HostKind = 'vartija' | 'vartija-no-log' | 'vartija-group-commit' | 'vartija-one-statement-log' | 'apollo' | 'hive';

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
    requestId: 'bench-baseline',
    operationName: null,
    callerAddress: '127.0.0.1',
  });
}

const NO_OP_SINK: AuditSink = { write: async () => {} };

/**
 * Group commit for the access log: while one chained write is in flight, batches of other
 * requests queue up; the next write appends all of them in one transaction (one chain-head lock,
 * one INSERT, one UPDATE, one commit). Every caller's promise settles with the write that holds its
 * entries, so a request still answers only after its entries are durable. Writes inside a
 * mutation's transaction (`via`) go straight through.
 */
export class GroupCommitAuditSink implements AuditSink {
  private queue: { batch: AuditEntryInput[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  /** Writes done and batches they carried, for the report. */
  readonly stats = { writes: 0, batches: 0 };

  constructor(private readonly inner: AuditSink) {}

  write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (via) return this.inner.write(batch, via);
    if (batch.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      this.stats.writes += 1;
      this.stats.batches += group.length;
      try {
        await this.inner.write(group.flatMap((g) => g.batch));
        for (const g of group) g.resolve();
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    this.writing = false;
  }
}

/**
 * The product's chain (same lock, same chainHash, same stored form) in two statements per batch: the
 * head is locked and read, then one statement inserts every entry from a single jsonb parameter
 * (jsonb_to_recordset) and moves the head. A prototype of a suggested change to DbAuditSink.write.
 */
export class OneStatementAuditSink implements AuditSink {
  constructor(private readonly db: Db) {}

  async write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (batch.length === 0) return;
    await (via ?? this.db).transaction(async (tx) => {
      const [head] = rowsOf<{ seq: string | number; hash: string }>(await tx.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = 'main' FOR UPDATE`));
      if (!head) throw new Error('audit chain head is missing');
      let seq = Number(head.seq);
      let prevHash = head.hash;
      const lower = (value: string | null) => (value === null ? null : value.toLowerCase());
      const rows = batch.map((input) => {
        const entry = { ...input, organisationId: lower(input.organisationId), unitId: lower(input.unitId), clientId: lower(input.clientId) };
        seq += 1;
        const hash = chainHash(prevHash, seq, entry);
        const row = {
          seq,
          at: entry.at.toISOString(),
          request_id: entry.requestId,
          operation_name: entry.operationName,
          subgraph: entry.subgraph,
          actor_kind: entry.actorKind,
          actor_id: entry.actorId,
          actor_role: entry.actorRole,
          organisation_id: entry.organisationId,
          unit_id: entry.unitId,
          client_id: entry.clientId,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          action: entry.action,
          outcome: entry.outcome,
          fields: entry.fields,
          categories: entry.categories,
          purpose: entry.purpose,
          emergency: entry.emergency,
          caller_address: entry.callerAddress,
          reason: entry.reason,
          prev_hash: prevHash,
          hash,
        };
        prevHash = hash;
        return row;
      });
      await tx.execute(sql`
        WITH appended AS (
          INSERT INTO audit.entries (seq, at, request_id, operation_name, subgraph, actor_kind, actor_id, actor_role, organisation_id, unit_id,
                                     client_id, entity_type, entity_id, action, outcome, fields, categories, purpose, emergency, caller_address,
                                     reason, prev_hash, hash)
          SELECT seq, at, request_id, operation_name, subgraph, actor_kind, actor_id, actor_role, organisation_id, unit_id,
                 client_id, entity_type, entity_id, action, outcome, fields, categories, purpose, emergency, caller_address, reason, prev_hash, hash
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
                 seq bigint, at timestamptz, request_id text, operation_name text, subgraph text, actor_kind audit.actor_kind, actor_id text,
                 actor_role text, organisation_id uuid, unit_id uuid, client_id uuid, entity_type text, entity_id text, action audit.action,
                 outcome audit.outcome, fields text[], categories text[], purpose text, emergency boolean, caller_address text, reason text,
                 prev_hash text, hash text)
          RETURNING 1
        )
        UPDATE audit.chain_head SET seq = ${seq}, hash = ${prevHash}, updated_at = now()
         WHERE id = 'main' AND (SELECT count(*) FROM appended) = ${rows.length}`);
    });
  }
}

async function startBaselineSubgraphs(database: Database): Promise<{ urls: Record<SubgraphName, string>; subgraphs: Subgraph[] }> {
  const actor = baselineActor();
  const runtime: SubgraphRuntime = {
    database,
    verifier: { verify: async () => actor },
    auditSink: NO_OP_SINK,
    abilityFor: () => ALLOW_ALL,
  };
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
    const auditSink =
      spec.kind === 'vartija-no-log'
        ? NO_OP_SINK
        : spec.kind === 'vartija-group-commit'
          ? new GroupCommitAuditSink(new DbAuditSink(database.db))
          : spec.kind === 'vartija-one-statement-log'
            ? new OneStatementAuditSink(database.db)
            : undefined;
    const stack = await startStack({
      database,
      keys: spec.keys,
      supergraphSdl: spec.supergraphSdl,
      gatewayPort: 0,
      ...(auditSink ? { auditSink } : {}),
    });
    return { url: `${stack.gatewayUrl}/graphql`, stop: () => stack.stop() };
  }

  const baseline = await startBaselineSubgraphs(database);
  const stopSubgraphs = () => Promise.all(baseline.subgraphs.map((s) => s.stop())).then(() => undefined);

  if (spec.kind === 'apollo') {
    const gateway = new ApolloGateway({
      supergraphSdl: spec.supergraphSdl,
      buildService: ({ name }) => new RemoteGraphQLDataSource({ url: baseline.urls[name as SubgraphName] }),
    });
    const server = new ApolloServer({
      // @apollo/gateway 2.x implements the v1 gateway interface that Apollo Server 5 accepts (as in gateway-server.ts).
      gateway: gateway as unknown as ConstructorParameters<typeof ApolloServer>[0] extends { gateway?: infer G } ? G : never,
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    return {
      url: new URL('/graphql', url).toString(),
      async stop() {
        await server.stop();
        await stopSubgraphs();
      },
    };
  }

  const runtime = createGatewayRuntime({ supergraph: withSubgraphUrls(spec.supergraphSdl, baseline.urls), logging: 'error' });
  const server = http.createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
      await stopSubgraphs();
    },
  };
}
