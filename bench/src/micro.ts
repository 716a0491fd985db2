import { subject } from '@casl/ability';
import { type Database, DEMO } from '@vartija/db';
import { AccessStore, DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, type DevKeys, userActorOf } from '@vartija/gateway';
import {
  type Actor,
  actorSchema,
  ActorContextSigner,
  ActorContextVerifier,
  AuditRecorder,
  type AuditSink,
  type AuditTarget,
  AuditWireBatch,
  chainHash,
  chainLinkOf,
  defineAbilityFor,
  returnedAuditEntries,
  rowScope,
  storedForm,
} from '@vartija/kit';
import { signDevToken } from '@vartija/tools';
import { PgDialect } from 'drizzle-orm/pg-core';
import { importJWK, jwtVerify } from 'jose';

/**
 * Costs of the security layer's building blocks, one at a time on an idle process: microseconds
 * per operation. Multiplied by how often a request does each (the profile's counts), they say
 * where a request's CPU goes and what caching or batching could save.
 */
export interface MicroResult {
  name: string;
  usPerOp: number;
  ops: number;
}

async function measure(name: string, ops: number, fn: (i: number) => unknown): Promise<MicroResult> {
  for (let i = 0; i < Math.min(200, ops); i += 1) await fn(i);
  const start = performance.now();
  for (let i = 0; i < ops; i += 1) await fn(i);
  return { name, usPerOp: ((performance.now() - start) * 1000) / ops, ops };
}

export async function actorFor(database: Database, login: string): Promise<Actor> {
  const user = await new AccessStore(database.db).userBy('login', login);
  if (!user) throw new Error(`no user ${login}`);
  // The gateway's own mapping; the actor then goes through the subgraphs' schema, as a verified context does.
  const meta = { requestId: '00000000-0000-4000-8000-000000000000', callerAddress: '127.0.0.1', purpose: undefined, emergency: false, intent: 'VIEW' } as const;
  return actorSchema.parse({ ...userActorOf(user, meta), operationName: 'ClientPage' });
}

export async function microBenchmarks(database: Database, keys: DevKeys): Promise<MicroResult[]> {
  const actor = await actorFor(database, 'sw-child');
  const ability = defineAbilityFor(actor);
  const signer = ActorContextSigner.fromSecret(keys.actorContextSecret);
  const verifier = ActorContextVerifier.fromGatewaySecret(keys.actorContextSecret, 'clients');
  // A subgraph fetch of the client page (≈1 KB): each context names its body and is good once.
  const body = JSON.stringify({
    query: 'query ClientPage__clients__0($id:ID!){client(id:$id){__typename id displayName personalIdentityCode address{street postalCode city}relationships{unit{id name}startedOn endedOn}}}',
    variables: { id: DEMO.clients.childWelfareOpen },
    operationName: 'ClientPage__clients__0',
  }).padEnd(1024, ' ');
  const contexts = await Promise.all(Array.from({ length: 2_200 }, () => signer.sign(actor, body, { subgraph: 'clients' })));
  const request = { method: 'POST', body };
  let next = 0; // warm-up and measured loop each take unused contexts
  const staffToken = await signDevToken(keys.tokenSigning.privateJwk, 'sw-child');
  const staffKey = await importJWK(keys.tokenSigning.publicJwk, 'EdDSA');
  const dialect = new PgDialect();
  const row = {
    id: DEMO.clients.childWelfareOpen,
    organisationId: DEMO.organisations.region.id,
    addressNonDisclosure: false,
    relationships: [{ unitId: DEMO.units['child-welfare'].id, endedOn: null, responsibleWorkerId: actor.id }],
  };
  const target: AuditTarget = {
    entityType: 'Client',
    entityId: DEMO.clients.childWelfareOpen,
    clientId: DEMO.clients.childWelfareOpen,
    unitId: DEMO.units['child-welfare'].id,
    role: 'SOCIAL_WORKER',
  };
  const fields = [
    { field: 'address', category: 'CONTACT' },
    { field: 'displayName', category: 'IDENTITY' },
    { field: 'personalIdentityCode', category: 'PERSONAL_ID' },
  ];
  const unused: AuditSink = { write: () => Promise.reject(new Error('the micro benchmark writes nothing')) };
  const recorder = new AuditRecorder(actor, 'clients', unused, undefined, actor.requestId);
  for (const field of fields) recorder.record(target, field);
  const entry = recorder.take()[0]!;
  let batch = new AuditWireBatch();

  return [
    await measure('gateway: verify staff JWT (jose jwtVerify, EdDSA)', 2_000, () =>
      jwtVerify(staffToken, staffKey, { issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, algorithms: ['EdDSA'] }),
    ),
    await measure('gateway: sign actor context per fetch (HS256 JWS + body SHA-256 + jti)', 2_000, () => signer.sign(actor, body, { subgraph: 'clients' })),
    await measure('subgraph: verify actor context (HS256 JWS + body SHA-256 + zod + jti replay cache)', 2_000, () =>
      verifier.verify(contexts[next++]!, request),
    ),
    await measure('subgraph: zod parse of the actor alone', 20_000, () => actorSchema.parse(actor)),
    await measure('defineAbilityFor(sw-child)', 5_000, () => defineAbilityFor(actor)),
    await measure('rowScope(ability, Client) rendered to SQL', 5_000, () => dialect.sqlToQuery(rowScope(ability, 'Client'))),
    await measure('ability.can(read, Client row, field)', 50_000, () =>
      ability.can('read', subject('Client', { ...row }) as unknown as Record<PropertyKey, unknown>, 'personalIdentityCode'),
    ),
    await measure('audit: one entry from the recorder to the INSERT (returned form, json both ways, check, stored form, chain link, batch of 50)', 20_000, (i) => {
      for (const field of fields) recorder.record(target, field);
      const [back] = returnedAuditEntries(JSON.parse(JSON.stringify(recorder.takeReturned())), { actor, subgraph: 'clients', jti: actor.requestId });
      const { hash, values } = chainLinkOf('0'.repeat(64), i, storedForm(back!));
      batch.add(values, { prevHash: '0'.repeat(64), hash });
      // A client list's 50 entries go as one batch: its json is made once for them.
      if (batch.size < 50) return null;
      const json = batch.json();
      batch = new AuditWireBatch();
      return json;
    }),
    await measure('audit: chainHash of one entry (sha256)', 50_000, (i) => chainHash('0'.repeat(64), i, entry)),
  ];
}
