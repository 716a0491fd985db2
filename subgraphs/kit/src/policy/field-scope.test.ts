import { createMongoAbility, type MongoQuery, type RawRuleOf } from '@casl/ability';
import type { Actor } from '../actor';
import { type AppAbility, defineAbilityFor } from './ability';
import { readableScope, rulesImplyAccess } from './field-scope';
import { RowGrants } from './row-grants';

/**
 * A readable-field condition may stand alone for "row scope and condition" only when the rules prove it admits
 * no row the row scope does not (withinRowScope). A wrong "yes" would let a sort, filter or count reach rows
 * that are not visible, so the proof is syntactic and says "no" to anything it cannot read.
 */

const ORGANISATION = '7d2b8a4e-0c1f-4f5e-9a3b-1e2d3c4b5a60';
const UNIT_A = '1a1a1a1a-0000-4000-8000-00000000000a';
const UNIT_B = '2b2b2b2b-0000-4000-8000-00000000000b';
const CLOCK = { today: '2026-03-01' };

const staff = (...units: [role: 'SOCIAL_WORKER' | 'MANAGER', unitId: string][]): Actor => ({
  kind: 'USER',
  id: '5e5e5e5e-0000-4000-8000-000000000001',
  login: 'test',
  organisationId: ORGANISATION,
  grants: units.map(([role, unitId]) => ({
    id: `grant:${role}:${unitId}`,
    role,
    organisationId: ORGANISATION,
    unitId,
    validFrom: '2025-01-01',
    validUntil: null,
    visibilityWindowMonths: 12,
  })),
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: 'request-1',
  operationName: null,
  callerAddress: null,
});

const partner: Actor = {
  ...staff(),
  kind: 'PARTNER',
  id: '6f6f6f6f-0000-4000-8000-000000000002',
  organisationId: '3c3c3c3c-0000-4000-8000-00000000000c',
  issuerOrganisationId: ORGANISATION,
  scopes: ['clients:read', 'services:read', 'documents:read'],
};

const within = (ability: AppAbility, actor: Actor, fields: string[]) => {
  const scope = readableScope(ability, new RowGrants(undefined as never, actor, { clock: CLOCK }), 'Client', fields);
  return scope === null || scope === 'never' ? scope : scope.withinRowScope;
};

describe('rulesImplyAccess: a rule implies an access alternative only when it holds each of its conjuncts', () => {
  const access: MongoQuery[] = [{ organisationId: 'o', partnerCommissions: { $elemMatch: { partnerOrganisationId: 'p', startsOn: { $lte: '2026-03-01' }, endsOn: null } } }];

  it('holds for the same conjuncts, in any key order, and for more conjuncts', () => {
    expect(rulesImplyAccess({ partnerCommissions: { $elemMatch: { endsOn: null, startsOn: { $lte: '2026-03-01' }, partnerOrganisationId: 'p' } }, organisationId: 'o' }, access)).toBe(true);
    expect(rulesImplyAccess({ ...access[0], addressNonDisclosure: false }, access)).toBe(true);
    // An unconditional access rule: every row is visible, every condition implies it.
    expect(rulesImplyAccess({ addressNonDisclosure: false }, [{}])).toBe(true);
  });

  it('does not hold when a conjunct is missing, differs, or is only similar', () => {
    expect(rulesImplyAccess({ organisationId: 'o' }, access)).toBe(false);
    expect(rulesImplyAccess({ ...access[0], organisationId: 'other' }, access)).toBe(false);
    // The nested condition differs in one value, in one key more, in one key less.
    const nested = (m: object) => ({ organisationId: 'o', partnerCommissions: { $elemMatch: m } });
    expect(rulesImplyAccess(nested({ partnerOrganisationId: 'p', startsOn: { $lte: '2026-03-02' }, endsOn: null }), access)).toBe(false);
    expect(rulesImplyAccess(nested({ partnerOrganisationId: 'p', startsOn: { $lte: '2026-03-01' }, endsOn: null, partnerScopes: 'x' }), access)).toBe(false);
    expect(rulesImplyAccess(nested({ partnerOrganisationId: 'p', startsOn: { $lte: '2026-03-01' } }), access)).toBe(false);
    // undefined is not a value the rule can be proved to share; arrays compare by element and order.
    expect(rulesImplyAccess({ a: undefined }, [{ a: undefined }])).toBe(false);
    expect(rulesImplyAccess({ a: { $in: ['x', 'y'] } }, [{ a: { $in: ['y', 'x'] } }])).toBe(false);
    expect(rulesImplyAccess({ a: { $in: ['x', 'y'] } }, [{ a: { $in: ['x', 'y'] } }])).toBe(true);
    expect(rulesImplyAccess({ a: new Date(0) }, [{ a: new Date(0) }])).toBe(true);
    expect(rulesImplyAccess({ a: new Date(0) }, [{ a: 0 }])).toBe(false);
    expect(rulesImplyAccess({ a: 'x' }, [])).toBe(false);
  });
});

describe('withinRowScope, for the policy’s actors', () => {
  it('holds for a partner’s names (the partner’s sort key): its names rule is one of its access rules and more', () => {
    expect(within(defineAbilityFor(partner, CLOCK), partner, ['displayName'])).toBe(true);
    expect(within(defineAbilityFor(partner, CLOCK), partner, ['displayName', 'lastName'])).toBe(true);
  });

  it('does not hold for one grant whose rule says only what it adds to the row scope (a social worker’s address)', () => {
    const sw = staff(['SOCIAL_WORKER', UNIT_A]);
    expect(within(defineAbilityFor(sw, CLOCK), sw, ['address'])).toBe(false);
    // Every visible row: no condition at all.
    expect(within(defineAbilityFor(sw, CLOCK), sw, ['displayName'])).toBeNull();
  });

  it('holds for several grants, whose readable condition carries each grant’s own access rule', () => {
    const two = staff(['SOCIAL_WORKER', UNIT_A], ['MANAGER', UNIT_B]);
    expect(within(defineAbilityFor(two, CLOCK), two, ['address'])).toBe(true);
  });

  it('does not hold when an inverted access rule takes rows away, though the conditions match', () => {
    const sw = staff(['SOCIAL_WORKER', UNIT_A]);
    const via = `grant:SOCIAL_WORKER:${UNIT_A}`;
    const rules: RawRuleOf<AppAbility>[] = [
      { action: 'access', subject: 'Client', conditions: { organisationId: ORGANISATION } },
      { action: 'read', subject: 'Client', fields: ['address'], conditions: { via, organisationId: ORGANISATION } },
    ];
    expect(within(createMongoAbility<AppAbility>(rules), sw, ['address'])).toBe(true);
    const withInverted: RawRuleOf<AppAbility>[] = [...rules, { action: 'access', subject: 'Client', inverted: true, conditions: { addressNonDisclosure: true } }];
    expect(within(createMongoAbility<AppAbility>(withInverted), sw, ['address'])).toBe(false);
  });
});
