import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEMO } from '@vartija/db';
import { actorSchema } from './actor';
import { cachedAbilityFor } from './policy/ability';
import { rowScope } from './policy/row-scope';
import { testingSeamsOf } from './testing-seams';
import { withTestingSeams } from './testing';

describe('testing seams (kit/testing)', () => {
  it('attach to a runtime under a symbol, survive a spread, and are absent on a plain runtime', () => {
    const sink = { write: async () => {} };
    const runtime = withTestingSeams({ name: 'x' }, { auditSink: sink });
    expect(testingSeamsOf(runtime).auditSink).toBe(sink);
    expect(testingSeamsOf({ ...runtime }).auditSink).toBe(sink);
    expect(Object.keys(runtime)).toEqual(['name']);
    expect(testingSeamsOf({ name: 'x' })).toEqual({});
  });

  it('are imported by no product source (gateway, subgraphs, drizzle): only tests, the bench and the dev tools', () => {
    const root = path.resolve(__dirname, '../../..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (name === 'node_modules' || name === 'generated') continue;
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && name !== 'testing.ts' && /from\s+['"]@vartija\/kit\/testing['"]|import\(\s*['"]@vartija\/kit\/testing/.test(readFileSync(file, 'utf8'))) offenders.push(path.relative(root, file));
      }
    };
    for (const dir of ['gateway/src', 'drizzle/src', ...readdirSync(path.join(root, 'subgraphs')).map((s) => `subgraphs/${s}/src`)]) walk(path.join(root, dir));
    expect(offenders).toEqual([]);
  });
});

describe('cachedAbilityFor: one ability per actor and day, shared by its requests', () => {
  const user = DEMO.users['sw-child'];
  const actorWith = (over: Record<string, unknown> = {}) =>
    actorSchema.parse({
      kind: 'USER',
      id: user.id,
      login: user.login,
      organisationId: DEMO.organisations.region.id,
      grants: [{ id: user.grantId, role: user.role, organisationId: DEMO.organisations.region.id, unitId: DEMO.units['child-welfare'].id, validFrom: '2020-01-01T00:00:00.000Z', validUntil: null, visibilityWindowMonths: 12 }],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      requestId: 'r1',
      operationName: 'A',
      callerAddress: '10.0.0.1',
      ...over,
    });
  const day = { today: '2026-12-02' };

  it('is the same ability for another request of the same actor (request id, operation, address differ)', () => {
    const a = cachedAbilityFor(actorWith(), day);
    expect(cachedAbilityFor(actorWith({ requestId: 'r2', operationName: 'B', callerAddress: '10.0.0.2' }), day)).toBe(a);
    // and so is its row scope, built once
    expect(rowScope(a, 'Client')).toBe(rowScope(cachedAbilityFor(actorWith({ requestId: 'r3' }), day), 'Client'));
  });

  it('is another ability when anything a rule may read differs: grants, purpose, emergency, intent, day', () => {
    const a = cachedAbilityFor(actorWith(), day);
    expect(cachedAbilityFor(actorWith({ purpose: 'BILLING' }), day)).not.toBe(a);
    expect(cachedAbilityFor(actorWith({ emergency: true }), day)).not.toBe(a);
    expect(cachedAbilityFor(actorWith({ intent: 'PRINT' }), day)).not.toBe(a);
    expect(cachedAbilityFor(actorWith(), { today: '2026-12-03' })).not.toBe(a);
    const other = DEMO.users['sw-family'];
    expect(cachedAbilityFor(actorWith({ id: other.id, login: other.login }), day)).not.toBe(a);
    expect(cachedAbilityFor(actorWith({ grants: [] }), day)).not.toBe(a);
  });
});
