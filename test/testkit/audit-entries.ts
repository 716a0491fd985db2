import type { TestStack } from './index';

type Page<T> = { auditEntries: { totalCount: number; nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/**
 * Every entry an auditor's `auditEntries` lists for the filter, page by page (100 a page, the most it
 * serves), with the totalCount of the last page. `fields`: the AuditEntry selection. Any error fails.
 */
export async function allAuditEntries<T>(t: TestStack, as: string, fields: string, filter: Record<string, unknown> = {}): Promise<{ totalCount: number; nodes: T[] }> {
  const query = `query ($filter: AuditFilter, $after: String) {
    auditEntries(filter: $filter, first: 100, after: $after) { totalCount nodes { ${fields} } pageInfo { hasNextPage endCursor } }
  }`;
  const nodes: T[] = [];
  let totalCount = 0;
  let after: string | null = null;
  do {
    const res: { data?: Page<T> | null; errors?: unknown } = await t.execute<Page<T>>({ as, query, variables: { filter, after } });
    if (res.errors) throw new Error(`auditEntries as ${as}: ${JSON.stringify(res.errors)}`);
    totalCount = res.data!.auditEntries.totalCount;
    nodes.push(...res.data!.auditEntries.nodes);
    after = res.data!.auditEntries.pageInfo.hasNextPage ? res.data!.auditEntries.pageInfo.endCursor : null;
  } while (after);
  return { totalCount, nodes };
}
