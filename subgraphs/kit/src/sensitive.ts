import { defaultFieldResolver, type GraphQLSchema, isObjectType, Kind } from 'graphql';

export const SENSITIVE_CATEGORIES = [
  'IDENTITY',
  'PERSONAL_ID',
  'CONTACT',
  'FAMILY',
  'WELFARE',
  'HEALTH',
  'CASE_RECORD',
  'FINANCIAL',
] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

export interface SensitiveField {
  type: string;
  field: string;
  category: SensitiveCategory;
}

/** Reads `@sensitive(category:)` from a schema's field definitions (subgraph or supergraph). */
export function sensitiveFieldsOf(schema: GraphQLSchema): SensitiveField[] {
  const found: SensitiveField[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'sensitive');
      const arg = directive?.arguments?.find((a) => a.name.value === 'category');
      if (arg?.value.kind === Kind.ENUM) {
        found.push({ type: type.name, field: field.name, category: arg.value.value as SensitiveCategory });
      }
    }
  }
  return found;
}

export interface SensitiveFieldGuard {
  /** Throws (FORBIDDEN) when the actor may not read this field of this row; records the read otherwise. */
  beforeRead(context: unknown, source: unknown, field: SensitiveField): void;
}

/**
 * Wraps every sensitive field's resolver so that no code path returns a sensitive value without the
 * policy check and its access-log entry: resolvers cannot forget either.
 */
export function guardSensitiveFields(schema: GraphQLSchema, guard: SensitiveFieldGuard): SensitiveField[] {
  const fields = sensitiveFieldsOf(schema);
  for (const entry of fields) {
    const type = schema.getType(entry.type);
    if (!isObjectType(type)) continue;
    const field = type.getFields()[entry.field]!;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      guard.beforeRead(context, source, entry);
      return resolve(source, args, context, info);
    };
  }
  return fields;
}
