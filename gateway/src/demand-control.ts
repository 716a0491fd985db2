import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Actor } from '@vartija/kit';
import {
  type ArgumentNode,
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  GraphQLError,
  type GraphQLSchema,
  isCompositeType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import { isIncluded, selectedOperation } from './executed-selection';
import { type RateLimiter, staffRateLimitPlugin } from './rate-limit';

/**
 * Demand control: the static cost of an operation, computed from the operation and its variables
 * before any subgraph is called, after the IBM GraphQL cost directive specification as Apollo Router
 * and Hive Gateway implement it (`@cost`, `@listSize` in the subgraph SDL, carried by composition
 * into the supergraph):
 *
 * - an operation costs its base (mutation 10, query 0) plus the cost of its fields;
 * - a field costs `instances × (its weight + the cost of its selections) + the cost of its arguments`;
 *   its weight is its `@cost(weight:)`, else its type's `@cost`, else 1 for an object (interface,
 *   union) and 0 for a scalar or enum; `__typename` and introspection cost nothing;
 * - `instances` is 1 for a single value; for a list, the value of its slicing argument
 *   (`@listSize(slicingArguments: ["first"])`, the largest if several are given), else its
 *   `assumedSize`, else the default list size. With `sizedFields` the size applies to those child
 *   fields instead (a connection's `nodes` and `edges`);
 * - an input object argument costs 1 (or its `@cost`) plus its fields, a list argument the sum of its
 *   items, a scalar argument its `@cost` or 0;
 * - selections are summed as written: fragments (named and inline, nested) are seen through, a field
 *   selected twice is counted twice (an upper bound), `@skip` / `@include` are honoured.
 */

export interface ListSize {
  assumedSize: number | null;
  slicingArguments: string[];
  sizedFields: string[];
  requireOneSlicingArgument: boolean;
}

/** The cost directives of a schema, by coordinate. */
export interface CostModel {
  /** `@cost` on an object, scalar or enum type (or an input object: its cost as an argument). */
  typeWeights: Map<string, number>;
  /** `@cost` on a field: `Type.field`. */
  fieldWeights: Map<string, number>;
  /** `@cost` on an argument: `Type.field(argument:)`. */
  argumentWeights: Map<string, number>;
  /** `@cost` on an input field: `Input.field`. */
  inputFieldWeights: Map<string, number>;
  /** `@listSize` on a field: `Type.field`. */
  listSizes: Map<string, ListSize>;
}

export const MUTATION_BASE_COST = 10;
/** The size of a list without `@listSize` (Apollo Router's `list_size`); every list of the register has one. */
export const DEFAULT_LIST_SIZE = 10;
/**
 * The default budget (MAX_OPERATION_COST): room for a page of 100 clients with two nested lists each, or
 * a client page with every list on it, several times over; see the README (Operation limits).
 */
export const DEFAULT_MAX_OPERATION_COST = 5_000;

const COST_SPEC = 'https://specs.apollo.dev/cost/';
const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/';

/**
 * The names under which `@cost` and `@listSize` are used in a schema document: as linked (the supergraph
 * links the cost spec, a subgraph the federation spec, both possibly importing or renaming them), or
 * plainly `@cost` / `@listSize` in a schema without links.
 */
function directiveNames(document: DocumentNode): { cost: Set<string>; listSize: Set<string> } {
  const cost = new Set<string>();
  const listSize = new Set<string>();
  let linked = false;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = Object.fromEntries((link.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      const url = typeof args['url'] === 'string' ? args['url'] : '';
      const isCost = url.startsWith(COST_SPEC);
      if (!isCost && !url.startsWith(FEDERATION_SPEC)) continue;
      linked = true;
      const namespace = typeof args['as'] === 'string' ? args['as'] : isCost ? 'cost' : 'federation';
      // Without an import: `@cost` (the feature's own name) and `@cost__listSize`, or `@federation__cost` …
      cost.add(isCost ? namespace : `${namespace}__cost`);
      listSize.add(`${namespace}__listSize`);
      const imports = Array.isArray(args['import']) ? (args['import'] as unknown[]) : [];
      for (const entry of imports) {
        const name = typeof entry === 'string' ? entry : (entry as { name?: unknown })?.name;
        const as = typeof entry === 'string' ? entry : ((entry as { as?: unknown })?.as ?? name);
        if (typeof name !== 'string' || typeof as !== 'string') continue;
        if (name === '@cost') cost.add(as.replace(/^@/, ''));
        if (name === '@listSize') listSize.add(as.replace(/^@/, ''));
      }
    }
  }
  if (!linked) {
    cost.add('cost');
    listSize.add('listSize');
  }
  return { cost, listSize };
}

const argumentsOf = (directive: DirectiveNode | ConstDirectiveNode): Record<string, unknown> =>
  Object.fromEntries((directive.arguments ?? []).map((a: ArgumentNode) => [a.name.value, valueFromASTUntyped(a.value)]));

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Reads `@cost` and `@listSize` from a schema document: the supergraph, or any SDL. */
export function costModelFromSdl(sdl: string | DocumentNode): CostModel {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const names = directiveNames(document);
  const model: CostModel = {
    typeWeights: new Map(),
    fieldWeights: new Map(),
    argumentWeights: new Map(),
    inputFieldWeights: new Map(),
    listSizes: new Map(),
  };
  const weightOf = (directives: readonly ConstDirectiveNode[] | undefined): number | undefined => {
    const cost = directives?.find((d) => names.cost.has(d.name.value));
    if (!cost) return undefined;
    const weight = Number(argumentsOf(cost)['weight']);
    return Number.isFinite(weight) ? weight : undefined;
  };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives);
    if (typeWeight !== undefined) model.typeWeights.set(typeName, typeWeight);
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      const coordinate = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives);
      if (field.kind === Kind.INPUT_VALUE_DEFINITION) {
        if (weight !== undefined) model.inputFieldWeights.set(coordinate, weight);
        continue;
      }
      if (weight !== undefined) model.fieldWeights.set(coordinate, weight);
      for (const argument of field.arguments ?? []) {
        const argumentWeight = weightOf(argument.directives);
        if (argumentWeight !== undefined) model.argumentWeights.set(`${coordinate}(${argument.name.value}:)`, argumentWeight);
      }
      const listSize = field.directives?.find((d) => names.listSize.has(d.name.value));
      if (listSize) {
        const args = argumentsOf(listSize);
        const assumed = args['assumedSize'];
        model.listSizes.set(coordinate, {
          assumedSize: typeof assumed === 'number' ? assumed : assumed == null ? null : Number(assumed),
          slicingArguments: strings(args['slicingArguments']),
          sizedFields: strings(args['sizedFields']),
          requireOneSlicingArgument: args['requireOneSlicingArgument'] !== false,
        });
      }
    }
  }
  return model;
}

