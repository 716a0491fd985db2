/** Requests and access-log reads for the channels suite. */
import { DEMO_PARTNER_TOKEN, entries } from '@vartija/db';
import { eq } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { codesOf, type ExecuteResult, type TestStack } from '../../testkit';
import type { ListFilter } from './world';

export type Entry = typeof entries.$inferSelect;

/** How a persona calls the gateway: a staff login, or majakka's partner token. */
export const callerOf = (login: string): { as?: string; token?: string } => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });

export async function call<TData = Record<string, unknown>>(t: TestStack, login: string, query: string, variables: Record<string, unknown> = {}) {
  return t.execute<TData>({ ...callerOf(login), query, variables });
}

/** The access-log entries a request wrote (responses carry their request id in `x-request-id`). */
export async function logOf(t: TestStack, result: { headers: Record<string, string> }): Promise<Entry[]> {
  const requestId = result.headers['x-request-id'];
  if (!requestId) throw new Error('channels: response without x-request-id');
  return t.database.db.select().from(entries).where(eq(entries.requestId, requestId));
}

export type ListPage = {
  clients: {
    totalCount: number;
    nodes: { id: string }[];
    edges: { cursor: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  } | null;
};

export const LIST = /* GraphQL */ `
  query Channels($filter: ClientFilter, $first: Int, $after: String) {
    clients(filter: $filter, first: $first, after: $after) {
      totalCount nodes { id } edges { cursor } pageInfo { hasNextPage endCursor }
    }
  }
`;

export interface Walk {
  /** Every id of every page, in order. */
  ids: string[];
  /** totalCount of each page. */
  totalCounts: number[];
  pages: ExecuteResult<ListPage>[];
  /** The refused first page, if the list was refused. */
  refused?: ExecuteResult<ListPage>;
}

/** Every page of `clients(filter)` by endCursor, or the refusal of its first page. */
export async function walk(t: TestStack, login: string, filter: ListFilter | undefined, first = 100): Promise<Walk> {
  const out: Walk = { ids: [], totalCounts: [], pages: [] };
  let after: string | null = null;
  do {
    const page: ExecuteResult<ListPage> = await call<ListPage>(t, login, LIST, { filter, first, after });
    if (page.errors || !page.data?.clients) {
      if (out.pages.length === 0) return { ...out, refused: page };
      throw new Error(`channels: page ${out.pages.length + 1} of ${login}'s list failed: ${JSON.stringify(page.errors)}`);
    }
    out.pages.push(page);
    out.ids.push(...page.data.clients.nodes.map((n) => n.id));
    out.totalCounts.push(page.data.clients.totalCount);
    after = page.data.clients.pageInfo.hasNextPage ? page.data.clients.pageInfo.endCursor : null;
    if (out.pages.length > 50) throw new Error('channels: list does not end');
  } while (after);
  return out;
}

/** Every UUID in a response body (to check that no client id leaks into an answer that must be empty). */
export function uuidsIn(value: unknown): string[] {
  return JSON.stringify(value ?? null).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
}

/** The errors of a result as (code, path) pairs, for comparing two answers. */
export const errorShape = (errors: readonly GraphQLFormattedError[] | undefined) =>
  (errors ?? []).map((e) => ({ code: e.extensions?.['code'], path: (e.path ?? []).join('.'), message: e.message }));

export { codesOf };

/** A cursor decoded every way a reader might try: what it must not carry shows up in one of these. */
export function decodedCursor(cursor: string): string {
  return [
    Buffer.from(cursor, 'base64url').toString('utf8'),
    Buffer.from(cursor, 'base64url').toString('latin1'),
    Buffer.from(cursor, 'base64').toString('utf8'),
  ]
    .join('\n')
    .toLowerCase();
}
