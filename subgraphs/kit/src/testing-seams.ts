import type { Actor } from './actor';
import type { AuditSink } from './audit/sink';
import type { AppAbility } from './policy/ability';

/**
 * What tests and the benchmark may replace in a subgraph or gateway runtime: the access-log sink (a
 * failing or counting one; the benchmark's no-op baseline) and the policy (the benchmark's allow-all
 * baseline). Not part of the product's runtime types: set only through `@vartija/kit/testing`.
 */
export interface TestingSeams {
  auditSink?: AuditSink;
  abilityFor?: (actor: Actor) => AppAbility;
}

const SEAMS = Symbol.for('vartija.testing-seams');

/** The seams a runtime object carries (none for every product configuration). */
export function testingSeamsOf(runtime: object): TestingSeams {
  return (runtime as { [SEAMS]?: TestingSeams })[SEAMS] ?? {};
}

/** `runtime` with seams attached (a symbol key: it survives object spread, no type names it). */
export function attachTestingSeams<T extends object>(runtime: T, seams: TestingSeams): T {
  return { ...runtime, [SEAMS]: { ...testingSeamsOf(runtime), ...seams } };
}
