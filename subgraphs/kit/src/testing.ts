/**
 * `@vartija/kit/testing`: the entry point for tests and the benchmark only. No product entry point
 * imports it (a test checks the built bundles).
 */
import type { Actor } from './actor';

export { attachTestingSeams as withTestingSeams, type TestingSeams } from './testing-seams';

/** A well-formed staff actor with no grants: for tests of the transport (actor contexts, keys), not of the policy. */
export function sampleActor(overrides: Partial<Actor> = {}): Actor {
  return {
    kind: 'USER',
    id: '00000000-0000-4000-8000-00000000000a',
    login: 'sw-child',
    organisationId: '00000000-0000-4000-8000-0000000000a0',
    grants: [],
    scopes: [],
    purpose: 'CLIENT_WORK',
    emergency: false,
    intent: 'VIEW',
    requestId: '00000000-0000-4000-8000-000000000001',
    operationName: null,
    callerAddress: null,
    ...overrides,
  };
}
