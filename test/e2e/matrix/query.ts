import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SensitiveField } from '@vartija/kit';
import { buildSchema, getNamedType, type GraphQLObjectType, isLeafType, isListType, isNonNullType, isObjectType } from 'graphql';

/** The public schema of the gateway: the matrix query is built from it, not written by hand. */
export const API_SCHEMA = buildSchema(readFileSync(path.join(__dirname, '..', '..', '..', 'gateway', 'api-schema.graphql'), 'utf8'));

/** How a type that holds sensitive fields is reached from `Client`: its parent type and the list field leading there. */
export type Reach = Readonly<Record<string, { parent: string; via: string }>>;

/** One step from a parent object into a list of child objects: `type.field`. */
export interface Hop {
  type: string;
  field: string;
}

export interface MatrixPlan {
  /** `query PolicyMatrix($id: ID!) { client(id: $id) { … every sensitive field … } }` */
  query: string;
  /** Per type: the hops from `Client` (empty for `Client` itself). */
  chains: ReadonlyMap<string, readonly Hop[]>;
  /** The sensitive fields the query asks for. */
  fields: readonly SensitiveField[];
  /** Sensitive fields that exist in the catalogue but that the query cannot reach, with the reason. */
  unreachable: readonly { cell: string; category: string; reason: string }[];
}

const unwrapList = (type: unknown): boolean => {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
};

/** A sub-selection for an object-typed field that is not itself a way into a checked type. */
function leafSelection(type: GraphQLObjectType): string {
  const fields = type.getFields();
  if ('id' in fields) return '__typename id';
  const scalars = Object.values(fields).filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => isNonNullType(a.type) === false));
  return ['__typename', ...scalars.map((f) => f.name)].join(' ');
}

/**
 * Builds the one query that asks for every sensitive field of the catalogue, reaching nested types through
 * `reach`. Every catalogue entry either ends up in the query or in `unreachable` (which fails the matrix).
 */
export function planMatrixQuery(catalogue: readonly SensitiveField[], reach: Reach): MatrixPlan {
  const unreachable: { cell: string; category: string; reason: string }[] = [];
  const byType = new Map<string, SensitiveField[]>();
  for (const f of catalogue) byType.set(f.type, [...(byType.get(f.type) ?? []), f]);
  const sensitive = new Set(catalogue.map((f) => `${f.type}.${f.field}`));

  // Hops: parent.via → child type; validated against the API schema and the catalogue.
  const childVia = new Map<string, string>();
  const brokenReach = new Map<string, string>();
  for (const [child, { parent, via }] of Object.entries(reach)) {
    const parentType = API_SCHEMA.getType(parent);
    const field = isObjectType(parentType) ? parentType.getFields()[via] : undefined;
    if (!field) brokenReach.set(child, `REACH: ${parent}.${via} is not in the API schema`);
    else if (getNamedType(field.type).name !== child) brokenReach.set(child, `REACH: ${parent}.${via} is not a ${child}`);
    else if (!unwrapList(field.type)) brokenReach.set(child, `REACH: ${parent}.${via} is not a list`);
    else if (!sensitive.has(`${parent}.${via}`)) brokenReach.set(child, `REACH: ${parent}.${via} is not a sensitive field`);
    else childVia.set(`${parent}.${via}`, child);
  }

  const chains = new Map<string, Hop[]>();
  const chainOf = (type: string, seen: string[] = []): Hop[] | string => {
    if (type === 'Client') return [];
    if (seen.includes(type)) return `REACH has a cycle through ${type}`;
    const step = reach[type];
    if (!step) return `no way to reach ${type} from Client: add it to REACH`;
    const broken = brokenReach.get(type);
    if (broken) return broken;
    const parentChain = chainOf(step.parent, [...seen, type]);
    if (typeof parentChain === 'string') return parentChain;
    return [...parentChain, { type: step.parent, field: step.via }];
  };

  const reachable: SensitiveField[] = [];
  for (const [type, fields] of byType) {
    const chain = chainOf(type);
    const objectType = API_SCHEMA.getType(type);
    for (const f of fields) {
      const cell = `${f.type}.${f.field}`;
      if (typeof chain === 'string') unreachable.push({ cell, category: f.category, reason: chain });
      else if (!isObjectType(objectType)) unreachable.push({ cell, category: f.category, reason: `${type} is not an object type of the API schema` });
      else if (!objectType.getFields()[f.field]) unreachable.push({ cell, category: f.category, reason: `${cell} is not in the API schema` });
      else reachable.push(f);
    }
    if (typeof chain !== 'string') chains.set(type, chain);
  }
  const reachableByType = new Map<string, SensitiveField[]>();
  for (const f of reachable) reachableByType.set(f.type, [...(reachableByType.get(f.type) ?? []), f]);

  const selectionOf = (typeName: string): string => {
    const objectType = API_SCHEMA.getType(typeName) as GraphQLObjectType;
    const own = objectType.getFields();
    const parts = typeName === 'Client' ? ['id'] : ['__typename', ...('id' in own ? ['id'] : [])];
    for (const f of reachableByType.get(typeName) ?? []) {
      const named = getNamedType(own[f.field]!.type);
      const child = childVia.get(`${typeName}.${f.field}`);
      if (child) parts.push(`${f.field} { ${selectionOf(child)} }`);
      else if (isObjectType(named)) parts.push(`${f.field} { ${leafSelection(named)} }`);
      else if (isLeafType(named)) parts.push(f.field);
      else parts.push(`${f.field} { __typename }`);
    }
    return parts.join(' ');
  };

  return {
    query: `query PolicyMatrix($id: ID!) { client(id: $id) { ${selectionOf('Client')} } }`,
    chains,
    fields: reachable,
    unreachable,
  };
}
