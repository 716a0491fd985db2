import { ClientWriteStore } from '../client-write-store';
import type { Context } from '../context';

/**
 * A relationship written by a mutation, read back under the actor's own rules: the row only if the
 * actor's row scope still reaches it, with the grants it is visible through.
 */
export async function relationshipAnswer(ctx: Context, id: string): Promise<NonNullable<Awaited<ReturnType<Context["loaders"]["relationships"]["load"]>>>[number] | null> {
  const row = await new ClientWriteStore(ctx.db).relationship(id);
  const visible = row ? (await ctx.loaders.relationships.clear(row.clientId).load(row.clientId)).find((r) => r.id === id) : undefined;
  return visible ?? null;
}