/** The cost directives of an executable schema built from SDL (its AST nodes), e.g. `buildSchema`. */
export function costModelFromSchema(schema: GraphQLSchema): CostModel {
  const definitions = [
    ...(schema.astNode ? [schema.astNode] : []),
    ...schema.extensionASTNodes,
    ...Object.values(schema.getTypeMap()).flatMap((type) => [...(type.astNode ? [type.astNode] : []), ...type.extensionASTNodes]),
  ];
  return costModelFromSdl({ kind: Kind.DOCUMENT, definitions });
}

export interface CostEstimateInput {
  schema: GraphQLSchema;
  model: CostModel;
  document: DocumentNode;
  /** The operation to price (or its name); the document's only one when omitted. */
  operation?: OperationDefinitionNode;
  operationName?: string | null;
  /** As sent (coerced here, defaults included). */
  variables?: Record<string, unknown> | null;
  defaultListSize?: number;
}

/** A @listSize that names slicing arguments and requires one of them, asked without exactly one. */
export class SlicingArgumentError extends GraphQLError {}

/**
 * The static cost of an operation, or `null` when it cannot be priced because its variables do not
 * coerce (execution refuses those before planning) or the operation is not in the document.
 */
export function estimateOperationCost(input: CostEstimateInput): number | null {
  const operation = input.operation ?? selectedOperation(input.document, input.operationName);
  if (!operation) return null;
  const coerced = getVariableValues(input.schema, operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors) return null;
  return new CostEstimator(input, coerced.coerced).operation(operation);
}

