import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  errors as joseErrors,
  importJWK,
  type JWK,
} from 'jose';
import { z } from 'zod';
import { CHAIN_ID } from './chain';

/**
 * Signed checkpoints of the access-log chain: an anchor outside the database. The chain (chain.ts)
 * shows any change inside the log, but whoever owns the database can cut its newest entries and reset
 * the head, or rewrite the tail and recompute every hash after it, and the chain alone still verifies.
 * A checkpoint is the chain head's seq and hash at a moment, signed with a key the database does not
 * hold and kept in a store it cannot reach: an entry once checkpointed can no longer be removed or
 * changed without verifyAuditChain saying so (the audit subgraph compares them).
 */

const ALG = 'EdDSA';
/** The JWS `typ` and the file's `type`: a checkpoint is not mistaken for another signed object. */
export const CHECKPOINT_TYPE = 'vartija-audit-checkpoint';

/** An Ed25519 JSON Web Key as the checkpoint configuration holds it. */
export type CheckpointJwk = JWK;

/** The chain head as read in one statement: where it is, its hash, and when that entry was written. */
export interface ChainHeadSnapshot {
  seq: number;
  hash: string;
  /** When the head entry was written: retention removes entries by this time. */
  entryAt: Date;
}

/** A validly signed checkpoint. */
export interface AuditCheckpoint extends ChainHeadSnapshot {
  /** When it was signed. */
  at: Date;
  /** The signing key's `kid`. */
  keyId: string;
  /** Its name in the store. */
  name: string;
}

/** A stored checkpoint's name and the seq that name claims (the signature decides what it really holds). */
export interface CheckpointRef {
  name: string;
  seq: number;
}

/**
 * Where checkpoints are kept: outside the database, and ideally out of reach of whoever administers
 * it (another host, a write-once bucket). Checkpoints are only ever added.
 */
export interface AuditCheckpointStore {
  /** Where it is, for messages (a directory, a bucket URL). */
  readonly location: string;
  /** Every stored checkpoint, by the seq its name claims and then by name (oldest first). */
  list(): Promise<CheckpointRef[]>;
  read(name: string): Promise<string>;
  /** Keeps a new checkpoint under `name`; never replaces one. */
  add(name: string, content: string): Promise<void>;
}

// 16 digits of seq so that names sort as numbers, the signing time, a random tail (replicas never collide).
const NAME = /^(\d{16})-(\d{8}T\d{9}Z)-([0-9a-f]{8})\.json$/;

/** `0000000000001234-20260101T120000123Z-1a2b3c4d.json`: the seq first, so a listing needs no reading. */
export function checkpointName(seq: number, at: Date): string {
  const time = at.toISOString().replace(/[-:.]/g, '');
  return `${String(seq).padStart(16, '0')}-${time}-${randomBytes(4).toString('hex')}.json`;
}

/**
 * Checkpoints as files in a directory (AUDIT_CHECKPOINT_DIR): written to a temporary name, flushed to
 * disk and renamed, so a reader never sees half a checkpoint. Other files in the directory are ignored.
 */
export class DirectoryCheckpointStore implements AuditCheckpointStore {
  constructor(readonly location: string) {}

