import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { persistedOperations, type Queryable } from '@vartija/db';
import { eq, or } from 'drizzle-orm';
import { GraphQLError, visit } from 'graphql';
import type { GatewayContext } from './gateway-server';

export interface PersistedOperation {
  id: string;
  sha256: string;
  document: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Trusted documents registered by the region; immutable, so cached once read. */
export class PersistedOperationStore {
  private readonly cache = new Map<string, PersistedOperation>();

  constructor(private readonly db: Queryable) {}

  async find(idOrHash: string): Promise<PersistedOperation | null> {
    const hit = this.cache.get(idOrHash);
    if (hit) return hit;
    const [row] = await this.db
      .select({ id: persistedOperations.id, sha256: persistedOperations.sha256, document: persistedOperations.document })
      .from(persistedOperations)
      .where(or(eq(persistedOperations.id, idOrHash), eq(persistedOperations.sha256, idOrHash)));
    if (!row) return null;
    this.cache.set(row.id, row).set(row.sha256, row);
    return row;
  }

  async register(id: string, document: string, operationName: string | null): Promise<PersistedOperation> {
    const op = { id, sha256: sha256(document), document };
    await this.db
      .insert(persistedOperations)
      .values({ ...op, operationName })
      .onConflictDoNothing();
    return op;
  }
}

const refuse = (message: string, code: string, status: number) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/** Persisted-operation ids as `registerPersistedOperation` accepts them; hashes as SHA-256 hex. */
const OPERATION_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Why an `extensions.operationId` / `persistedQuery.sha256Hash` cannot name an operation, or null. */
function malformedKey(isOperationId: boolean, key: unknown): string | null {
  if (isOperationId) {
    return typeof key === 'string' && OPERATION_ID.test(key) ? null : 'extensions.operationId must be 1–100 letters, digits, and _ . : -';
  }
  return typeof key === 'string' && SHA256_HEX.test(key) ? null : 'extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits';
}

/**
 * Partner tokens with an allowlist run only their persisted operations, sent as
 * `extensions.persistedQuery.sha256Hash` or `extensions.operationId`; introspection is off for
 * every partner token and validation errors do not suggest field names.
 */
export function persistedOperationsPlugin(store: PersistedOperationStore): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const token = contextValue.token;
      if (!token) return;
      const extensions = (request.extensions ?? {}) as { persistedQuery?: { sha256Hash?: unknown }; operationId?: unknown };
      const key = extensions.operationId ?? extensions.persistedQuery?.sha256Hash;
      // Errors thrown before the source is resolved become 500s: keep the refusal for didResolveOperation.
      let refusal: GraphQLError | null = null;
      let operation: PersistedOperation | null = null;
      const malformed = key === undefined || key === null ? null : malformedKey(extensions.operationId !== undefined && extensions.operationId !== null, key);
      if (malformed) {
        // Never looked up: a control character or an odd type is the client's error, not the database's.
        refusal = new GraphQLError(`Malformed persisted operation reference: ${malformed}.`, {
          extensions: { code: 'BAD_REQUEST', reason: malformed, http: { status: 400 } },
        });
        delete extensions.persistedQuery;
        request.query = '{ __typename }';
        delete request.operationName;
      } else if (typeof key === 'string' && key) {
        operation = await store.find(extensions.operationId ? key : key.toLowerCase());
        // Apollo's own automatic persisted queries must not see it: the document comes from our store.
        delete extensions.persistedQuery;
        if (operation) request.query = operation.document;
        else {
          refusal = refuse(`Unknown persisted operation ${key}.`, 'PERSISTED_QUERY_NOT_FOUND', 400);
          request.query = '{ __typename }';
          delete request.operationName;
        }
      } else if (token.allowedOperations && request.query) {
        operation = await store.find(sha256(request.query));
      }
      if (!refusal && token.allowedOperations) {
        const allowed = operation && token.allowedOperations.some((a) => a === operation!.id || a === operation!.sha256);
        if (!allowed) {
          refusal = refuse(
            'This API token may run only its persisted operations: send extensions.persistedQuery.sha256Hash (or extensions.operationId) of an allowed operation.',
            'FORBIDDEN',
            403,
          );
        }
      }
      return {
        async didResolveOperation({ document }) {
          if (refusal) throw refusal;
          let introspection = false;
          visit(document, {
            Field(node) {
              if (node.name.value === '__schema' || node.name.value === '__type') introspection = true;
            },
          });
          if (introspection) throw refuse('Introspection is not available to API tokens.', 'FORBIDDEN', 403);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            (error as { message: string }).message = error.message.replace(/ Did you mean .*$/, '');
          }
        },
      };
    },
  };
}
