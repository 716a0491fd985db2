import type { Cursor, CursorCodec } from './cursor';
import { badInput } from './errors';

export { type Cursor, type CursorBinding, CursorCodec, cursorCodec, generateCursorSecret, parseCursorSecret, setCursorSecret } from './cursor';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: () => Promise<number>;
}

/**
 * Builds a connection from `size + 1` fetched rows: the extra row only tells that there is a next
 * page. Cursors are sealed by `cursors` (the list's codec for this user and filter).
 */
export function toConnection<T>(
  rows: T[],
  size: number,
  cursorOf: (row: T) => Cursor,
  totalCount: () => Promise<number>,
  cursors: CursorCodec,
): Connection<T> {
  const nodes = rows.slice(0, size);
  // Sealed when asked for, once per row: a page that selects only nodes encrypts nothing.
  const edges = nodes.map((node) => {
    let cursor: string | undefined;
    return {
      node,
      get cursor() {
        return (cursor ??= cursors.encode(cursorOf(node)));
      },
    };
  });
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount,
  };
}
