import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateActorContextSecret, generateCursorSecret } from '@vartija/kit';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * Local development keys: one signs staff tokens (`npm run token`), a secret from which each subgraph's
 * actor-context key is derived (ACTOR_CONTEXT_SECRET in production), and a secret that seals page cursors
 * (CURSOR_SECRET in production).
 */
export interface DevKeys {
  tokenSigning: KeyPair;
  actorContextSecret: string;
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
    actorContextSecret: generateActorContextSecret(),
    cursorSecret: generateCursorSecret(),
  };
}

/**
 * Reads the key file, creating it (mode 600) on first use so that separate processes share keys; a
 * file from an earlier version gets the secrets it lacks added (its Ed25519 actor-context pair is dropped).
 */
export async function loadOrCreateDevKeys(file: string): Promise<DevKeys> {
  if (existsSync(file)) {
    const { actorContext: legacyPair, ...keys } = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevKeys> & Pick<DevKeys, 'tokenSigning'> & { actorContext?: unknown };
    if (keys.cursorSecret && keys.actorContextSecret && legacyPair === undefined) return keys as DevKeys;
    const completed: DevKeys = {
      ...keys,
      cursorSecret: keys.cursorSecret ?? generateCursorSecret(),
      actorContextSecret: keys.actorContextSecret ?? generateActorContextSecret(),
    };
    writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
    return completed;
  }
  const keys = await generateDevKeys();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
