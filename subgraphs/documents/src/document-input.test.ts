import { parseInput } from '@vartija/kit';
import type { GraphQLError } from 'graphql';
import {
  correctDocumentInput,
  correctedFields,
  expectedRevision,
  isRestrictedType,
  recordDocumentInput,
} from './document-input';

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return (error as GraphQLError).extensions;
  }
  throw new Error('expected the input to be rejected');
}

const record = {
  clientId: '00000000-0000-4000-8000-000000000001',
  unitId: '00000000-0000-4000-8000-000000000002',
  type: 'CASE_NOTE',
  title: 'Kotikäynti',
  body: 'Käynti sujui hyvin.',
};

describe('recordDocumentInput', () => {
  it('accepts a document and trims title and body', () => {
    expect(parseInput(recordDocumentInput, { ...record, title: ' Kotikäynti ' }).title).toBe('Kotikäynti');
  });

  it('rejects an empty title or body', () => {
    expect(rejection(() => parseInput(recordDocumentInput, { ...record, title: '' }))).toMatchObject({
      field: 'input.title',
      reason: 'must not be empty',
    });
    expect(rejection(() => parseInput(recordDocumentInput, { ...record, body: '  ' }))).toMatchObject({ field: 'input.body' });
  });

  it('rejects an unknown type', () => {
    expect(rejection(() => parseInput(recordDocumentInput, { ...record, type: 'DIARY' }))).toMatchObject({
      field: 'input.type',
    });
  });
});

describe('correctDocumentInput', () => {
  const correction = { title: 'Kotikäynti', body: 'Korjattu päivämäärä.', reason: 'Väärä päivämäärä' };

  it('accepts a correction with a reason', () => {
    expect(parseInput(correctDocumentInput, correction).reason).toBe('Väärä päivämäärä');
  });

  it('requires a non-empty reason', () => {
    expect(rejection(() => parseInput(correctDocumentInput, { ...correction, reason: '   ' }))).toMatchObject({
      field: 'input.reason',
      reason: 'must not be empty',
      code: 'BAD_USER_INPUT',
    });
    expect(rejection(() => parseInput(correctDocumentInput, { title: 'a', body: 'b' }))).toMatchObject({
      field: 'input.reason',
    });
  });

  it('rejects a revision number below 1', () => {
    expect(rejection(() => parseInput(expectedRevision, 0, 'expectedRevision'))).toMatchObject({
      field: 'expectedRevision',
    });
  });

  it('names the fields a correction changed, the revision list always', () => {
    const before = { title: 'A', body: 'x' };
    expect(correctedFields(before, { title: 'A', body: 'y' })).toEqual(['body', 'revisions']);
    expect(correctedFields(before, { title: 'B', body: 'y' })).toEqual(['body', 'revisions', 'title']);
  });
});

describe('isRestrictedType', () => {
  it('restricts statements and child-welfare notifications only', () => {
    expect(isRestrictedType('STATEMENT')).toBe(true);
    expect(isRestrictedType('CHILD_WELFARE_NOTIFICATION')).toBe(true);
    expect(isRestrictedType('CASE_NOTE')).toBe(false);
    expect(isRestrictedType('REPORT')).toBe(false);
  });
});
