import { type DocumentNode, Kind } from 'graphql';
import type { SensitiveCategory, SensitiveField } from './sensitive';

/** Reads `@sensitive(category:)` from SDL (a subgraph's or the composed supergraph's). */
export function sensitiveFieldsOfDocument(document: DocumentNode): SensitiveField[] {
  const found: SensitiveField[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === 'sensitive');
      const arg = directive?.arguments?.find((a) => a.name.value === 'category');
      if (arg?.value.kind === Kind.ENUM) {
        found.push({ type: definition.name.value, field: field.name.value, category: arg.value.value as SensitiveCategory });
      }
    }
  }
  return found;
}
