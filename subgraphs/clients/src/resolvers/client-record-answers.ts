import type { Context } from '../context';
import type { CommissionModel, ConsentModel, GuardianModel } from '../models';

/**
 * The answers of the client-record writes, read back under the caller's read rules (null when the caller
 * may not see the record): a guardian as part of its client, consents and commissions through their scopes.
 */
export async function guardianAnswer(ctx: Context, clientId: string, id: string): Promise<GuardianModel | null> {
  const { loaders } = ctx;
  const client = await loaders.client.clear(clientId).load(clientId);
  if (!client) return null;
  const guardian = (await loaders.guardians.clear(clientId).load(clientId)).find((g) => g.id === id);
  return guardian ? loaders.grants.inherit(client, [guardian])[0]! : null;
}

export async function consentAnswer(ctx: Context, clientId: string, id: string): Promise<ConsentModel | null> {
  return (await ctx.loaders.consents.clear(clientId).load(clientId)).find((c) => c.id === id) ?? null;
}

export async function commissionAnswer(ctx: Context, clientId: string, id: string): Promise<CommissionModel | null> {
  return (await ctx.loaders.commissions.clear(clientId).load(clientId)).find((c) => c.id === id) ?? null;
}
