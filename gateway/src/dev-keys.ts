import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Local development keys: one signs staff tokens (`npm run token`), one signs actor contexts. */
export interface DevKeys {
  tokenSigning: KeyPair;
  actorContext: KeyPair;
}

export async function generateEd25519(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' },
  };
}

export async function generateDevKeys(): Promise<DevKeys> {
  return { tokenSigning: await generateEd25519('dev-token'), actorContext: await generateEd25519('dev-actor') };
}

/** Reads the key file, creating it (mode 600) on first use so that separate processes share keys. */
export async function loadOrCreateDevKeys(file: string): Promise<DevKeys> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const keys = await generateDevKeys();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
