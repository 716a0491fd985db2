import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditCheckpoints, checkpointName, DirectoryCheckpointStore, generateCheckpointKey, type CheckpointJwk } from './checkpoint';

const HEAD = { seq: 42, hash: 'a'.repeat(64), entryAt: new Date('2026-03-01T10:00:00.000Z') };

let dir: string;
let key: CheckpointJwk;
let checkpoints: AuditCheckpoints;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vartija-checkpoint-unit-'));
  key = await generateCheckpointKey('unit');
  checkpoints = await AuditCheckpoints.create({ store: new DirectoryCheckpointStore(dir), signingJwk: key });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const only = async () => {
  const [ref, ...more] = await checkpoints.list();
  expect(more).toEqual([]);
  return ref!;
};

describe('audit checkpoints', () => {
  it('signs the head into a file named by its seq and reads it back as valid', async () => {
    const written = await checkpoints.write(HEAD, new Date('2026-03-01T10:05:00.000Z'));
    expect(written).toMatchObject({ ...HEAD, keyId: key.kid });
    const ref = await only();
    expect(ref).toEqual({ name: written.name, seq: 42 });
    expect(ref.name).toMatch(/^0000000000000042-20260301T100500000Z-[0-9a-f]{8}\.json$/);
    expect(await checkpoints.read(ref)).toEqual({ valid: true, checkpoint: written });
    // The values are in the open for a person, beside the signature.
    expect(JSON.parse(await readFile(path.join(dir, ref.name), 'utf8'))).toMatchObject({ seq: 42, hash: HEAD.hash, keyId: key.kid });
    expect(await checkpoints.latest()).toEqual(written);
  });

  it('refuses to sign an empty log and writes nothing', async () => {
    await expect(checkpoints.write({ ...HEAD, seq: 0 })).rejects.toThrow(/empty/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports an altered file, a forged signature, a renamed file and an unknown key, never trusting them', async () => {
    await checkpoints.write(HEAD);
    const ref = await only();
    const file = JSON.parse(await readFile(path.join(dir, ref.name), 'utf8')) as Record<string, unknown> & { jws: string };

    // The shown hash changed, the signed one not.
    await writeFile(path.join(dir, ref.name), JSON.stringify({ ...file, hash: 'b'.repeat(64) }));
    expect(await checkpoints.read(ref)).toMatchObject({ valid: false, reason: expect.stringMatching(/differ from the signed ones/) });

    // Another payload under the old signature.
    const [header, , signature] = file.jws.split('.');
    const payload = Buffer.from(JSON.stringify({ type: 'vartija-audit-checkpoint', chain: 'main', seq: 42, hash: 'b'.repeat(64), entryAt: file['entryAt'], at: file['at'] })).toString('base64url');
    await writeFile(path.join(dir, ref.name), JSON.stringify({ ...file, hash: 'b'.repeat(64), jws: `${header}.${payload}.${signature}` }));
    expect(await checkpoints.read(ref)).toMatchObject({ valid: false, reason: expect.stringMatching(/signature does not verify/) });

    // A valid checkpoint under the name of another seq.
    await writeFile(path.join(dir, ref.name), JSON.stringify(file));
    const renamed = checkpointName(99, new Date());
    await writeFile(path.join(dir, renamed), JSON.stringify(file));
    expect(await checkpoints.read({ name: renamed, seq: 99 })).toMatchObject({ valid: false, reason: expect.stringMatching(/renamed/) });

    // Signed with a key that is not configured.
    const stranger = await AuditCheckpoints.create({ store: new DirectoryCheckpointStore(dir), signingJwk: await generateCheckpointKey('stranger') });
    const forged = await stranger.write({ ...HEAD, seq: 50 });
    expect(await checkpoints.read({ name: forged.name, seq: 50 })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/key that is not configured/),
    });
    // Not readable at all; files that are not named as checkpoints are not looked at.
    await writeFile(path.join(dir, checkpointName(60, new Date())), 'not json');
    await writeFile(path.join(dir, 'README.txt'), 'notes');
    expect((await checkpoints.list()).map((r) => r.seq)).toEqual([42, 50, 60, 99]);
    expect(await checkpoints.read((await checkpoints.list())[2]!)).toMatchObject({ valid: false, reason: expect.stringMatching(/not a readable/) });
    // The newest valid one is the original.
    expect(await checkpoints.latest()).toMatchObject({ seq: 42, name: ref.name });
  });

  it('accepts checkpoints of an earlier key listed for verification after a rotation', async () => {
    const old = await checkpoints.write(HEAD);
    const { d: _d, ...oldPublic } = key;
    const rotated = await AuditCheckpoints.create({
      store: new DirectoryCheckpointStore(dir),
      signingJwk: await generateCheckpointKey('unit'),
      verificationJwks: [oldPublic],
    });
    const next = await rotated.write({ ...HEAD, seq: 43 });
    expect(next.keyId).not.toBe(old.keyId);
    const readings = await Promise.all((await rotated.list()).map((ref) => rotated.read(ref)));
    expect(readings.map((r) => r.valid)).toEqual([true, true]);
    // A verifier without the signing key cannot sign.
    const verifyOnly = await AuditCheckpoints.create({ store: new DirectoryCheckpointStore(dir), verificationJwks: [oldPublic] });
    expect(verifyOnly.canSign).toBe(false);
    await expect(verifyOnly.write(HEAD)).rejects.toThrow(/no checkpoint signing key/);
  });
});
