import { type ASTVisitor, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 10, maxAliases: 30, maxRootFields: 20 };

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Validation rules that bound what one operation may ask for: nesting depth (through fragments),
 * aliases (which multiply fields) and root fields. Checked before planning, so nothing is fetched.
 */
export function operationLimitRules(limits: OperationLimits = DEFAULT_LIMITS) {
  const depthRule = (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        else if (!seen.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          deepest = Math.max(deepest, depthOf(fragment?.selectionSet, new Set([...seen, selection.name.value])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > limits.maxDepth) context.reportError(limitError(`Operation is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed.`));
        const roots = node.selectionSet.selections.length;
        if (roots > limits.maxRootFields) context.reportError(limitError(`Operation selects ${roots} root fields; at most ${limits.maxRootFields} are allowed.`));
      },
    };
  };
  const aliasRule = (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > limits.maxAliases) context.reportError(limitError(`Operation uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`));
        },
      },
    };
  };
  return [depthRule, aliasRule];
}
