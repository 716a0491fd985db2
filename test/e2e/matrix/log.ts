import { type Db, entries } from '@vartija/db';
import { eq } from 'drizzle-orm';
import type { Json, JsonObject, Mismatch, Step } from './evaluate';
import { type ClientFacts, type GrantCase, grantLabel, type GrantExpectations, type PersonaCase, sensitiveField } from './grants';
import type { Reach } from './query';

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object of the response that holds sensitive fields, with its lineage from the client. */
export function lineagesIn(root: JsonObject, reach: Reach): Step[][] {
  const childOf = new Map(Object.entries(reach).map(([child, { parent, via }]) => [`${parent}.${via}`, child]));
  const out: Step[][] = [];
  const walk = (lineage: Step[]) => {
    out.push(lineage);
    const holder = lineage[lineage.length - 1]!;
    for (const [key, value] of Object.entries(holder.object)) {
      const child = childOf.get(`${holder.type}.${key}`);
      if (!child || !Array.isArray(value)) continue;
      value.forEach((item, i) => {
        if (isObject(item)) walk([...lineage, { type: child, field: key, object: item, path: [...holder.path, key, i] }]);
      });
    }
  };
  walk([{ type: 'Client', field: null, object: root, path: ['client'] }]);
  return out;
}

/**
 * The access log of one request names, for every entity × field it lists as read, a grant that allowed it
 * (DESIGN §4 policy v2, §5): the entry's role and unit are those of one of the persona's grants through
 * which the entity is visible, and that grant's rule allows every field of the entry.
 */
export async function logMismatches(args: {
  db: Db;
  requestId: string | undefined;
  persona: PersonaCase;
  client: ClientFacts;
  data: { client?: Json } | null | undefined;
  reach: Reach;
  expectations: GrantExpectations;
}): Promise<{ mismatches: Mismatch[]; entries: number }> {
  const { db, requestId, persona, client, data, reach, expectations } = args;
  const out: Mismatch[] = [];
  const add = (cell: string, expected: string, got: string) => out.push({ persona: persona.login, client: client.key, cell, expected, got });
  const root = data?.client;
  if (!requestId) return { mismatches: [{ persona: persona.login, client: client.key, cell: 'log', expected: 'an x-request-id', got: 'none' }], entries: 0 };
  if (!isObject(root)) return { mismatches: out, entries: 0 };

  const objects = lineagesIn(root, reach);
  const log = (await db.select().from(entries).where(eq(entries.requestId, requestId))).filter((e) => e.outcome === 'ALLOWED' && e.action === 'READ');
  if (log.length === 0) add('log', 'entries for the fields read', 'no ALLOWED READ entry');
  for (const entry of log) {
    const what = `log ${entry.subgraph} ${entry.entityType} ${String(entry.entityId).slice(0, 8)} [${entry.fields.join(', ')}]`;
    const grant: GrantCase | undefined = persona.grants.find((g) => g.role === entry.actorRole && g.unitId === entry.unitId);
    if (!grant) {
      add(what, `a grant of ${persona.login} (${persona.grants.map(grantLabel).join(', ')})`, `role ${entry.actorRole}, unit ${entry.unitId ?? 'none'}`);
      continue;
    }
    if (entry.clientId !== client.id) add(what, `client ${client.id}`, `client ${entry.clientId}`);
    // Types without an id in the API (care days, revisions) are matched by type only.
    const ofType = objects.filter((l) => l[l.length - 1]!.type === entry.entityType);
    const byId = ofType.filter((l) => l[l.length - 1]!.object['id'] === entry.entityId);
    const candidates = byId.length > 0 ? byId : ofType;
    if (candidates.length === 0) {
      add(what, 'an entity of the response', 'not in the response');
      continue;
    }
    const allowedBy = (lineage: Step[]) =>
      expectations.grantsAlong(persona, client, lineage).some((g) => g === grant) &&
      entry.fields.every((name) => {
        const field = sensitiveField(entry.entityType, name);
        return field !== undefined && expectations.allows({ field, persona, client, grant }) === true;
      });
    if (!candidates.some(allowedBy)) {
      const seen = [...new Set(candidates.flatMap((l) => expectations.grantsAlong(persona, client, l)).map(grantLabel))];
      add(what, `named grant sees the entity and allows every field (entity visible through: ${seen.join(', ') || 'none'})`, `named ${grantLabel(grant)}`);
    }
  }
  return { mismatches: out, entries: log.length };
}
