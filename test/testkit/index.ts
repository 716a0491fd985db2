import { readFileSync } from 'node:fs';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { DEMO, type Database, seedDemoWorld, type StaffLogin } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, type DevKeys, generateDevKeys } from '@vartija/gateway';
import { signDevToken, type Stack, type StackOptions, startStack } from '@vartija/tools';
import { DbAuditSink } from '@vartija/kit';
import { type GraphQLFormattedError, print } from 'graphql';
import request from 'supertest';
import { createTestDatabase } from './database';
export { allAuditEntries } from './audit-entries';
export { SwitchableAuditSink } from './switchable-audit-sink';

export { DEMO };
export type Persona = StaffLogin;

/** Every persona that can act today (student-ended cannot), the partner token included: the rows of the tables. */
export const ACTIVE_LOGINS = [
  'sw-child',
  'sw-family',
  'sw-adult',
  'mgr-child',
  'student-child',
  'billing',
  'dpo',
  'admin',
  'majakka',
  'sw-adult-student',
  'mgr-family-sw-child',
  'billing-student',
  'dpo-student',
  'sw-b',
  'dpo-b',
] as const;
export type ActiveLogin = (typeof ACTIVE_LOGINS)[number];

export interface ExecuteOptions<TVariables> {
  query: string | TypedDocumentNode<unknown, TVariables>;
  variables?: TVariables;
  /** Persona login; omit for an unauthenticated request. */
  as?: Persona | string;
  token?: string;
  headers?: Record<string, string>;
}

export interface ExecuteResult<TData> {
  status: number;
  data: TData | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
  headers: Record<string, string>;
}

export interface TestStack {
  stack: Stack;
  database: Database;
  keys: DevKeys;
  now: Date;
  /** Sends an operation through the gateway over HTTP, as a persona. */
  execute<TData = Record<string, unknown>, TVariables = Record<string, unknown>>(
    options: ExecuteOptions<TVariables> & { query: string | TypedDocumentNode<TData, TVariables> },
  ): Promise<ExecuteResult<TData>>;
  tokenFor(login: string, ttlSeconds?: number): Promise<string>;
  /** supertest against the gateway. */
  gateway(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestStackOptions extends Partial<Pick<StackOptions, 'grantCacheMs' | 'maxTokenAgeSeconds' | 'idleTimeoutSeconds' | 'tokenClockSkewSeconds' | 'oidc' | 'auditSink' | 'auditCheckpoints' | 'clock' | 'redisUrl' | 'maxOperationCost' | 'staffRateLimitPerMinute'>> {
  now?: Date;
  /** Seed the demo world's weeks of access-log history too (drizzle/src/seed/demo-log-history.ts), as npm start does. */
  logHistory?: boolean;
}

/** Migrated database with the demo world, four subgraphs and the gateway on free loopback ports. */
export async function startTestStack(testOptions: TestStackOptions = {}): Promise<TestStack> {
  const { logHistory, ...options } = testOptions;
  const { database, dispose } = await createTestDatabase();
  const now = options.now ?? new Date();
  // The history goes through the log's own chained writer, so verifyAuditChain covers it.
  await seedDemoWorld(database.db, { now, ...(logHistory ? { logHistory: { sink: new DbAuditSink(database.db) } } : {}) });
  const keys = await generateDevKeys();
  const stack = await startStack({
    database,
    keys,
    supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    gatewayPort: 0,
    ...options,
  });
  const tokens = new Map<string, string>();
  const tokenFor = async (login: string, ttlSeconds = 3600) => {
    if (ttlSeconds !== 3600) return signDevToken(keys.tokenSigning.privateJwk, login, ttlSeconds);
    let token = tokens.get(login);
    if (!token) {
      token = await signDevToken(keys.tokenSigning.privateJwk, login);
      tokens.set(login, token);
    }
    return token;
  };
  return {
    stack,
    database,
    keys,
    now,
    tokenFor,
    gateway: () => request(stack.gatewayUrl),
    async execute(opts) {
      const req = request(stack.gatewayUrl).post('/graphql').set('content-type', 'application/json');
      const token = opts.token ?? (opts.as ? await tokenFor(opts.as) : undefined);
      if (token) req.set('authorization', `Bearer ${token}`);
      for (const [key, value] of Object.entries(opts.headers ?? {})) req.set(key, value);
      const query = typeof opts.query === 'string' ? opts.query : print(opts.query);
      const res = await req.send({ query, variables: opts.variables ?? {} });
      return { status: res.status, data: res.body?.data, errors: res.body?.errors, headers: res.headers as Record<string, string> };
    },
    async close() {
      await stack.stop();
      await dispose();
    },
  };
}

/** The codes of a result's errors, for assertions that read like the policy table. */
export const codesOf = (result: { errors?: readonly GraphQLFormattedError[] | undefined }) =>
  (result.errors ?? []).map((e) => e.extensions?.['code']);
