import http from 'node:http';
import https from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { RETRY_AFTER_SECONDS, SERVER_KEEP_ALIVE_TIMEOUT_MS } from '@vartija/kit';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';

/**
 * How long the gateway keeps an idle connection to a subgraph for reuse: well under the subgraphs'
 * `SERVER_KEEP_ALIVE_TIMEOUT_MS`, so that the gateway always closes an idle connection first and never
 * writes a request into one the subgraph is closing (the ECONNRESET of the first request after a pause).
 * Node's agent also honours a shorter `Keep-Alive: timeout=…` hint from the server.
 */
export const SUBGRAPH_AGENT_IDLE_MS = 30_000;
if (SUBGRAPH_AGENT_IDLE_MS >= SERVER_KEEP_ALIVE_TIMEOUT_MS) throw new Error('the gateway must close idle subgraph connections before the subgraph does');

/** Keep-alive agents of one gateway, destroyed when it stops. */
export function subgraphAgents() {
  const options = { keepAlive: true, timeout: SUBGRAPH_AGENT_IDLE_MS, scheduling: 'lifo' as const };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** A socket error of the request itself, with whether any of the answer had arrived. */
export class SubgraphTransportError extends Error {
  constructor(
    readonly code: string | undefined,
    /** False: nothing of the answer arrived, so a query may be sent again. */
    readonly answerStarted: boolean,
    /** The request went out on a kept-alive socket (the one a server may have been closing). */
    readonly reusedSocket: boolean,
  ) {
    super(`subgraph request failed: ${code ?? 'connection error'}`);
    this.name = 'SubgraphTransportError';
  }
}

/**
 * The data source's fetcher on Node's http client with an explicit keep-alive agent (the default
 * fetcher's agent keeps idle sockets with no timeout of its own). The whole body is read before the
 * answer is returned; a failure says whether any of it had arrived.
 */
export function agentFetcher(agents: ReturnType<typeof subgraphAgents>): Fetcher {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      let answerStarted = false;
      const req = (target.protocol === 'https:' ? https : http).request(
        target,
        { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: target.protocol === 'https:' ? agents.https : agents.http },
        (res) => {
          answerStarted = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) => reject(new SubgraphTransportError(error.code, true, req.reusedSocket)));
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
            }
            const status = res.statusCode ?? 502;
            const noBody = status === 204 || status === 205 || status === 304 || status < 200;
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers }));
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => reject(new SubgraphTransportError(error.code, answerStarted, req.reusedSocket)));
      req.end(init.body);
    });
}

/** Resets that mean the request (most likely) never reached a subgraph that is up: worth one retry of a query. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
export const isResetBeforeAnswer = (error: unknown) =>
  error instanceof SubgraphTransportError && !error.answerStarted && error.code !== undefined && RESET_CODES.has(error.code);

const operationOf = (document: DocumentNode) =>
  document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

export function documentOf(document: DocumentNode | undefined, query: string | undefined): DocumentNode | undefined {
  if (document) return document;
  try {
    return query ? parse(query) : undefined;
  } catch {
    return undefined;
  }
}

/** Mutations are never sent twice; queries (also a mutation plan's entity fetches) may be. */
export const isQuery = (document: DocumentNode | undefined) => operationOf(document ?? { kind: Kind.DOCUMENT, definitions: [] })?.operation === 'query';

/** The response keys a selection set asks of an object of `typename` (through fragments), without __typename. */
function keysOf(selectionSet: SelectionSetNode, typename: string | undefined, fragments: Map<string, FragmentDefinitionNode>, out = new Set<string>()): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') out.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      if (!on || !typename || on === typename) keysOf(selection.selectionSet, typename, fragments, out);
    } else {
      const fragment = fragments.get(selection.name.value);
      const on = fragment?.typeCondition.name.value;
      if (fragment && (!typename || on === typename)) keysOf(fragment.selectionSet, typename, fragments, out);
    }
  }
  return out;
}

/**
 * The paths (in the subgraph's own answer) of the fields a fetch asks for: each root field, or for
 * an entity fetch each field of each entity (`_entities`, index, field). The gateway turns them into
 * paths of the client's answer.
 */
