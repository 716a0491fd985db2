import { createMongoAbility, type MongoQuery } from '@casl/ability';
import { rulesToAST } from '@casl/ability/extra';
import type { Condition, FieldCondition } from '@ucast/mongo2js';
import * as t from '@vartija/db';
import { DB_CASING } from '@vartija/db';
import {
  and,
  type Column,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  not,
  notInArray,
  or,
  Param,
  SQL,
  sql,
  StringChunk,
} from 'drizzle-orm';
import { alias, getTableConfig, PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import { candidateName } from '../candidate-rows';
import type { AppAbility, Subject } from './ability';
import { perAbility } from './per-ability';

type AnyTable = PgTable & Record<string, unknown>;

interface Relation {
  subject: Subject;
  /** Joins the related rows (inner, aliased) to the row being filtered (outer). */
  on(outer: AnyTable, inner: AnyTable): SQL;
}

const col = (table: AnyTable, name: string) => table[name] as Column;
const toClient: Relation = { subject: 'Client', on: (o, i) => eq(col(i, 'id'), col(o, 'clientId')) };
const toCommission: Relation = { subject: 'Commission', on: (o, i) => eq(col(i, 'id'), col(o, 'commissionId')) };
const toPlacement: Relation = { subject: 'Placement', on: (o, i) => eq(col(i, 'id'), col(o, 'placementId')) };

/**
 * Conditions the policy states as one value but SQL must compute: `archivedAsOf: cutoff` holds for a
 * client with relationships, all of them ended before the cut-off (the archive; DESIGN.md §1).
 */
const VIRTUAL: Partial<Record<Subject, Record<string, (outer: AnyTable, value: unknown) => SQL>>> = {
  // Access administration: the user holds a grant (not revoked) in the unit (a MANAGER's users).
  User: {
    grantUnitIds: (o, unitId) => sql`EXISTS (SELECT 1 FROM access.grants ug WHERE ug.user_id = ${col(o, 'id')}
      AND ug.unit_id = ${unitId}::uuid AND ug.revoked_at IS NULL)`,
  },
  Client: {
    archivedAsOf: (o, cutoff) => sql`(EXISTS (SELECT 1 FROM clients.client_relationships ar WHERE ar.client_id = ${col(o, 'id')})
      AND NOT EXISTS (SELECT 1 FROM clients.client_relationships ar WHERE ar.client_id = ${col(o, 'id')}
        AND (ar.ended_on IS NULL OR ar.ended_on >= ${cutoff})))`,
    // The user is the responsible worker of one of the client's open relationships.
    responsibleWorkerIds: (o, userId) => sql`EXISTS (SELECT 1 FROM clients.client_relationships rw WHERE rw.client_id = ${col(o, 'id')}
      AND rw.ended_on IS NULL AND rw.responsible_worker_id = ${userId}::uuid)`,
  },
};

/** Which table holds each subject, and the relations policy conditions may follow (as EXISTS). */
const TABLES: Partial<Record<Subject, { table: PgTable; relations: Record<string, Relation> }>> = {
  Client: {
    table: t.clients,
    relations: {
      relationships: { subject: 'ClientRelationship', on: (o, i) => eq(col(i, 'clientId'), col(o, 'id')) },
      commissions: { subject: 'Commission', on: (o, i) => eq(col(i, 'clientId'), col(o, 'id')) },
      consents: { subject: 'Consent', on: (o, i) => eq(col(i, 'clientId'), col(o, 'id')) },
      // A partner's read rules (roles.ts commissionedFor): the client's commissions, as loaded rows carry them.
      partnerCommissions: { subject: 'Commission', on: (o, i) => eq(col(i, 'clientId'), col(o, 'id')) },
    },
  },
  ClientRelationship: { table: t.clientRelationships, relations: { client: toClient } },
  Commission: { table: t.commissions, relations: { client: toClient } },
  Consent: { table: t.consents, relations: { client: toClient } },
  Guardian: {
    table: t.guardians,
    relations: { client: toClient, partnerCommissions: { subject: 'Commission', on: (o, i) => eq(col(i, 'clientId'), col(o, 'clientId')) } },
  },
  Decision: { table: t.decisions, relations: { client: toClient, commission: toCommission } },
  Placement: { table: t.placements, relations: { client: toClient, commission: toCommission } },
  CareDay: { table: t.careDays, relations: { placement: toPlacement } },
  PaymentCommitment: { table: t.paymentCommitments, relations: { client: toClient } },
  Invoice: {
    table: t.invoices,
    relations: {
      paymentCommitment: { subject: 'PaymentCommitment', on: (o, i) => eq(col(i, 'id'), col(o, 'paymentCommitmentId')) },
    },
  },
  Restriction: { table: t.restrictions, relations: { client: toClient, placement: toPlacement } },
  AssistanceRequest: { table: t.assistanceRequests, relations: { client: toClient } },
  Medication: { table: t.medications, relations: { client: toClient, placement: toPlacement } },
  Document: { table: t.documents, relations: { client: toClient, commission: toCommission } },
  DocumentRevision: {
    table: t.documentRevisions,
    relations: { document: { subject: 'Document', on: (o, i) => eq(col(i, 'id'), col(o, 'documentId')) } },
  },
  Disclosure: { table: t.disclosures, relations: { client: toClient } },
  DataSubjectRequest: { table: t.dataSubjectRequests, relations: { client: toClient } },
  AuditEntry: {
    table: t.entries,
    relations: {
      client: toClient,
      // The partner token that wrote the entry (actor_id is the token's id for PARTNER entries).
      issuedToken: { subject: 'ApiToken', on: (o, i) => sql`${col(i, 'id')}::text = ${col(o, 'actorId')}` },
    },
  },
  ApiToken: { table: t.apiTokens, relations: {} },
  // Access administration (issue 11): users and grants of the registrar's organisation or the manager's unit.
  User: { table: t.users, relations: {} },
  Grant: { table: t.grants, relations: {} },
};

/** The table that holds a subject's rows. */
export function tableOf(subject: Subject): PgTable {
  const mapping = TABLES[subject];
  if (!mapping) throw new Error(`No table mapping for ${subject}: add it to row-scope.ts`);
  return mapping.table;
}

const FALSE = sql`FALSE`;
const TRUE = sql`TRUE`;

/**
 * The SQL condition limiting `subject`'s table to the rows the actor may access: the CASL `access`
 * rules turned into drizzle conditions, relations as EXISTS sub-queries. No rule means no rows.
 */
export function rowScope(ability: AppAbility, subject: Subject): SQL {
  return scopeOf(ability, subject, () => translateScope(ability, subject));
}

/**
 * The same condition on a loader batch's rows of the subject's table, under their name (candidateName,
 * candidate-rows.ts).
 */
export function candidateScope(ability: AppAbility, subject: Subject): SQL {
  return scopeOf(ability, `${subject} candidates`, () => translateScope(ability, subject, candidateName(tableOf(subject))));
}

const scopeOf = perAbility<SQL>();

function translateScope(ability: AppAbility, subject: Subject, as?: string): SQL {
  const ast = rulesToAST(ability, 'access', subject);
  if (!ast) return FALSE;
  const mapping = TABLES[subject];
  if (!mapping) throw new Error(`No table mapping for ${subject}: add it to row-scope.ts`);
  const table = (as ? alias(mapping.table, as) : mapping.table) as AnyTable;
  return prerendered(new Translator().translate(ast, subject, table));
}

/**
 * When every rule that lets the actor see `subject`'s rows says only "has a related row matching X" through
 * `relation` (a unit's staff: a client with a relationship with the unit), the condition on the related table
 * itself; null when any rule says more (another condition, an inverted rule, another relation). Counting the
 * distinct foreign keys of the matching related rows then counts the scoped rows from the related table's index
 * alone: each related row names exactly one row of `subject` (a NOT NULL foreign key).
 */
export function relationOnlyScope(ability: AppAbility, subject: Subject, relation: string): SQL | null {
  return relationScopeOf(ability, `${subject}.${relation}`, () => translateRelationOnly(ability, subject, relation));
}

const relationScopeOf = perAbility<SQL | null>();

function translateRelationOnly(ability: AppAbility, subject: Subject, relation: string): SQL | null {
  const target = TABLES[subject]?.relations[relation];
  const ast = rulesToAST(ability, 'access', subject);
  if (!target || !ast) return null;
  const { operator, value } = ast as { operator: string; value: unknown };
  const alternatives = operator === 'or' ? (value as Condition[]) : [ast];
  const nested: Condition[] = [];
  for (const alternative of alternatives) {
    const f = alternative as FieldCondition;
    if (f.operator !== 'elemMatch' || f.field !== relation) return null;
    nested.push(f.value as Condition);
  }
  if (nested.length === 0) return null;
  const table = TABLES[target.subject]!.table as AnyTable;
  return prerendered(new Translator().translate(nested.length === 1 ? nested[0]! : compound('or', nested), target.subject, table));
}

/** Renders parameters as markers (NUL, the index, NUL) to cut the text there. */
class MarkingDialect extends PgDialect {
  override escapeParam(index: number): string {
    return `\u0000${index}\u0000`;
  }
}
const marking = new MarkingDialect({ casing: DB_CASING });

/**
 * A scope as flat text with its parameters in place: drizzle otherwise walks the scope's whole tree
 * (columns, aliases, nested EXISTS) again in every statement it is part of (measured in bench/: about
 * half of the SQL building of a client page). Same text, same parameters, in the same order.
 */
function prerendered(scope: SQL): SQL {
  const { sql: text, params } = marking.sqlToQuery(scope);
  // NUL cannot occur in PostgreSQL text, identifiers or SQL, so it marks nothing but a parameter.
  // eslint-disable-next-line no-control-regex
  const parts = text.split(/\u0000(\d+)\u0000/);
  // Every parameter once, in order: anything else (text inlined, a marker lost) would not be the same SQL.
  if (parts.length !== 2 * params.length + 1 || parts.some((part, i) => i % 2 === 1 && Number(part) !== (i - 1) / 2)) {
    throw new Error('row scope: its parameters could not be placed in the rendered text');
  }
  return new SQL(parts.map((part, i) => (i % 2 === 0 ? new StringChunk(part) : new Param(params[Number(part)]))));
}

/**
 * Rows of `subject` matching any of `alternatives` (policy conditions, e.g. conditions.ts activeCommissionOf)
 * as SQL on its table: write services find rows with the policy's own definitions, not copies of them.
 */
export function matchingSql(subject: Subject, alternatives: MongoQuery[]): SQL {
  const ability = createMongoAbility(alternatives.map((conditions) => ({ action: 'access', subject, conditions }))) as AppAbility;
  return rowScope(ability, subject);
}

/**
 * The row scopes a subgraph's loaders use, each translated only when first needed and then reused
 * for the request: most requests touch a few of a subgraph's types, not all of them. `candidates`: on
 * loader batches' rows (candidateScope).
 */
export function lazyScopes<Names extends Record<string, Subject>>(
  ability: AppAbility,
  subjects: Names,
  on: 'table' | 'candidates' = 'table',
): { readonly [K in keyof Names]: SQL } {
  const cache = new Map<keyof Names, SQL>();
  const scopes = {} as { [K in keyof Names]: SQL };
  for (const name of Object.keys(subjects) as (keyof Names)[]) {
    Object.defineProperty(scopes, name, {
      enumerable: true,
      get() {
        let scope = cache.get(name);
        if (!scope) cache.set(name, (scope = on === 'candidates' ? candidateScope(ability, subjects[name]!) : rowScope(ability, subjects[name]!)));
        return scope;
      },
    });
  }
  return scopes;
}

const compound = (operator: 'and' | 'or', value: Condition[]) => ({ operator, value }) as unknown as Condition;
const conjunctsOf = (c: Condition): Condition[] => ((c as { operator: string }).operator === 'and' ? ((c as { value: Condition[] }).value) : [c]);

/**
 * Alternatives with their shared conjuncts taken out (compared by structure), duplicates dropped:
 * `A ∧ (X ∨ Y)` for `(A ∧ X) ∨ (A ∧ Y)`, `A` when one alternative is `A` alone. Null when nothing is shared.
 */
export function factorCommon(alternatives: Condition[]): Condition | null {
  const unique = [...new Map(alternatives.map((c) => [JSON.stringify(c), c])).values()];
  if (unique.length === 1) return unique[0]!;
  const lists = unique.map((c) => new Map(conjunctsOf(c).map((x) => [JSON.stringify(x), x])));
  const common = [...lists[0]!].filter(([key]) => lists.every((l) => l.has(key)));
  if (common.length === 0) return unique.length < alternatives.length ? compound('or', unique) : null;
  const rests = lists.map((l) => [...l].filter(([key]) => !common.some(([k]) => k === key)).map(([, c]) => c));
  const shared = common.map(([, c]) => c);
  if (rests.some((rest) => rest.length === 0)) return shared.length === 1 ? shared[0]! : compound('and', shared);
  return compound('and', [...shared, compound('or', rests.map((rest) => (rest.length === 1 ? rest[0]! : compound('and', rest))))]);
}

class Translator {
  private aliases = 0;

  translate(condition: Condition, subject: Subject, table: AnyTable): SQL {
    const { operator, value } = condition as { operator: string; value: unknown };
    if (operator === 'and' || operator === 'or') {
      const conditions = value as Condition[];
      if (conditions.length === 0) return operator === 'and' ? TRUE : FALSE;
      if (operator === 'and') return and(...conditions.map((c) => this.translate(c, subject, table)))!;
      // (A ∧ X) ∨ (A ∧ Y) = A ∧ (X ∨ Y): rules repeat their unit, grant and relation in every alternative;
      // factored out, the alternatives below meet inside one EXISTS (smaller SQL, cheaper to plan and run).
      const factored = factorCommon(conditions);
      if (factored) return this.translate(factored, subject, table);
      // Alternatives through the same relation become one EXISTS with the OR inside: PostgreSQL
      // can turn that into a semi-join, but not an OR of several EXISTS (measured in bench/).
      const parts: SQL[] = [];
      const viaRelation = new Map<string, Condition[]>();
      for (const c of conditions) {
        const f = c as FieldCondition;
        if (f.operator === 'elemMatch' && TABLES[subject]?.relations[f.field]) {
          viaRelation.set(f.field, [...(viaRelation.get(f.field) ?? []), f.value as Condition]);
        } else parts.push(this.translate(c, subject, table));
      }
      for (const [relation, nested] of viaRelation) parts.push(this.exists(subject, table, relation, nested));
      return or(...parts)!;
    }
    if (operator === 'not') {
      const inner = Array.isArray(value) ? (value as Condition[]) : [value as Condition];
      return not(and(...inner.map((c) => this.translate(c, subject, table)))!);
    }
    return this.field(condition as FieldCondition, subject, table);
  }

  /** EXISTS over a relation's rows matching any of the alternatives. */
  private exists(subject: Subject, table: AnyTable, field: string, alternatives: Condition[]): SQL {
    const relation = TABLES[subject]!.relations[field]!;
    const target = TABLES[relation.subject]!;
    this.aliases += 1;
    const name = `scope_${this.aliases}`;
    const inner = alias(target.table, name) as unknown as AnyTable;
    const { schema, name: tableName } = getTableConfig(target.table);
    const from = sql`${sql.identifier(schema ?? 'public')}.${sql.identifier(tableName)} AS ${sql.identifier(name)}`;
    const nested = this.translate(alternatives.length === 1 ? alternatives[0]! : compound('or', alternatives), relation.subject, inner);
    return sql`EXISTS (SELECT 1 FROM ${from} WHERE ${relation.on(table, inner)} AND (${nested}))`;
  }

  private field(condition: FieldCondition, subject: Subject, table: AnyTable): SQL {
    const { operator, field, value } = condition;
    if (TABLES[subject]?.relations[field]) {
      if (operator !== 'elemMatch') throw new Error(`Policy: relation ${subject}.${field} needs $elemMatch`);
      return this.exists(subject, table, field, [value as Condition]);
    }
    const virtual = VIRTUAL[subject]?.[field];
    if (virtual) {
      if (operator !== 'eq') throw new Error(`Policy: ${subject}.${field} takes a plain value`);
      return virtual(table, value);
    }
    const column = table[field] as Column | undefined;
    if (!column || typeof column !== 'object' || !('columnType' in column)) {
      // Fail closed: a condition the database cannot check must never widen access.
      throw new Error(`Policy condition on unknown field ${subject}.${field}`);
    }
    if ((column as { columnType?: string }).columnType === 'PgArray') {
      // An array field equals a value it contains (Mongo semantics, as CASL checks rows in memory), e.g. a
      // commission's partnerScopes or a consent's scope. Nothing else is translated: fail closed.
      if (operator === 'eq' && value !== null) return sql`${value} = ANY(${column})`;
      throw new Error(`Policy operator ${operator} on array field ${subject}.${field} is not supported in SQL`);
    }
    switch (operator) {
      case 'eq':
        return value === null ? isNull(column) : eq(column, value);
      case 'ne':
        return value === null ? isNotNull(column) : or(ne(column, value), isNull(column))!;
      case 'in':
        return (value as unknown[]).length === 0 ? FALSE : inArray(column, value as unknown[]);
      case 'nin':
        return (value as unknown[]).length === 0 ? TRUE : notInArray(column, value as unknown[]);
      case 'gte':
        return gte(column, value);
      case 'gt':
        return gt(column, value);
      case 'lte':
        return lte(column, value);
      case 'lt':
        return lt(column, value);
      default:
        throw new Error(`Policy operator ${operator} is not supported in SQL (${subject}.${field})`);
    }
  }
}
