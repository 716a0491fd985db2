import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { type AppAbility, auditTargetOf, cachedAbilityFor, perAbility, SENSITIVE_FIELDS, type Subject } from '@vartija/kit';
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { askedResponseKeys } from './executed-selection';
import type { GatewayContext } from './gateway-server';

const MARKER = 'vartijaForbidden_';
const SENSITIVE = new Set(SENSITIVE_FIELDS.map((f) => `${f.type}.${f.field}`));

export interface Removed {
  type: string;
  field: string;
  responseKey: string;
  /** The placeholder selects the entity's id (else `__typename`). */
  carriesId: boolean;
}

/**
 * Replaces every field the actor may never read (no rule allows it, whatever the row) by an
 * aliased `__typename`, so that such data is never fetched from a subgraph. The aliases are
 * turned back into `null` + FORBIDDEN at their paths after execution.
 */
export function removeForbiddenFields(
  document: DocumentNode,
  schema: GraphQLSchema,
  ability: AppAbility,
): { document: DocumentNode; removed: Map<string, Removed> } {
  const removed = new Map<string, Removed>();
  const typeInfo = new TypeInfo(schema);
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node): FieldNode | undefined {
        if (node.alias?.value.startsWith(MARKER)) {
          throw new GraphQLError(`Aliases starting with ${MARKER} are reserved.`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        const parent = typeInfo.getParentType();
        if (!parent) return undefined;
        const field = node.name.value;
        // On an interface or union, the field is removed if any type that can stand there forbids it.
        const candidates = isObjectType(parent) ? [parent] : schema.getPossibleTypes(parent);
        const denied = candidates.find(
          (type) => SENSITIVE.has(`${type.name}.${field}`) && !ability.can('read', type.name as Subject, field),
        );
        if (!denied) return undefined;
        const alias = `${MARKER}${removed.size}`;
        // The entity's id in place of the field names the target of the refusal in the access log.
        const hasId = (isObjectType(parent) || isInterfaceType(parent)) && parent.getFields()['id'] !== undefined;
        removed.set(alias, { type: denied.name, field, responseKey: node.alias?.value ?? field, carriesId: hasId });
        return {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: alias },
          name: { kind: Kind.NAME, value: hasId ? 'id' : '__typename' },
          // @skip / @include stay: a field the operation skips is not refused (and its variables stay used).
          ...(node.directives?.length ? { directives: node.directives } : {}),
        };
      },
    }),
  );
  return { document: rewritten, removed };
}

/** A document with the actor's never-readable fields replaced, and the plan-cache key of the result. */
interface Rewrite {
  document: DocumentNode;
  removed: ReadonlyMap<string, Removed>;
  /** The rewritten document's own query hash; null when nothing was removed (the original stands). */
  queryHash: string | null;
}

/**
 * The sensitive fields an ability may never read, as one key: the rewrite depends on nothing else of the
 * ability, so actors (and purposes, intents) with the same denials share one rewrite of a document.
 */
const deniedKeys = perAbility<string>();
const deniedKeyOf = (ability: AppAbility): string =>
  deniedKeys(ability, 'gateway field guard', () =>
    SENSITIVE_FIELDS.filter((f) => !ability.can('read', f.type as Subject, f.field))
      .map((f) => `${f.type}.${f.field}`)
      .join(','),
  );

/** At most this many denial sets per document, and rewrites of at most this many fields, are kept: the rest are redone. */
const MAX_KEPT_PER_DOCUMENT = 8;
const MAX_KEPT_REMOVALS = 256;

/**
 * Rewrites kept per schema, parsed document (Apollo Server's document store hands the same object to every
 * request with the same query, and lets it go when it evicts it) and set of denied fields, so that a repeated
 * page is not walked and printed again. Bounded: what a caller can vary (purpose, intent) does not multiply
 * the copies, and a huge rewrite is not kept.
 */
const rewrites = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Rewrite>>>();

