import { type AuditTarget, type ChannelFields, ReadChannel, recordRefusedTarget, registerOrganisationOf, relationOnlyScope, type RequestContext } from '@vartija/kit';
import type { ListScope } from './client-store';
import type { Loaders } from './loaders';

/** The client fields each argument of the client list and look-ups reads (policy v2 channels). */
export const CLIENT_CHANNELS: ChannelFields = {
  lastNamePrefix: ['lastName'],
  personalIdentityCode: ['personalIdentityCode'],
  unitId: ['relationships'],
  activeOnly: ['relationships'],
  code: ['personalIdentityCode'],
};

/** The list is sorted by the name shown: every request of it reads that. */
export const CLIENT_SORT = ['displayName'];

type Ctx = RequestContext<Loaders>;

export function clientChannel(ctx: Ctx, args: Record<string, unknown> | null | undefined, always: readonly string[] = []) {
  return new ReadChannel(ctx, 'Client', CLIENT_CHANNELS, args, always);
}

export async function listScope(ctx: Ctx, channel: ReadChannel, code?: string | null): Promise<ListScope> {
  return {
    ...(await whereOrRefuse(ctx, channel, code)),
    relationships: ctx.loaders.scope.relationship,
    rowsByRelationship: relationOnlyScope(ctx.ability, 'Client', 'relationships'),
  };
}

export const clientTarget = (row: Record<string, unknown>): AuditTarget => ({ entityType: 'Client', entityId: row['id'] as string, clientId: row['id'] as string });

/**
 * The channel's rows within the client row scope (kit ReadChannel.where); when the actor may never read the
 * field looked up by, the refusal is logged against every client of its organisation with that code before
 * FORBIDDEN goes out.
 */
export async function whereOrRefuse(ctx: Ctx, channel: ReturnType<typeof clientChannel>, code: string | null | undefined) {
  try {
    return channel.where();
  } catch (error) {
    if (code) await recordRefusedLookup(ctx, { code: normaliseCode(code) }, 'personalIdentityCode', 'PERSONAL_ID');
    throw error;
  }
}

export const normaliseCode = (code: string) => code.trim().toUpperCase();

/**
 * A look-up that found nothing the actor may see: the same answer as for an unknown target, and a DENIED entry
 * naming each client of the actor's register (registerOrganisationOf) with that id or code. A partner token's
 * look-up by id is logged whether or not the client exists (kit recordRefusedTarget); by code, nothing beyond the
 * channel's refusal: a partner reads no identity codes, so the look-up is refused whatever the code.
 */
export async function recordRefusedLookup(ctx: Ctx, by: { id: string } | { code: string }, field: string, category: string) {
  const reason = 'look-up of a client not visible to the actor';
  if ('code' in by) {
    if (ctx.actor.kind === 'PARTNER') return;
    for (const clientId of await ctx.loaders.store.clientIdsWithCode(registerOrganisationOf(ctx.actor), by.code)) {
      ctx.audit.deny({ entityType: 'Client', entityId: clientId, clientId }, { field, category }, 'READ', reason);
    }
    return;
  }
  // The id is lower-case from the argument guard, as the loader keys rows.
  const own = await ctx.loaders.ownClient.load(by.id);
  recordRefusedTarget(ctx.audit, ctx.actor, { entityType: 'Client', entityId: by.id }, own?.id ?? null, { field, category }, 'READ', reason);
}

/** The clients whose refused reference a request has logged: one DENIED entry per client and request. */
const refusedReferences = new WeakMap<object, Set<string>>();

/**
 * A reference from another subgraph's entity (an audit entry's, a document's client) that resolves to a client
 * the actor may not see: the fields asked of it come back null, and the refusal is logged DENIED naming the
 * client when it is the actor's organisation's — as a refused look-up by id is (recordRefusedLookup).
 */
export async function recordRefusedReference(ctx: Ctx, clientId: string): Promise<void> {
  let logged = refusedReferences.get(ctx.loaders);
  if (!logged) refusedReferences.set(ctx.loaders, (logged = new Set()));
  if (logged.has(clientId)) return;
  logged.add(clientId);
  if (!(await ctx.loaders.ownClient.load(clientId))) return;
  ctx.audit.deny({ entityType: 'Client', entityId: clientId, clientId }, null, 'READ', 'reference to a client not visible to the actor');
}
