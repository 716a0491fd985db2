/**
 * How a persisted operation is named, read the same way by the gateway, the registration mutation, partner-token
 * allowlists and the partner-token command: by its document's SHA-256 (64 hex digits, any case, `sha256:`
 * optional — as Apollo's manifests and GraphQL Codegen's persisted documents write it) or by a readable id.
 */

/** A readable operation id: 1–100 letters, digits, and `_ . : -`. */
const OPERATION_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const SHA256_REFERENCE = /^(?:sha256:)?[0-9a-f]{64}$/i;

export const isOperationId = (key: string): boolean => OPERATION_ID.test(key);

export const isSha256Reference = (key: string): boolean => SHA256_REFERENCE.test(key);

/** A hash reference as stored: lower-case hex without the `sha256:` prefix. */
export const normaliseSha256 = (hash: string): string => hash.replace(/^sha256:/i, '').toLowerCase();

/** An allowlist entry names an operation by its document's hash or else by its id. */
export const allowlistNames = (entry: string, operation: { id: string; sha256: string }): boolean =>
  isSha256Reference(entry) ? normaliseSha256(entry) === operation.sha256 : entry === operation.id;
