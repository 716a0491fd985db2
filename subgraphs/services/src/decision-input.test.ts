import { parseInput } from '@vartija/kit';
import { GraphQLError } from 'graphql';
import { recordDecisionInput } from './decision-input';

const valid = {
  clientId: '00000000-0000-4000-8000-000000000001',
  unitId: '00000000-0000-4000-8000-000000000002',
  type: 'TAKING_INTO_CARE',
  legalAct: 'Lastensuojelulaki 417/2007',
  legalSection: '38 §',
  decidedAt: new Date('2024-05-31T12:00:00Z'),
  content: 'Kiireellinen sijoitus.',
};

function reasonOf(input: unknown): { field: unknown; reason: unknown; code: unknown } {
  try {
    parseInput(recordDecisionInput, input);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { field, reason, code } = (error as GraphQLError).extensions;
    return { field, reason, code };
  }
  throw new Error('expected the input to be rejected');
}

describe('recordDecisionInput', () => {
  it('accepts a complete decision and trims its texts', () => {
    const parsed = parseInput(recordDecisionInput, { ...valid, legalSection: '  38 § ' });
    expect(parsed.legalSection).toBe('38 §');
    expect(parsed.decidedAt).toEqual(valid.decidedAt);
  });

  it('rejects an empty legal section with a reason naming the field', () => {
    expect(reasonOf({ ...valid, legalSection: '   ' })).toEqual({
      field: 'input.legalSection',
      reason: 'must not be empty',
      code: 'BAD_USER_INPUT',
    });
  });

  it('rejects empty legal act and content', () => {
    expect(reasonOf({ ...valid, legalAct: '' }).field).toBe('input.legalAct');
    expect(reasonOf({ ...valid, content: '' }).field).toBe('input.content');
  });

  it('rejects a decision dated in the future', () => {
    const nextYear = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    expect(reasonOf({ ...valid, decidedAt: nextYear })).toMatchObject({
      field: 'input.decidedAt',
      reason: 'must not be in the future',
    });
  });

  it('rejects an invalid instant and an unknown type', () => {
    expect(reasonOf({ ...valid, decidedAt: new Date('nope') }).field).toBe('input.decidedAt');
    expect(reasonOf({ ...valid, type: 'ADOPTION' }).field).toBe('input.type');
  });
});
