import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCursorSecret } from '@vartija/kit';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * Local development keys: one signs staff tokens (`npm run token`), one signs actor contexts, and a
 * secret seals page cursors (CURSOR_SECRET in production).
 */
export interface DevKeys {
  tokenSigning: KeyPair;
  actorContext: KeyPair;
  cursorSecret: string;
}

export async function generateEd25519(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' },
  };
}

export async function generateDevKeys(): Promise<DevKeys> {
  return {
    tokenSigning: await generateEd25519('dev-token'),
    actorContext: await generateEd25519('dev-actor'),
    cursorSecret: generateCursorSecret(),
  };
}

/**
 * Reads the key file, creating it (mode 600) on first use so that separate processes share keys; a
 * file from before cursors were sealed gets its cursor secret added.
 */
export async function loadOrCreateDevKeys(file: string): Promise<DevKeys> {
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevKeys> & Omit<DevKeys, 'cursorSecret'>;
    if (keys.cursorSecret) return keys as DevKeys;
    const completed = { ...keys, cursorSecret: generateCursorSecret() };
    writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
    return completed;
  }
  const keys = await generateDevKeys();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
