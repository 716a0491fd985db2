import { parseInput } from '@vartija/kit';
import type { GraphQLError } from 'graphql';
import { placementFields, recordPlacementInput } from './placement-input';

const valid = {
  clientId: '00000000-0000-4000-8000-000000000001',
  unitId: '00000000-0000-4000-8000-000000000002',
  kind: 'FAMILY_CARE',
  providerName: 'Perhekoti Majakka',
  startsOn: '2024-01-15',
};

function rejection(input: unknown) {
  try {
    parseInput(recordPlacementInput, input);
  } catch (error) {
    return (error as GraphQLError).extensions;
  }
  throw new Error('expected the input to be rejected');
}

describe('recordPlacementInput', () => {
  it('accepts an open-ended placement and one ending on its start day', () => {
    expect(parseInput(recordPlacementInput, valid).endsOn).toBeUndefined();
    expect(parseInput(recordPlacementInput, { ...valid, endsOn: '2024-01-15' }).endsOn).toBe('2024-01-15');
  });

  it('rejects an end before the start, naming endsOn and the start date', () => {
    expect(rejection({ ...valid, endsOn: '2024-01-14' })).toMatchObject({
      field: 'input.endsOn',
      reason: 'must not be before startsOn (2024-01-15)',
    });
  });

  it('rejects dates that do not exist or are not YYYY-MM-DD', () => {
    expect(rejection({ ...valid, startsOn: '2024-02-30' })).toMatchObject({ field: 'input.startsOn' });
    expect(rejection({ ...valid, startsOn: '15.1.2024' })).toMatchObject({ field: 'input.startsOn' });
  });

  it('rejects an empty provider name', () => {
    expect(rejection({ ...valid, providerName: ' ' })).toMatchObject({
      field: 'input.providerName',
      reason: 'must not be empty',
    });
  });

  it('names the fields a new placement sets for the access log', () => {
    expect(placementFields(parseInput(recordPlacementInput, valid))).toEqual(['kind', 'providerName', 'startsOn']);
    expect(
      placementFields(
        parseInput(recordPlacementInput, {
          ...valid,
          endsOn: '2024-12-31',
          providerOrganisationId: '00000000-0000-4000-8000-000000000003',
        }),
      ),
    ).toEqual(['endsOn', 'kind', 'provider', 'providerName', 'startsOn']);
  });
});