  async list(): Promise<CheckpointRef[]> {
    let names: string[];
    try {
      names = await readdir(this.location);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .flatMap((name) => {
        const match = NAME.exec(name);
        return match ? [{ name, seq: Number(match[1]) }] : [];
      })
      .sort((a, b) => a.seq - b.seq || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  read(name: string): Promise<string> {
    if (!NAME.test(name)) throw new Error(`not a checkpoint name: ${name}`);
    return readFile(path.join(this.location, name), 'utf8');
  }

  async add(name: string, content: string): Promise<void> {
    if (!NAME.test(name)) throw new Error(`not a checkpoint name: ${name}`);
    await mkdir(this.location, { recursive: true });
    const target = path.join(this.location, name);
    const temporary = path.join(this.location, `.${name}.${process.pid}.tmp`);
    const file = await open(temporary, 'wx', 0o644);
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
  }
}

const payloadSchema = z.strictObject({
  type: z.literal(CHECKPOINT_TYPE),
  chain: z.literal(CHAIN_ID),
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  entryAt: z.iso.datetime(),
  at: z.iso.datetime(),
});
type Payload = z.infer<typeof payloadSchema>;

/** The file: the signed JWS, and the same values in the open for a person reading it. */
const fileSchema = z.object({
  type: z.literal(CHECKPOINT_TYPE),
  seq: z.number(),
  hash: z.string(),
  entryAt: z.string(),
  at: z.string(),
  keyId: z.string(),
  jws: z.string(),
});

/** A checkpoint as read from the store: valid, or why not (forged, altered, damaged, unknown key). */
export type CheckpointReading = { valid: true; checkpoint: AuditCheckpoint } | { valid: false; name: string; reason: string };

/** An Ed25519 JWK as keys are configured here: with a kid (its thumbprint when it has none) and alg EdDSA. */
export async function normaliseEd25519Jwk(jwk: JWK, kind: 'private' | 'public'): Promise<JWK> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('the checkpoint key must be an Ed25519 JWK (kty OKP, crv Ed25519)');
  if (kind === 'private' && typeof jwk.d !== 'string') throw new Error('the checkpoint signing key must be a private JWK (with "d")');
  const { d, ...publicPart } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }));
  return kind === 'private' ? { ...publicPart, d, kid, alg: ALG } : { ...publicPart, kid, alg: ALG };
}

/** A new private signing key; its kid is `prefix-` and the start of its thumbprint. */
export async function generateCheckpointKey(prefix: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  const jwk = await normaliseEd25519Jwk(await exportJWK(privateKey), 'private');
  return { ...jwk, kid: `${prefix}-${jwk.kid!.slice(0, 12)}` };
}

/** A JWK or a JWK set `{ "keys": [...] }`, as JSON. */
export function parseJwkList(json: string): JWK[] {
  const value = JSON.parse(json) as JWK | { keys: JWK[] };
  return 'keys' in value && Array.isArray(value.keys) ? value.keys : [value as JWK];
}

export interface AuditCheckpointsOptions {
  store: AuditCheckpointStore;
  /** Private Ed25519 JWK that signs; without it checkpoints are only verified. */
  signingJwk?: JWK | null;
  /** Public keys whose checkpoints are accepted (the signing key's own is added): old keys after a rotation. */
  verificationJwks?: JWK[];
  /** How often the audit subgraph checkpoints the head; 0 = only on demand. */
  intervalMs?: number;
  /**
   * The retention period (whole years, AUDIT_RETENTION_YEARS): a checkpointed entry older than this may
   * have been removed by a recorded retention run; a younger one may not.
   */
  retentionYears?: number;
}

/** Signing, storing and reading checkpoints; the database side is the audit subgraph's. */
export class AuditCheckpoints {
  readonly store: AuditCheckpointStore;
  readonly intervalMs: number;
  readonly retentionYears: number;
  readonly keyIds: string[];

  private constructor(
    options: AuditCheckpointsOptions,
    private readonly signer: { key: Awaited<ReturnType<typeof importJWK>>; kid: string } | null,
    private readonly keys: ReturnType<typeof createLocalJWKSet>,
    keyIds: string[],
  ) {
    this.store = options.store;
    this.intervalMs = options.intervalMs ?? 0;
    this.retentionYears = options.retentionYears ?? 12;
    this.keyIds = keyIds;
  }

  static async create(options: AuditCheckpointsOptions): Promise<AuditCheckpoints> {
    const signing = options.signingJwk ? await normaliseEd25519Jwk(options.signingJwk, 'private') : null;
    const publicKeys = await Promise.all((options.verificationJwks ?? []).map((jwk) => normaliseEd25519Jwk(jwk, 'public')));
    if (signing) {
      const { d: _d, ...own } = signing;
      if (!publicKeys.some((k) => k.kid === own.kid)) publicKeys.push(own);
    }
    if (publicKeys.length === 0) throw new Error('audit checkpoints need a signing key or at least one verification key');
    for (const [i, key] of publicKeys.entries()) {
      if (publicKeys.findIndex((k) => k.kid === key.kid) !== i) throw new Error(`two checkpoint verification keys have the kid ${key.kid}`);
    }
    const signer = signing ? { key: await importJWK(signing, ALG), kid: signing.kid! } : null;
    return new AuditCheckpoints(options, signer, createLocalJWKSet({ keys: publicKeys }), publicKeys.map((k) => k.kid!));
  }

