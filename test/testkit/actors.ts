import { apiTokens, DEMO, type Queryable } from '@vartija/db';
import { AccessStore } from '@vartija/gateway';
import type { Actor } from '@vartija/kit';

const REQUEST = { purpose: 'CLIENT_WORK', emergency: false, intent: 'VIEW', requestId: 'r', operationName: null, callerAddress: null } as const;

/**
 * Every demo user and every partner token in the database, as the actor the gateway's authenticate.ts makes of
 * them: for tests that build abilities and row scopes directly, below the gateway.
 */
export async function demoActors(db: Queryable): Promise<{ name: string; actor: Actor }[]> {
  const access = new AccessStore(db);
  const found: { name: string; actor: Actor }[] = [];
  for (const login of Object.keys(DEMO.users)) {
    const user = await access.userBy('login', login);
    if (user) found.push({ name: login, actor: { ...REQUEST, kind: 'USER', id: user.id, login, organisationId: user.organisationId, grants: user.grants, scopes: [] } });
  }
  for (const token of await db.select().from(apiTokens)) {
    found.push({
      name: `token ${token.name}`,
      actor: {
        ...REQUEST,
        purpose: 'COMMISSIONED_SERVICE',
        kind: 'PARTNER',
        id: token.id,
        login: null,
        organisationId: token.organisationId,
        issuerOrganisationId: token.issuerOrganisationId,
        grants: [],
        scopes: token.scopes as Actor['scopes'],
      },
    });
  }
  return found;
}
