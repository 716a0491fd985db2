import { randomUUID } from 'node:crypto';
import type { Db } from '@vartija/db';
import { type Actor, type AuditedWrite, AuditRecorder, audited, badInput, conflict, DbAuditSink, defineAbilityFor, type RequestContext, RowGrants } from '@vartija/kit';
import { AccessAdminService } from './access-admin-service';
import { AccessAdminStore } from './access-admin-store';

export interface SystemOperator {
  /** The organisation administered: the CLI acts as its registrar. */
  organisationId: string;
  /** Who ran the command (e.g. the OS user), named in the log's actor id as `cli:<operator>`. */
  operator: string;
  /** The command, named in the log as the operation. */
  command: string;
  /** The command line tool, named in the log's operation (default `npm run users`). */
  tool?: string;
}

/**
 * The `npm run users` CLI's path into the same service as the GraphQL mutations: a SYSTEM actor
 * (actorKind SYSTEM in the log, actor id `cli:<operator>`) holding the REGISTRAR rules of the one
 * organisation it administers — so the policy module decides for the CLI too, and every change is
 * logged in its own transaction through the same audited write.
 */
export function runAsSystem<T>(db: Db, operator: SystemOperator, work: (service: AccessAdminService) => Promise<T>): Promise<T> {
  return systemWrite(db, operator, (w) => work(new AccessAdminService(w)));
}

/** One audited write as the SYSTEM actor of `operator` (also the partner-token CLI's path, api-token-system.ts). */
export function systemWrite<T>(db: Db, operator: SystemOperator, work: (w: AuditedWrite) => Promise<T>): Promise<T> {
  const actor: Actor = {
    // Not a signed-in user or a partner: the log and the history name it SYSTEM.
    kind: 'SYSTEM' as Actor['kind'],
    id: `cli:${operator.operator}`,
    login: null,
    organisationId: operator.organisationId,
    grants: [
      {
        id: `system:${operator.organisationId}`,
        role: 'REGISTRAR',
        organisationId: operator.organisationId,
        unitId: null,
        validFrom: new Date().toISOString(),
        validUntil: null,
        visibilityWindowMonths: null,
      },
    ],
    scopes: [],
    purpose: 'REGISTER_ADMINISTRATION',
    emergency: false,
    intent: 'VIEW',
    requestId: randomUUID(),
    operationName: `${operator.tool ?? 'npm run users'} -- ${operator.command}`,
    callerAddress: null,
  };
  const ctx: RequestContext<undefined> = {
    actor,
    ability: defineAbilityFor(actor),
    grants: new RowGrants(db, actor),
    loaders: undefined,
    audit: new AuditRecorder(actor, 'clients', new DbAuditSink(db)),
    db,
    now: () => new Date(),
  };
  return audited(ctx, work);
}

export interface NewOrganisation {
  code: string;
  name: string;
  kind: 'WELFARE_REGION' | 'SERVICE_PROVIDER';
  businessId?: string | null;
}

/**
 * A new deployment's first organisation (rekisterinpitäjä): only from the CLI, whose operator holds the
 * database itself. Logged as a SYSTEM CREATE of the Organisation, in the same transaction.
 */
export async function createOrganisation(db: Db, input: NewOrganisation, operator: Omit<SystemOperator, 'organisationId'>) {
  if (!/^[a-z0-9][a-z0-9-]{1,63}$/.test(input.code)) throw badInput('code', "use 2–64 lowercase letters, digits and '-'");
  if (!input.name.trim()) throw badInput('name', 'must not be empty');
  const id = randomUUID();
  return systemWrite(db, { ...operator, organisationId: id }, async (w) => {
    const store = new AccessAdminStore(w.tx);
    if (await store.organisationByCode(input.code)) throw conflict(`An organisation with code ${input.code} exists already.`);
    const row = await store.insertOrganisation({ id, code: input.code, name: input.name.trim(), kind: input.kind, businessId: input.businessId ?? null });
    w.change({ entityType: 'Organisation', entityId: id, clientId: null }, ['code', 'name', 'kind'], 'CREATE');
    return row;
  });
}
