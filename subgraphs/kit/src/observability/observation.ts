import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import type { Actor } from '../actor';
import type { KnownOperationNames } from './operation-names';
import { actorPseudonym } from './request-log';

/**
 * What the request log, the metrics and the server span say about one request, filled in as it is
 * handled: the HTTP layer opens it, the GraphQL layer names the operation, the actor and the outcome.
 */
export interface Observation {
  service: string;
  /** The id the client is told (`x-request-id`) and the access log records. */
  requestId: string;
  route: 'graphql' | 'documents' | 'other';
  /**
   * undefined: not known (no GraphQL request, or refused before it was admitted); null: an anonymous
   * operation; else a name the register knows, or `(unlisted)` (operation-names.ts): never another
   * name a caller chose.
   */
  operationName?: string | null | undefined;
  /** Set by the HTTP layer when it answers itself (a refusal before GraphQL, the drain). */
  outcome?: string;
  /**
   * The GraphQL answer's outcome, `ok` or the first error's code, read once the request has ended:
   * Apollo Server runs the plugins' willSendResponse hooks together, so the fail-closed access log
   * may still replace the answer while this plugin's hook runs.
   */
  graphqlOutcome?: () => string;
  /** Pseudonym of the actor (request-log.ts), never the id or login. */
  actor?: string;
  actorKind?: string;
  logger: Logger;
}

const storage = new AsyncLocalStorage<Observation>();

export const currentObservation = (): Observation | undefined => storage.getStore();

export function runObserved<T>(observation: Observation, fn: () => T): T {
  return storage.run(observation, fn);
}

/** The current request's logger (with its request id), else `fallback`. */
export function requestLogger(fallback: Logger): Logger {
  const observation = currentObservation();
  return observation ? observation.logger.child({ requestId: observation.requestId }) : fallback;
}

/** Records who asked: a pseudonym, and (in a subgraph) the gateway's request id carried in the signed actor context. */
export function observeActor(actor: Pick<Actor, 'kind' | 'id' | 'requestId'> | undefined, takeRequestId = false): void {
  const observation = currentObservation();
  if (!observation || !actor) return;
  observation.actor = actorPseudonym(actor);
  observation.actorKind = actor.kind;
  if (takeRequestId) observation.requestId = actor.requestId;
}

export interface ObservabilityPluginOptions<Context> {
  /** Which operation names may be recorded (operation-names.ts). */
  operationNames: KnownOperationNames;
  /** A subgraph: its fetches are named `<ClientOperation>__<subgraph>__<n>`; the rule applies to the client's part. */
  subgraph?: string;
  /** A subgraph: the request id is the gateway's, from the signed actor context. */
  takeRequestId?: boolean;
  /**
   * True when another plugin has already refused the request (the gateway: an operation that is not
   * persisted, or not on the token's allowlist): its name is then never recorded.
   */
  refused?: (context: Context) => boolean;
}

/**
 * The GraphQL layer's part: the operation's name once resolved (a known one, else `(unlisted)`) and the
 * outcome of the answer. The printable documents run several operations for one request: only the HTTP
 * outcome counts there.
 */
export function observabilityPlugin<Context extends BaseContext & { actor?: Actor }>(options: ObservabilityPluginOptions<Context>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const observation = currentObservation();
      if (!observation) return;
      observeActor(contextValue?.actor, options.takeRequestId);
      if (observation.route !== 'graphql') return;
      return {
        async didResolveOperation({ operationName, contextValue: context }) {
          if (options.refused?.(context)) return;
          observation.operationName = await options.operationNames.label(operationName ?? null, options.subgraph);
        },
        async willSendResponse({ response }) {
          observation.graphqlOutcome = () => {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
            const code = errors?.[0]?.extensions?.['code'];
            return !errors?.length ? 'ok' : typeof code === 'string' ? code : 'ERROR';
          };
        },
      };
    },
  };
}
