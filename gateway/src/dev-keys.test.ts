import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ActorContextSigner, ActorContextVerifier, type Actor, subgraphActorContextKey } from '@vartija/kit';
import { generateEd25519, loadOrCreateDevKeys } from './dev-keys';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vartija-dev-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const actor: Actor = {
  kind: 'USER',
  id: '00000000-0000-4000-8000-00000000000a',
  login: 'sw-child',
  organisationId: '00000000-0000-4000-8000-0000000000a0',
  grants: [],
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: '00000000-0000-4000-8000-000000000001',
  operationName: null,
  callerAddress: null,
};

describe('development key file', () => {
  it('is created once (mode 600) and read back the same by every process', async () => {
    const file = path.join(dir, 'keys', 'dev-keys.json');
    const first = await loadOrCreateDevKeys(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateDevKeys(file)).toEqual(first);
    // The gateway signs with the secret; a subgraph process derives its key from the same file.
    const verifier = ActorContextVerifier.fromKey(subgraphActorContextKey(first.actorContextSecret, 'clients'), 'clients');
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
