import { type AuditEntryInput, type ChainedEntry, chainHash, GENESIS_HASH, verifyChain, verifyChainEnd } from '@vartija/kit';

/** The pure chain check (kit/src/audit/chain.ts) on a hand-built chain; the database side is in audit-tamper. */

function entry(i: number): AuditEntryInput {
  return {
    at: new Date(Date.UTC(2024, 0, 1, 12, 0, i)),
    requestId: `request-${i}`,
    operationName: 'ClientPage',
    subgraph: 'clients',
    actorKind: 'USER',
    actorId: `user-${i % 3}`,
    actorRole: 'SOCIAL_WORKER',
    organisationId: null,
    unitId: null,
    clientId: null,
    entityType: 'Client',
    entityId: `client-${i}`,
    action: 'READ',
    outcome: 'ALLOWED',
    fields: ['displayName'],
    categories: ['IDENTITY'],
    purpose: 'CLIENT_WORK',
    emergency: false,
    callerAddress: '127.0.0.1',
    reason: null,
  };
}

function chain(length: number, firstSeq = 1, prevHash = GENESIS_HASH): ChainedEntry[] {
  const rows: ChainedEntry[] = [];
  let prev = prevHash;
  for (let seq = firstSeq; seq < firstSeq + length; seq += 1) {
    const e = entry(seq);
    const hash = chainHash(prev, seq, e);
    rows.push({ ...e, seq, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('verifyChain', () => {
  it('accepts an intact chain and hands over where the next page must continue', () => {
    const rows = chain(10);
    const result = verifyChain(rows, GENESIS_HASH, 1);
    expect(result).toEqual({ ok: true, checkedEntries: 10, nextSeq: 11, lastHash: rows[9]!.hash, firstBadSeq: null, firstBadAt: null, reason: null });
    // Page by page gives the same answer.
    const first = verifyChain(rows.slice(0, 4), GENESIS_HASH, 1);
    const second = verifyChain(rows.slice(4), first.lastHash, first.nextSeq);
    expect(second).toMatchObject({ ok: true, checkedEntries: 6, nextSeq: 11, lastHash: rows[9]!.hash });
    expect(verifyChainEnd(second, 10, rows[9]!.hash).ok).toBe(true);
  });

  it('names a modified entry', () => {
    const rows = chain(10);
    rows[4] = { ...rows[4]!, actorId: 'someone-else' };
    expect(verifyChain(rows, GENESIS_HASH, 1)).toMatchObject({ ok: false, firstBadSeq: 5, firstBadAt: rows[4]!.at, checkedEntries: 5 });
  });

  it('names the next entry when a modified entry got a recomputed hash', () => {
    const rows = chain(10);
    const changed = { ...rows[4]!, actorId: 'someone-else' };
    rows[4] = { ...changed, hash: chainHash(changed.prevHash, changed.seq, changed) };
    const result = verifyChain(rows, GENESIS_HASH, 1);
    expect(result).toMatchObject({ ok: false, firstBadSeq: 6 });
    expect(result.reason).toMatch(/does not link to entry 5/);
  });

  it('names the first deleted entry, in the middle, at the start and at the end', () => {
    const rows = chain(10);
    const middle = verifyChain([...rows.slice(0, 3), ...rows.slice(5)], GENESIS_HASH, 1);
    expect(middle).toMatchObject({ ok: false, firstBadSeq: 4, firstBadAt: null });
    expect(middle.reason).toMatch(/entries 4–5 are missing/);
    expect(verifyChain(rows.slice(1), GENESIS_HASH, 1)).toMatchObject({ ok: false, firstBadSeq: 1 });
    const tail = verifyChain(rows.slice(0, 8), GENESIS_HASH, 1);
    expect(tail.ok).toBe(true);
    expect(verifyChainEnd(tail, 10, rows[9]!.hash)).toMatchObject({ ok: false, firstBadSeq: 9 });
  });

  it('names an inserted entry, whether it repeats a seq or renumbers the rest', () => {
    const rows = chain(10);
    const forged = { ...entry(99), seq: 5, prevHash: rows[3]!.hash, at: new Date(rows[4]!.at.getTime() + 1) };
    const withDuplicate = [...rows.slice(0, 5), { ...forged, hash: chainHash(forged.prevHash, 5, forged) }, ...rows.slice(5)];
    expect(verifyChain(withDuplicate, GENESIS_HASH, 1)).toMatchObject({ ok: false, firstBadSeq: 5 });
    // Renumbered: the forged entry takes seq 5, the originals move up by one.
    const renumbered = [
      ...rows.slice(0, 4),
      { ...forged, hash: chainHash(forged.prevHash, 5, forged) },
      ...rows.slice(4).map((r) => ({ ...r, seq: r.seq + 1 })),
    ];
    expect(verifyChain(renumbered, GENESIS_HASH, 1)).toMatchObject({ ok: false, firstBadSeq: 6 });
  });

  it('anchors at the first kept entry after retention, or trusts an unanchored start', () => {
    const rows = chain(10);
    const kept = rows.slice(6);
    expect(verifyChain(kept, rows[5]!.hash, 7)).toMatchObject({ ok: true, checkedEntries: 4 });
    expect(verifyChain(kept, GENESIS_HASH, 7)).toMatchObject({ ok: false, firstBadSeq: 7 });
    expect(verifyChain(kept, null, 7)).toMatchObject({ ok: true });
    expect(verifyChain([], GENESIS_HASH, 1)).toMatchObject({ ok: true, checkedEntries: 0, nextSeq: 1, lastHash: GENESIS_HASH });
  });
});
