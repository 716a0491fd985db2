import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { badInput } from './errors';

/**
 * Opaque page cursors (DESIGN.md §4, policy v2: cursors carry no personal data).
 *
 * A cursor is `base64url(version ‖ nonce ‖ AES-256-GCM(position ‖ binding) ‖ tag)`: the keyset
 * position (a client's sort name, an entry's seq) is encrypted, and the whole is authenticated, so a
 * cursor can be neither read nor changed. The 96-bit nonce is a random 64-bit prefix drawn per
 * process (again after 2^32 cursors) and a counter, so nonces do not repeat under a key however many
 * cursors it seals, in one process or across replicas. The plaintext also binds the cursor to the
 * user it was issued to, the list (root field) and the list's filter: a cursor used by another user,
 * on another list or with another filter is refused with a reason the caller can act on.
 *
 * The secret is one per process, set at start-up (CURSOR_SECRET; a development default otherwise),
 * and every replica of a subgraph must share it.
 */

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Far longer than any cursor this API issues; refuses oversized input before any work. */
const MAX_CURSOR_CHARS = 2048;
const MIN_SECRET_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Keyset position: the sort key of the last row seen plus its id as a tie-breaker. */
export interface Cursor {
  key: string;
  id: string;
}

/** What a cursor is valid for: the user it was issued to, the list, and the list's filter arguments. */
export interface CursorBinding {
  /** `actor.id`: a user id, or the API token id of a partner. */
  actorId: string;
  /** The list, e.g. the root field `clients`. */
  list: string;
  /** The filter arguments of the list (anything JSON-like; null, undefined and `{}` are the same). */
  filter?: unknown;
}

// A plain Buffer: OpenSSL sets it up faster per cipher than a KeyObject (measured, Node 20).
let key: Buffer | null = null;

/** The encryption key: derived from the secret for this use only, so the secret may serve others too. */
const deriveKey = (secret: Buffer) => createHmac('sha256', secret).update('vartija page cursor v1').digest();

/**
 * Decodes a cursor secret: at least 32 bytes, as base64url / base64 or hex. Throws a message that
 * names what is wrong (used by the configuration schemas).
 */
export function parseCursorSecret(value: string): Buffer {
  const text = value.trim();
  const bytes = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64url');
  if (!/^[A-Za-z0-9+/_=-]+$/.test(text) || bytes.length < MIN_SECRET_BYTES) {
    throw new Error(`must be at least ${MIN_SECRET_BYTES} random bytes as base64url or hex (e.g. \`openssl rand -base64 32\`)`);
  }
  return bytes;
}

/** Sets the process's cursor secret (at start-up, before serving). */
export function setCursorSecret(value: string | Buffer): void {
  const secret = typeof value === 'string' ? parseCursorSecret(value) : Buffer.from(value);
  if (secret.length < MIN_SECRET_BYTES) throw new Error(`cursor secret must be at least ${MIN_SECRET_BYTES} bytes`);
  key = deriveKey(secret);
}

/** A new random secret, base64url: the development default (kept in the dev key file). */
export function generateCursorSecret(): string {
  return randomBytes(MIN_SECRET_BYTES).toString('base64url');
}

/**
 * The process's secret. Unset, a random one is made for this process: enough for a single-process
 * stack and tests; separate processes are configured (CURSOR_SECRET, required in production).
 */
function currentKey(): Buffer {
  return (key ??= deriveKey(randomBytes(MIN_SECRET_BYTES)));
}

let noncePrefix = randomBytes(8);
let nonceCounter = 0;

/** A nonce never used before with this key: the process's random prefix and a counter. */
function nextNonce(): Buffer {
  if (nonceCounter === 0xffff_ffff) {
    noncePrefix = randomBytes(8);
    nonceCounter = 0;
  }
  const nonce = Buffer.allocUnsafe(NONCE_BYTES);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(nonceCounter++, 8);
  return nonce;
}
/** A short digest: the binding travels inside the ciphertext, so it only has to tell values apart. */
const digest = (label: string, value: string) => createHash('sha256').update(label).update('\u0000').update(value).digest('base64url').slice(0, 16);

/** JSON with sorted keys, without null / undefined members; an empty object is no filter at all. */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])] as const)
      .filter(([, v]) => v !== null);
    return entries.length === 0 ? null : Object.fromEntries(entries);
  }
  return value;
}

const REASONS = {
  malformed:
    'is not a cursor this API issued, or it was changed: pass pageInfo.endCursor (or an edge cursor) of the previous page unchanged, or leave `after` out to start from the first page',
  actor: 'was issued to another user: cursors are personal; leave `after` out to start from the first page',
  list: (list: string) => `belongs to another list: pass a cursor that ${list} itself returned, or leave \`after\` out to start from the first page`,
  filter: 'was issued for another filter: keep the filter unchanged while paging, or leave `after` out to start from the first page of this filter',
};

/** Encodes and decodes the cursors of one list for one user and filter (build it once per page). */
export class CursorCodec {
  private readonly list: string;
  private readonly actor: string;
  private readonly filter: string;

  constructor(binding: CursorBinding) {
    this.list = binding.list;
    this.actor = digest('actor', binding.actorId);
    this.filter = digest('filter', JSON.stringify(canonical(binding.filter)));
  }

  encode(cursor: Cursor): string {
    const nonce = nextNonce();
    const cipher = createCipheriv('aes-256-gcm', currentKey(), nonce);
    const plain = Buffer.from(JSON.stringify([cursor.key, cursor.id, this.list, this.filter, this.actor]), 'utf8');
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The position, or BAD_USER_INPUT on `after` saying why the cursor cannot be used here. */
  decode(value: string, field = 'after'): Cursor {
    const parsed = open(value);
    if (!parsed) throw badInput(field, REASONS.malformed);
    const [key, id, list, filter, actor] = parsed;
    if (actor !== this.actor) throw badInput(field, REASONS.actor);
    if (list !== this.list) throw badInput(field, REASONS.list(this.list));
    if (filter !== this.filter) throw badInput(field, REASONS.filter);
    return { key, id };
  }
}

/** Decrypts and authenticates a cursor; null for anything this process did not issue unchanged. */
function open(value: string): [string, string, string, string, string] | null {
  if (typeof value !== 'string' || value.length > MAX_CURSOR_CHARS || !BASE64URL.test(value)) return null;
  const raw = Buffer.from(value, 'base64url');
  if (raw.length < 1 + NONCE_BYTES + 1 + TAG_BYTES || raw[0] !== VERSION) return null;
  const nonce = raw.subarray(1, 1 + NONCE_BYTES);
  const body = raw.subarray(1 + NONCE_BYTES, raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', currentKey(), nonce);
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    const parsed: unknown = JSON.parse(plain);
    if (Array.isArray(parsed) && parsed.length === 5 && parsed.every((p) => typeof p === 'string')) {
      return parsed as [string, string, string, string, string];
    }
  } catch {
    // wrong key, changed bytes or not JSON: all the same to the caller
  }
  return null;
}

/** The codec of one list for one user and filter. */
export const cursorCodec = (binding: CursorBinding) => new CursorCodec(binding);