export function fetchPaths(document: DocumentNode | undefined, variables: Record<string, unknown> | undefined): (string | number)[][] {
  const operation = document && operationOf(document);
  if (!document || !operation) return [];
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const representations = variables?.['representations'];
  const entities = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (Array.isArray(representations) && entities?.kind === Kind.FIELD && entities.selectionSet) {
    const key = entities.alias?.value ?? '_entities';
    return representations.flatMap((representation, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      return [...keysOf(entities.selectionSet!, typeof typename === 'string' ? typename : undefined, fragments)].map((field) => [key, index, field]);
    });
  }
  return [...keysOf(operation.selectionSet, undefined, fragments)].map((field) => [field]);
}

/** Codes a subgraph's refusal keeps when the gateway passes it on; anything else becomes SERVICE_UNAVAILABLE. */
const PASSED_ON = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_REQUEST', 'BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE', 'AUDIT_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'RATE_LIMITED']);

/**
 * A subgraph fetch that failed as a whole (no answer, an HTTP error, an answer that is not GraphQL)
 * as a GraphQL answer the gateway can merge: no data, and one error per field the fetch asked for,
 * each with its path, the service's name and a code. The other subgraphs' data stays in the answer.
 */
export function failedFetch(serviceName: string, error: unknown, paths: (string | number)[][]): GatewayGraphQLResponse {
  const { code, message, extensions } = describeFailure(serviceName, error);
  const one = (path?: (string | number)[]): GraphQLFormattedError => ({
    message,
    ...(path ? { path } : {}),
    extensions: { ...extensions, code, serviceName },
  });
  return { errors: paths.length > 0 ? paths.map(one) : [one()] };
}

function describeFailure(serviceName: string, error: unknown): { code: string; message: string; extensions: Record<string, unknown> } {
  const unavailable = (reason: string) => ({
    code: 'SERVICE_UNAVAILABLE',
    message: `Service unavailable: ${reason}, so this part of the answer is missing. Try again in a few seconds; if it persists, report it with the request id.`,
    extensions: { dependency: `${serviceName} service`, reason, retryAfterSeconds: RETRY_AFTER_SECONDS },
  });
  if (error instanceof SubgraphTransportError) {
    return unavailable(
      error.code === 'ECONNREFUSED'
        ? `the ${serviceName} service is not running (connection refused)`
        : `the connection to the ${serviceName} service was lost (${error.code ?? 'connection error'})`,
    );
  }
  // RemoteGraphQLDataSource.errorFromResponse: a subgraph answered with an HTTP error status.
  const response = (error as { extensions?: { response?: { status?: number; body?: unknown } } })?.extensions?.response;
  if (response) {
    const first = (response.body as { errors?: GraphQLFormattedError[] } | undefined)?.errors?.[0];
    const subgraphCode = first?.extensions?.['code'];
    if (typeof subgraphCode === 'string' && PASSED_ON.has(subgraphCode) && typeof first?.message === 'string') {
      const { code: _code, ...rest } = first.extensions ?? {};
      return { code: subgraphCode, message: first.message, extensions: rest };
    }
    return unavailable(`the ${serviceName} service answered HTTP ${response.status ?? 'error'}`);
  }
  return unavailable(`the ${serviceName} service gave an answer that is not GraphQL`);
}

/**
 * A subgraph answer whose data is null and whose errors name no path (a fail-closed AUDIT_UNAVAILABLE,
 * a refusal before execution): the errors are repeated at the paths of the fields the fetch asked for,
 * so that the client learns which part of its answer is missing.
 */
export function withPaths(response: GatewayGraphQLResponse, pathsOf: () => (string | number)[][]): GatewayGraphQLResponse {
  if (response.data || !response.errors?.some((error) => !error.path)) return response;
  const paths = pathsOf();
  if (paths.length === 0) return response;
  const errors = response.errors.flatMap((error) => (error.path ? [error] : paths.map((path) => ({ ...error, path }))));
  return { ...response, errors };
}

/** How a subgraph fetch went, for the fetch-latency metric: `ok`, or the code of its first error. */
export function fetchOutcome(response: GatewayGraphQLResponse): string {
  const code = response.errors?.[0]?.extensions?.['code'];
  return !response.errors?.length ? 'ok' : typeof code === 'string' ? code : 'ERROR';
}
