import { allowlistNames, isOperationId, isSha256Reference, normaliseSha256 } from './persisted-operation-key';

const HASH = 'ab'.repeat(32);
const operation = { id: 'bench.list.v1', sha256: HASH };

describe('the one reading of a persisted operation reference', () => {
  it('reads 64 hex digits, any case, with or without sha256:, as a hash, and nothing else', () => {
    for (const ref of [HASH, HASH.toUpperCase(), `sha256:${HASH}`, `SHA256:${HASH.toUpperCase()}`]) {
      expect(isSha256Reference(ref)).toBe(true);
      expect(normaliseSha256(ref)).toBe(HASH);
    }
    for (const ref of [HASH.slice(1), `${HASH}0`, `sha256:${HASH.slice(2)}`, `md5:${HASH}`, `${HASH.slice(2)}zz`, ` ${HASH}`]) expect(isSha256Reference(ref)).toBe(false);
  });

  it('reads ids as 1–100 letters, digits and _ . : -', () => {
    expect(isOperationId('bench.list.v1')).toBe(true);
    expect(isOperationId('a'.repeat(100))).toBe(true);
    for (const id of ['', 'a'.repeat(101), 'with space', 'semi;colon', 'ä']) expect(isOperationId(id)).toBe(false);
  });

  it('lets an allowlist name an operation by its hash in any accepted form, or by its id exactly', () => {
    expect(allowlistNames(`sha256:${HASH.toUpperCase()}`, operation)).toBe(true);
    expect(allowlistNames('bench.list.v1', operation)).toBe(true);
    expect(allowlistNames('BENCH.LIST.V1', operation)).toBe(false);
    // A hash-like entry is only ever a hash: it never names an operation through its id.
    expect(allowlistNames(HASH, { id: HASH, sha256: 'cd'.repeat(32) })).toBe(false);
  });
});
