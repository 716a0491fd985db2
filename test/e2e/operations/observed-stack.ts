import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type Database, seedDemoWorld } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, type DevKeys, generateDevKeys } from '@vartija/gateway';
import { createLogger } from '@vartija/kit';
import { signDevToken, type Stack, type StackOptions, startStack } from '@vartija/tools';
import { createTestDatabase } from '../../testkit/database';

/** One request-log line as written (JSON). */
export type LogLine = Record<string, unknown> & { msg?: string; service?: string };

export interface ObservedStack {
  stack: Stack;
  database: Database;
  keys: DevKeys;
  /** Every line the services logged, parsed. */
  lines: LogLine[];
  tokenFor(login: string): Promise<string>;
  /**
   * POSTs to the gateway. `newConnection` sends on a connection of its own: a drain closes the idle
   * kept-alive connections, and a request that races that close on a reused one fails as a socket
   * error (as it would for any HTTP client) instead of reaching the server.
   */
  post(body: unknown, options?: { as?: string; token?: string; headers?: Record<string, string>; newConnection?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The federated stack as the testkit starts it (fresh database, demo world, free ports), with the
 * services' log captured in memory and the options of issue 14 (CORS, trusted proxies) open.
 */
export async function startObservedStack(options: Partial<Omit<StackOptions, 'database' | 'keys' | 'supergraphSdl' | 'logger'>> = {}): Promise<ObservedStack> {
  const { database, dispose } = await createTestDatabase();
  await seedDemoWorld(database.db, { now: new Date() });
  const keys = await generateDevKeys();
  const lines: LogLine[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
  const stack = await startStack({
    database,
    keys,
    supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    gatewayPort: 0,
    logger,
    ...options,
  });
  const tokens = new Map<string, string>();
  const tokenFor = async (login: string) => {
    if (!tokens.has(login)) tokens.set(login, await signDevToken(keys.tokenSigning.privateJwk, login));
    return tokens.get(login)!;
  };
  return {
    stack,
    database,
    keys,
    lines,
    tokenFor,
    async post(body, opts = {}) {
      const token = opts.token ?? (opts.as ? await tokenFor(opts.as) : undefined);
      const init = {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
        body: JSON.stringify(body),
      };
      return opts.newConnection ? fetchOnNewConnection(`${stack.gatewayUrl}/graphql`, init) : fetch(`${stack.gatewayUrl}/graphql`, init);
    },
    async close() {
      await stack.stop();
      await dispose();
    },
  };
}

/**
 * A request on a connection opened for it alone (node:http without an agent), answered as a fetch
 * Response. For requests made while a server drains, where a pooled connection may be closing.
 */
export function fetchOnNewConnection(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
        }
        resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 0, headers }));
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

/** The base URL (scheme, host, port) of a service's GraphQL URL. */
export const baseOf = (graphqlUrl: string) => new URL(graphqlUrl).origin;

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
