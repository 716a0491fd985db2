import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ActorContextSigner, ActorContextVerifier } from '@vartija/kit';
import { sampleActor } from '@vartija/kit/testing';
import { generateEd25519, loadOrCreateDevKeys } from './dev-keys';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vartija-dev-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const actor = sampleActor();

describe('development key file', () => {
  it('is created once (mode 600) and read back the same by every process', async () => {
    const file = path.join(dir, 'keys', 'dev-keys.json');
    const first = await loadOrCreateDevKeys(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateDevKeys(file)).toEqual(first);
    // The gateway signs with the secret; a subgraph process derives its key from the same file.
    const verifier = ActorContextVerifier.fromGatewaySecret(first.actorContextSecret, 'clients');
    const token = await ActorContextSigner.fromSecret(first.actorContextSecret).sign(actor, '{}', { subgraph: 'clients' });
    await expect(verifier.verify(token, { method: 'POST', body: '{}' })).resolves.toEqual(actor);
  });

  it('from an earlier version (an Ed25519 actor-context pair, no secrets) gets the secrets and loses the pair', async () => {
    const file = path.join(dir, 'dev-keys.json');
    const tokenSigning = await generateEd25519('dev-token');
    writeFileSync(file, JSON.stringify({ tokenSigning, actorContext: await generateEd25519('dev-actor') }), { mode: 0o600 });
    const keys = await loadOrCreateDevKeys(file);
    expect(keys.tokenSigning).toEqual(tokenSigning);
    expect(Buffer.from(keys.actorContextSecret, 'base64url').length).toBe(32);
    expect(Buffer.from(keys.cursorSecret, 'base64url').length).toBeGreaterThanOrEqual(32);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(['actorContextSecret', 'cursorSecret', 'tokenSigning']);
    expect(await loadOrCreateDevKeys(file)).toEqual(keys);
  });
});
