import { type Actor, defineAbilityFor } from '@vartija/kit';
import { buildSchema, parse, print } from 'graphql';
import { removeForbiddenFields, restoreForbiddenFields } from './field-guard';

// The register's API has no interfaces or unions today; the guard must still hold if one is added.
const schema = buildSchema(`
  interface Identified { personalIdentityCode: String }
  type Client implements Identified { id: ID personalIdentityCode: String displayName: String }
  type Guardian implements Identified { id: ID personalIdentityCode: String firstName: String }
  union Anyone = Client | Guardian
  type Query { someone: Identified anyone: Anyone client: Client }
`);

const student: Actor = {
  kind: 'USER',
  id: '00000000-0000-4000-8000-000000000001',
  login: 'student',
  organisationId: '00000000-0000-4000-8000-000000000002',
  grants: [
    { id: 'g', role: 'STUDENT', organisationId: 'o', unitId: '00000000-0000-4000-8000-000000000003', validFrom: '2020-01-01T00:00:00Z', validUntil: null, visibilityWindowMonths: 12 },
  ],
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: 'r',
  operationName: null,
  callerAddress: null,
};

const rewrite = (query: string) => removeForbiddenFields(parse(query), schema, defineAbilityFor(student));

describe('removeForbiddenFields', () => {
  it('removes a field read through an interface when a possible type forbids it', () => {
    const { document, removed } = rewrite('{ someone { personalIdentityCode } }');
    expect(print(document)).not.toContain('personalIdentityCode');
    expect([...removed.values()]).toEqual([{ type: 'Client', field: 'personalIdentityCode', responseKey: 'personalIdentityCode', carriesId: false }]);
  });

  it('asks for the entity id in place of a removed field, so the refusal names its target', () => {
    const { document, removed } = rewrite('{ client { personalIdentityCode displayName } }');
    expect(print(document)).toContain('vartijaForbidden_0: id');
    const refusals: { entityId: string | null }[] = [];
    const data = { client: { vartijaForbidden_0: 'c-1', displayName: 'A' } };
    restoreForbiddenFields(data, removed, refusals as never);
    expect(refusals.map((r) => r.entityId)).toEqual(['c-1']);
    expect(data).toEqual({ client: { personalIdentityCode: null, displayName: 'A' } });
  });

  it('removes it inside inline fragments on a union and under aliases, keeping readable fields', () => {
    const { document, removed } = rewrite('{ anyone { ... on Client { code: personalIdentityCode displayName } } }');
    expect(print(document)).toContain('displayName');
    expect(print(document)).not.toContain('personalIdentityCode');
    expect([...removed.values()].map((r) => r.responseKey)).toEqual(['code']);
  });

  it('restores null and a FORBIDDEN error at every path, in the original key order', () => {
    const { removed } = rewrite('{ client { personalIdentityCode displayName } }');
    const data: Record<string, unknown> = { client: { vartijaForbidden_0: 'Client', displayName: 'Aino' } };
    const errors = restoreForbiddenFields(data, removed);
    expect(data).toEqual({ client: { personalIdentityCode: null, displayName: 'Aino' } });
    expect(Object.keys(data['client'] as object)).toEqual(['personalIdentityCode', 'displayName']);
    expect(errors).toEqual([{ message: 'Not allowed to read Client.personalIdentityCode', path: ['client', 'personalIdentityCode'], extensions: { code: 'FORBIDDEN' } }]);
  });
});
