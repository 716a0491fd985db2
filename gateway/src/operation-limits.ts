import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 10, maxAliases: 30, maxRootFields: 20 };

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

interface Shape {
  /** Levels of fields (fragments add none). */
  depth: number;
  /** Aliased fields, each fragment counted once per spread. */
  aliases: number;
}

/** What one operation asks for, with every fragment (named or inline, nested) expanded where it is spread. */
export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Shape & { rootFields: number } {
  // A fragment's shape is the same wherever it is spread: measured once, so that fragments spreading
  // fragments many times over cost linear time (a cycle, which validation refuses anyway, adds nothing).
  const known = new Map<string, Shape | null>();
  const fragmentShape = (name: string): Shape => {
    const memo = known.get(name);
    if (memo) return memo;
    const fragment = fragments.get(name);
    if (memo === null || !fragment) return { depth: 0, aliases: 0 };
    known.set(name, null);
    const shape = shapeOf(fragment.selectionSet);
    known.set(name, shape);
    return shape;
  };
  const shapeOf = (set: SelectionSetNode): Shape => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      const inner =
        selection.kind === Kind.FIELD
          ? selection.selectionSet
            ? shapeOf(selection.selectionSet)
            : { depth: 0, aliases: 0 }
          : selection.kind === Kind.INLINE_FRAGMENT
            ? shapeOf(selection.selectionSet)
            : fragmentShape(selection.name.value);
      const own = selection.kind === Kind.FIELD ? 1 : 0;
      depth = Math.max(depth, own + inner.depth);
      aliases += inner.aliases + (selection.kind === Kind.FIELD && selection.alias ? 1 : 0);
    }
    return { depth, aliases };
  };
  // Root fields: the distinct response keys the operation's root selection resolves to, through fragments.
  const rootKeys = new Set<string>();
  const expanded = new Set<string>();
  const collectRoot = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) rootKeys.add((selection.alias ?? selection.name).value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collectRoot(selection.selectionSet);
      else if (!expanded.has(selection.name.value)) {
        expanded.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collectRoot(fragment.selectionSet);
      }
    }
  };
  collectRoot(operation.selectionSet);
  return { ...shapeOf(operation.selectionSet), rootFields: rootKeys.size };
}

/**
 * A validation rule that bounds what one operation may ask for: nesting depth, aliases (which
 * multiply fields) and root fields, each counted with the fragments (named and inline, nested)
 * expanded where they are spread. Checked before planning, so nothing is fetched.
 */
export function operationLimitRules(limits: OperationLimits = DEFAULT_LIMITS) {
  const rule = (context: ValidationContext): ASTVisitor => {
    const fragments = new Map(context.getDocument().definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    return {
      OperationDefinition(node) {
        const { depth, aliases, rootFields } = measureOperation(node, fragments);
        if (depth > limits.maxDepth) context.reportError(limitError(`Operation is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed.`));
        if (aliases > limits.maxAliases) context.reportError(limitError(`Operation uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`));
        if (rootFields > limits.maxRootFields) {
          context.reportError(limitError(`Operation selects ${rootFields} root fields; at most ${limits.maxRootFields} are allowed.`));
        }
        return false;
      },
    };
  };
  return [rule];
}