  get canSign(): boolean {
    return this.signer !== null;
  }

  /** Signs the head and adds the checkpoint to the store. */
  async write(head: ChainHeadSnapshot, now = new Date()): Promise<AuditCheckpoint> {
    if (!this.signer) throw new Error('no checkpoint signing key is configured (AUDIT_CHECKPOINT_PRIVATE_JWK or AUDIT_CHECKPOINT_KEY_FILE)');
    if (!Number.isInteger(head.seq) || head.seq < 1) throw new Error('the access log is empty: there is nothing to checkpoint');
    const payload: Payload = {
      type: CHECKPOINT_TYPE,
      chain: CHAIN_ID,
      seq: head.seq,
      hash: head.hash,
      entryAt: head.entryAt.toISOString(),
      at: now.toISOString(),
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: ALG, kid: this.signer.kid, typ: CHECKPOINT_TYPE })
      .sign(this.signer.key);
    const name = checkpointName(head.seq, now);
    const { type, seq, hash, entryAt, at } = payload;
    await this.store.add(name, `${JSON.stringify({ type, seq, hash, entryAt, at, keyId: this.signer.kid, jws }, null, 2)}\n`);
    return { seq, hash, entryAt: head.entryAt, at: now, keyId: this.signer.kid, name };
  }

  list(): Promise<CheckpointRef[]> {
    return this.store.list();
  }

  /**
   * Reads one checkpoint and checks it: signed by a configured key over exactly what the file shows,
   * under the name of the seq it holds. Anything else is reported with the reason, never thrown.
   */
  async read(ref: CheckpointRef): Promise<CheckpointReading> {
    const invalid = (reason: string): CheckpointReading => ({ valid: false, name: ref.name, reason });
    let file: z.infer<typeof fileSchema>;
    try {
      file = fileSchema.parse(JSON.parse(await this.store.read(ref.name)));
    } catch {
      return invalid('it is not a readable checkpoint file');
    }
    let payload: Payload;
    let kid: string | undefined;
    try {
      const verified = await compactVerify(file.jws, this.keys, { algorithms: [ALG] });
      if (verified.protectedHeader.typ !== CHECKPOINT_TYPE) return invalid('its signature is not over a checkpoint');
      kid = verified.protectedHeader.kid;
      payload = payloadSchema.parse(JSON.parse(new TextDecoder().decode(verified.payload)));
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey) return invalid(`it is signed with a key that is not configured (kid ${JSON.stringify(file.keyId)})`);
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('its signature does not verify: it was forged or altered');
      return invalid('its signature is malformed or not over a checkpoint');
    }
    if (file.seq !== payload.seq || file.hash !== payload.hash || file.entryAt !== payload.entryAt || file.at !== payload.at || file.keyId !== kid) {
      return invalid('the values shown in the file differ from the signed ones: it was altered');
    }
    if (ref.seq !== payload.seq) return invalid(`its name claims entry ${ref.seq} but it holds entry ${payload.seq}: it was renamed`);
    return {
      valid: true,
      checkpoint: { seq: payload.seq, hash: payload.hash, entryAt: new Date(payload.entryAt), at: new Date(payload.at), keyId: kid!, name: ref.name },
    };
  }

  /** The newest validly signed checkpoint (by seq, then by name), or null. */
  async latest(refs?: CheckpointRef[]): Promise<AuditCheckpoint | null> {
    const all = refs ?? (await this.list());
    for (let i = all.length - 1; i >= 0; i -= 1) {
      const reading = await this.read(all[i]!);
      if (reading.valid) return reading.checkpoint;
    }
    return null;
  }
}