interface Sizing {
  fields: ReadonlySet<string>;
  size: number;
}

class CostEstimator {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** A fragment's cost depends only on the sizing its spread passes down: computed once each. */
  private readonly fragmentCosts = new Map<string, number>();
  private readonly inProgress = new Set<string>();
  private readonly schema: GraphQLSchema;
  private readonly model: CostModel;
  private readonly defaultListSize: number;

  constructor(
    input: CostEstimateInput,
    private readonly variables: Record<string, unknown>,
  ) {
    this.schema = input.schema;
    this.model = input.model;
    this.defaultListSize = input.defaultListSize ?? DEFAULT_LIST_SIZE;
    for (const definition of input.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  operation(operation: OperationDefinitionNode): number {
    const root = this.schema.getRootType(operation.operation);
    if (!root) return 0;
    const base = operation.operation === 'mutation' ? MUTATION_BASE_COST : 0;
    return base + this.selectionSet(operation.selectionSet, root, undefined);
  }

  private selectionSet(set: SelectionSetNode, parent: GraphQLCompositeType, sizing: Sizing | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (!isIncluded(selection, this.variables)) continue;
      if (selection.kind === Kind.FIELD) {
        total += this.field(selection, parent, sizing);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += this.selectionSet(selection.selectionSet, type, sizing);
      } else {
        total += this.fragment(selection.name.value, sizing);
      }
    }
    return total;
  }

  private fragment(name: string, sizing: Sizing | undefined): number {
    const key = sizing ? `${name}|${[...sizing.fields].join(',')}|${sizing.size}` : name;
    const known = this.fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
    // A cycle is invalid (validation refuses it); it adds nothing here.
    if (!fragment || !type || !isCompositeType(type) || this.inProgress.has(key)) return 0;
    this.inProgress.add(key);
    const cost = this.selectionSet(fragment.selectionSet, type, sizing);
    this.inProgress.delete(key);
    this.fragmentCosts.set(key, cost);
    return cost;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, sizing: Sizing | undefined): number {
    const name = node.name.value;
    if (name.startsWith('__')) return 0;
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const definition = parent.getFields()[name];
    if (!definition) return 0;
    const coordinate = `${parent.name}.${name}`;
    const type = getNamedType(definition.type);
    const weight = this.model.fieldWeights.get(coordinate) ?? this.model.typeWeights.get(type.name) ?? (isCompositeType(type) ? 1 : 0);
    const args = this.argumentValues(definition, node);
    const listSize = this.model.listSizes.get(coordinate);
    const size = this.listSize(coordinate, listSize, args);
    const isList = isListType(getNullableType(definition.type));
    const instances = !isList ? 1 : sizing?.fields.has(name) ? sizing.size : size;
    const childSizing = listSize?.sizedFields.length ? { fields: new Set(listSize.sizedFields), size } : undefined;
    const selections = node.selectionSet && isCompositeType(type) ? this.selectionSet(node.selectionSet, type, childSizing) : 0;
    return instances * (weight + selections) + this.argumentsCost(coordinate, definition, node, args);
  }

  private argumentValues(definition: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(definition, node, this.variables);
    } catch {
      // Validation and variable coercion have passed, so this does not happen; price without arguments.
      return {};
    }
  }

