import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { persistedOperations, type Queryable } from '@vartija/db';
import { eq } from 'drizzle-orm';
import { allowlistNames, isOperationId, isSha256Reference, MAX_LONG_TEXT_LENGTH, normaliseSha256, persistedOperationNames, textProblem } from '@vartija/kit';
import { GraphQLError, Kind, parse, visit } from 'graphql';
import type { GatewayContext } from './gateway-server';

export interface PersistedOperation {
  id: string;
  sha256: string;
  document: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Trusted documents registered by the region. Read on every request, like the tokens themselves, so
 * that one removed (`npm run partner-token -- remove`) is refused on its very next use by every replica:
 * a primary-key or unique-index look-up.
 */
export class PersistedOperationStore {
  constructor(private readonly db: Queryable) {}

  /** The persisted operations' names: the operation names the metrics, the request log and spans may show. */
  operationNames(): Promise<string[]> {
    return persistedOperationNames(this.db)();
  }

  /** By its id (`extensions.operationId`) or by its document's hash — never one for the other: an id cannot stand for a hash. */
  async find(key: { id: string } | { sha256: string }): Promise<PersistedOperation | null> {
    const [row] = await this.db
      .select({ id: persistedOperations.id, sha256: persistedOperations.sha256, document: persistedOperations.document })
      .from(persistedOperations)
      .where('id' in key ? eq(persistedOperations.id, key.id) : eq(persistedOperations.sha256, key.sha256));
    return row ?? null;
  }
}

/** One operation of a persisted-documents manifest, its hash checked. */
export interface ManifestOperation {
  /** `<OperationName>.<first 12 hex digits of the hash>`: readable, and new for every changed document. */
  id: string;
  sha256: string;
  document: string;
  operationName: string | null;
}

/** Every problem of a manifest at once; nothing is registered unless every entry is sound. */
export class ManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(`The manifest was not registered:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}

/** The one operation a persisted document must hold (fragments beside it are fine), or why not. */
export function operationNameOf(document: string): { name: string | null } | { problem: string } {
  let operations;
  try {
    operations = parse(document).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  } catch (error) {
    return { problem: `is not a GraphQL document (${(error as Error).message})` };
  }
  if (operations.length !== 1) return { problem: `must hold exactly one operation (it holds ${operations.length})` };
  return { name: operations[0]!.name?.value ?? null };
}

/**
 * The operations of a persisted-documents manifest as @graphql-codegen/client-preset writes it with
 * `persistedDocuments: true` (persisted-documents.json: `{ "sha256:<hex>": "<document>" }`; bare hex
 * keys are accepted too). Each document is stored as it is in the file, and its key must be the
 * SHA-256 the gateway computes of exactly that text — the hash clients send — so a document changed
 * after codegen wrote it (or hashed with sha1 or a custom function) is refused, not registered under
 * a hash nobody sends.
 */
export function operationsOfManifest(text: string): ManifestOperation[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ManifestError([`the file is not JSON (${(error as Error).message})`]);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new ManifestError(['the file must be a JSON object mapping each hash to its document (codegen persisted-documents.json)']);
  }
  const problems: string[] = [];
  const operations: ManifestOperation[] = [];
  const entries = Object.entries(manifest);
  if (entries.length === 0) problems.push('the manifest holds no operation');
  for (const [key, document] of entries) {
    // Quoted as JSON: a key is the partner's text, and control characters in it must not reach the operator's terminal.
    const label = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
    if (typeof document !== 'string') {
      problems.push(`${label}: the value must be the document text`);
      continue;
    }
    const textIssue = textProblem(document, MAX_LONG_TEXT_LENGTH);
    if (textIssue) {
      problems.push(`${label}: the document ${textIssue}`);
      continue;
    }
    if (/^[0-9a-f]{40}$/i.test(key)) {
      problems.push(`${label}: a sha1 hash; set persistedDocuments: { hashAlgorithm: 'sha256' } in the codegen config (the gateway looks operations up by SHA-256)`);
      continue;
    }
    if (!isSha256Reference(key)) {
      problems.push(`${label}: the key must be the document's SHA-256 (64 hex digits, optionally prefixed sha256:)`);
      continue;
    }
    const hash = sha256(document);
    if (normaliseSha256(key) !== hash) {
      problems.push(`${label}: does not match its document, whose SHA-256 is ${hash}; the document was changed after the hash was computed (regenerate the manifest with codegen, do not edit it)`);
      continue;
    }
    const parsed = operationNameOf(document);
    if ('problem' in parsed) {
      problems.push(`${label}: the document ${parsed.problem}`);
      continue;
    }
    operations.push({ id: `${(parsed.name ?? 'operation').slice(0, 80)}.${hash.slice(0, 12)}`, sha256: hash, document, operationName: parsed.name });
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return operations;
}

const refuse = (message: string, code: string, status: number) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/** Why an `extensions.operationId` / `persistedQuery.sha256Hash` cannot name an operation, or null. */
function malformedKey(byOperationId: boolean, key: unknown): string | null {
  if (byOperationId) {
    return typeof key === 'string' && isOperationId(key) ? null : 'extensions.operationId must be 1–100 letters, digits, and _ . : -';
  }
  return typeof key === 'string' && isSha256Reference(key) ? null : 'extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits (optionally prefixed sha256:)';
}

/** Requests this plugin refused (their contexts): the name they state is never recorded (observabilityPlugin). */
const refusedRequests = new WeakSet<object>();

/** True when the request was refused as not persisted, malformed or not on the token's allowlist. */
export const refusedAsNotPersisted = (context: object): boolean => refusedRequests.has(context);

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
        operation = await store.find(extensions.operationId ? { id: key } : { sha256: normaliseSha256(key) });
        // Apollo's own automatic persisted queries must not see it: the document comes from our store.
        delete extensions.persistedQuery;
        if (operation) request.query = operation.document;
        else {
          refusal = refuse(`Unknown persisted operation ${key}.`, 'PERSISTED_QUERY_NOT_FOUND', 400);
          request.query = '{ __typename }';
          delete request.operationName;
        }
      } else if (token.allowedOperations && request.query) {
        operation = await store.find({ sha256: sha256(request.query) });
      }
      if (!refusal && token.allowedOperations) {
        const allowed = operation && token.allowedOperations.some((a) => allowlistNames(a, operation!));
        if (!allowed) {
          refusal = refuse(
            'This API token may run only its persisted operations: send extensions.persistedQuery.sha256Hash (or extensions.operationId) of an allowed operation.',
            'FORBIDDEN',
            403,
          );
        }
      }
      if (refusal) refusedRequests.add(contextValue);
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
