import { clientChannel, clientTarget, normaliseCode, recordRefusedLookup, whereOrRefuse } from '../client-channels';
import type { QueryResolvers } from '../generated/resolvers-types';

/** Looking a client up by henkilötunnus reads it: only on rows whose code the actor may read, and logged. */
export const clientByPersonalIdentityCode: QueryResolvers['clientByPersonalIdentityCode'] = async (_root, { code }, ctx) => {
  const { loaders } = ctx;
  const channel = clientChannel(ctx, { code });
  const normalised = normaliseCode(code);
  const row = await loaders.store.byPersonalIdentityCode(normalised, (await whereOrRefuse(ctx, channel, normalised)).rows);
  if (!row) {
    await recordRefusedLookup(ctx, { code: normalised }, 'personalIdentityCode', 'PERSONAL_ID');
    return null;
  }
  const [found] = await loaders.grants.attach('Client', [row]);
  loaders.client.prime(found!.id, found!);
  channel.recordMatches([found!], clientTarget);
  return found!;
};