  private listSize(coordinate: string, listSize: ListSize | undefined, args: Record<string, unknown>): number {
    if (!listSize) return this.defaultListSize;
    if (listSize.slicingArguments.length > 0) {
      const values = listSize.slicingArguments
        .map((path) => path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), args))
        .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
      if (listSize.requireOneSlicingArgument && values.length !== 1) {
        throw new SlicingArgumentError(
          `${coordinate} needs exactly one of its slicing arguments (${listSize.slicingArguments.join(', ')}) to be priced.`,
          { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
        );
      }
      if (values.length > 0) return Math.max(0, ...values);
    }
    return listSize.assumedSize ?? this.defaultListSize;
  }

  private argumentsCost(coordinate: string, definition: GraphQLField<unknown, unknown>, node: FieldNode, args: Record<string, unknown>): number {
    let total = 0;
    for (const argument of node.arguments ?? []) {
      const argumentDefinition = definition.args.find((a) => a.name === argument.name.value);
      if (!argumentDefinition) continue;
      const weight = this.model.argumentWeights.get(`${coordinate}(${argument.name.value}:)`);
      total += this.inputValue(args[argument.name.value], argumentDefinition.type, weight);
    }
    return total;
  }

  private inputValue(value: unknown, type: GraphQLInputType, weight: number | undefined): number {
    if (value === null || value === undefined) return 0;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      return (weight ?? 0) + items.reduce<number>((sum, item) => sum + this.inputValue(item, nullable.ofType as GraphQLInputType, undefined), 0);
    }
    if (isInputObjectType(nullable)) {
      const fields = nullable.getFields();
      let total = weight ?? this.model.typeWeights.get(nullable.name) ?? 1;
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[key];
        if (field) total += this.inputValue(inner, field.type, this.model.inputFieldWeights.get(`${nullable.name}.${key}`));
      }
      return total;
    }
    return weight ?? this.model.typeWeights.get(nullable.name) ?? 0;
  }
}

export interface DemandControlOptions {
  /** The highest estimated cost an operation may have (MAX_OPERATION_COST). */
  maxOperationCost?: number;
  /** The size of a list field without `@listSize`. */
  defaultListSize?: number;
  /** Told of each refusal (the gateway's cost-refusal metric). */
  onRefused?: () => void;
}

export function costTooExpensive(estimated: number, max: number): GraphQLError {
  const shown = Number.isFinite(estimated) ? Math.min(Math.round(estimated), Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  return new GraphQLError(
    `Operation estimated cost ${shown} exceeds the maximum of ${max}: ask for fewer items (e.g. a smaller \`first\`), fewer nested lists or fewer aliases, or page through the list.`,
    { extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', estimatedCost: shown, maxCost: max, http: { status: 400 } } },
  );
}

/**
 * Prices each operation against the supergraph's cost directives once it is resolved, before the
 * gateway plans it or calls any subgraph, and refuses one over the budget (COST_ESTIMATED_TOO_EXPENSIVE,
 * with the estimate and the budget). Register it before any plugin that acts on the operation (the
 * field guard), so that nothing of a refused operation is fetched or logged.
 */
export function demandControlPlugin<Context extends BaseContext>(options: DemandControlOptions = {}): ApolloServerPlugin<Context> {
  const maxCost = options.maxOperationCost ?? DEFAULT_MAX_OPERATION_COST;
  let model: CostModel | undefined;
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          // The API schema has no directive applications: the supergraph has them (a plain server: its SDL).
          model = coreSupergraphSdl ? costModelFromSdl(coreSupergraphSdl) : costModelFromSchema(apiSchema);
        },
      };
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          if (!operation) return;
          const estimated = estimateOperationCost({
            schema,
            model: model ?? costModelFromSchema(schema),
            document,
            operation,
            variables: request.variables ?? {},
            ...(options.defaultListSize !== undefined ? { defaultListSize: options.defaultListSize } : {}),
          });
          if (estimated !== null && estimated > maxCost) {
            options.onRefused?.();
            throw costTooExpensive(estimated, maxCost);
          }
        },
      };
    },
  };
}

export interface GatewayLimits extends DemandControlOptions {
  /** Requests per minute per staff user (STAFF_RATE_LIMIT_PER_MINUTE); none when unset or 0. */
  staffRateLimitPerMinute?: number;
}

/** The gateway's per-user rate limit and demand control, in the order they apply. */
export function limitPlugins<Context extends BaseContext & { actor?: Actor; token?: unknown }>(
  limiter: RateLimiter,
  limits: GatewayLimits = {},
): ApolloServerPlugin<Context>[] {
  const staff = limits.staffRateLimitPerMinute ? [staffRateLimitPlugin<Context>(limiter, limits.staffRateLimitPerMinute)] : [];
  return [...staff, demandControlPlugin<Context>(limits)];
}