export function rewriteFor(document: DocumentNode, schema: GraphQLSchema, ability: AppAbility): Rewrite {
  let bySchema = rewrites.get(schema);
  if (!bySchema) rewrites.set(schema, (bySchema = new WeakMap()));
  let byDenials = bySchema.get(document);
  if (!byDenials) bySchema.set(document, (byDenials = new Map()));
  const denied = deniedKeyOf(ability);
  const kept = byDenials.get(denied);
  if (kept) return kept;
  const result = removeForbiddenFields(document, schema, ability);
  const rewrite: Rewrite = {
    document: result.document,
    removed: result.removed,
    queryHash: result.removed.size === 0 ? null : createHash('sha256').update(print(result.document)).digest('hex'),
  };
  if (byDenials.size < MAX_KEPT_PER_DOCUMENT && result.removed.size <= MAX_KEPT_REMOVALS) byDenials.set(denied, rewrite);
  return rewrite;
}

/** A removed field met in the response: which entity it was asked of (its id, when the type has one). */
export interface Refusal {
  removed: Removed;
  entityId: string | null;
}

/**
 * Puts `null` where a removed field was asked for, keeping key order, and one FORBIDDEN error per path.
 * `refusals` receives each occurrence with the entity it was asked of.
 */
export function restoreForbiddenFields(data: unknown, removed: ReadonlyMap<string, Removed>, refusals: Refusal[] = []): GraphQLFormattedError[] {
  const errors: GraphQLFormattedError[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const hit = removed.get(key);
      if (hit) {
        if (!(hit.responseKey in out)) out[hit.responseKey] = null;
        refusals.push({ removed: hit, entityId: hit.carriesId && typeof inner === 'string' ? inner : null });
        errors.push({
          message: `Not allowed to read ${hit.type}.${hit.field}`,
          path: [...path, hit.responseKey],
          extensions: { code: 'FORBIDDEN' },
        });
      } else {
        out[key] = walk(inner, [...path, key]);
      }
    }
    return out;
  };
  if (data && typeof data === 'object') {
    const restored = walk(data, []) as Record<string, unknown>;
    for (const key of Object.keys(data)) delete (data as Record<string, unknown>)[key];
    Object.assign(data, restored);
  }
  return errors;
}

/** The gateway-level field policy (DESIGN.md §3 step 2) as an Apollo Server plugin. */
export function fieldGuardPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let removed: ReadonlyMap<string, Removed> = new Map();
      // An operation refused before execution (cost, rate limit) fetched nothing: nothing to restore or log.
      let executed = false;
      return {
        async didResolveOperation(requestContext) {
          const { contextValue, schema } = requestContext;
          const ability = cachedAbilityFor(contextValue.actor);
          contextValue.ability = ability;
          const rewrite = rewriteFor(requestContext.document, schema, ability);
          removed = rewrite.removed;
          if (rewrite.queryHash === null) return;
          // The plan cache is keyed by the query hash: a rewritten document must not share the original's plan.
          const mutable = requestContext as unknown as { document: DocumentNode; queryHash: string };
          mutable.document = rewrite.document;
          mutable.queryHash = rewrite.queryHash;
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ contextValue, response, schema, document, operationName, request }) {
          if (!executed || removed.size === 0 || response.body.kind !== 'single') return;
          const single = response.body.singleResult;
          const refusals: Refusal[] = [];
          const errors = restoreForbiddenFields(single.data, removed, refusals);
          if (errors.length > 0) single.errors = [...(single.errors ?? []), ...errors];
          // DENIED entries name the entity each refused field was asked of (the client, for Client fields);
          // a field the operation asked where no entity came back is logged once without a target. A field of
          // another operation in the document, or one skipped by @skip / @include, was not asked: no entry.
          const met = new Set(refusals.map((r) => r.removed));
          const unmet = [...removed].filter(([, r]) => !met.has(r));
          const asked = unmet.length > 0 && document ? askedResponseKeys(schema, document, operationName, request.variables, MARKER) : null;
          const targets = [
            ...refusals.map((r) => ({ r: r.removed, id: r.entityId })),
            ...unmet.filter(([alias]) => asked === null || asked.has(alias)).map(([, r]) => ({ r, id: null })),
          ];
          for (const { r, id } of targets) {
            contextValue.audit?.deny(auditTargetOf(r.type, { id }), { field: r.field, category: categoryOf(r) }, 'READ', 'field never readable by the actor');
          }
        },
      };
    },
  };
}

const categoryOf = (r: Removed) => SENSITIVE_FIELDS.find((f) => f.type === r.type && f.field === r.field)?.category ?? 'IDENTITY';
