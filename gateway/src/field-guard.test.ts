import { type Actor, defineAbilityFor } from '@vartija/kit';
import { buildSchema, parse, print } from 'graphql';
import { removeForbiddenFields, restoreForbiddenFields, rewriteFor } from './field-guard';

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

describe('the placeholder of a removed field', () => {
  it('keeps @skip / @include, so a skipped field is not refused and its variable stays used', () => {
    const { document } = rewrite('query ($hide: Boolean!) { client { personalIdentityCode @skip(if: $hide) displayName } }');
    expect(print(document)).toContain('vartijaForbidden_0: id @skip(if: $hide)');
  });
});

describe('rewrites kept per document and set of denied fields', () => {
  const document = parse('{ client { personalIdentityCode displayName } }');
  const socialWorker: Actor = { ...student, grants: [{ ...student.grants[0]!, role: 'SOCIAL_WORKER' }] };

  it('are shared by abilities that deny the same fields (another purpose, another request), not by others', () => {
    const first = rewriteFor(document, schema, defineAbilityFor(student));
    // A purpose a caller may vary gives another ability, but the same denials: the same rewrite, not another copy.
    expect(rewriteFor(document, schema, defineAbilityFor({ ...student, purpose: 'SUPERVISION', requestId: 'r2' }))).toBe(first);
    const other = rewriteFor(document, schema, defineAbilityFor(socialWorker));
    expect(other).not.toBe(first);
    expect(first.removed.size).toBe(1);
    expect(other.removed.size).toBe(0);
    expect(other.queryHash).toBeNull();
  });

  it('keep no rewrite of hundreds of removed fields (redone each time, as any rewrite was before)', () => {
    const huge = parse(`{ client { ${Array.from({ length: 300 }, (_, i) => `c${i}: personalIdentityCode`).join(' ')} } }`);
    const ability = defineAbilityFor(student);
    const once = rewriteFor(huge, schema, ability);
    expect(once.removed.size).toBe(300);
    expect(rewriteFor(huge, schema, ability)).not.toBe(once);
    expect(rewriteFor(huge, schema, ability).queryHash).toBe(once.queryHash);
  });
});
