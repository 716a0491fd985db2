import { apiTokens, DEMO, type Queryable } from '@vartija/db';
import { AccessStore, partnerActorOf, type RequestMeta, userActorOf } from '@vartija/gateway';
import type { Actor } from '@vartija/kit';

const META: RequestMeta = { requestId: 'r', callerAddress: null, purpose: undefined, emergency: false, intent: 'VIEW' };

/**
 * Every demo user and every partner token in the database, as the actor the gateway makes of them (its own
 * userActorOf / partnerActorOf): for tests that build abilities and row scopes directly, below the gateway.
 */
export async function demoActors(db: Queryable): Promise<{ name: string; actor: Actor }[]> {
  const access = new AccessStore(db);
  const found: { name: string; actor: Actor }[] = [];
  for (const login of Object.keys(DEMO.users)) {
    const user = await access.userBy('login', login);
    if (user) found.push({ name: login, actor: userActorOf(user, META) });
  }
  for (const token of await db.select().from(apiTokens)) found.push({ name: `token ${token.name}`, actor: partnerActorOf(token, META) });
  return found;
}
