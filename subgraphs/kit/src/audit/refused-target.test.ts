import type { Actor } from '../actor';
import type { AuditEntryInput } from './entry';
import { AuditRecorder } from './recorder';
import { recordRefusedTarget } from './refused-target';

const actor = (kind: Actor['kind']): Actor => ({
  kind,
  id: 'actor-1',
  login: null,
  organisationId: '11111111-0000-4000-8000-000000000001',
  issuerOrganisationId: kind === 'PARTNER' ? '22222222-0000-4000-8000-000000000002' : null,
  grants: [],
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: 'request-1',
  operationName: null,
  callerAddress: null,
});

/** What the recorder hands its sink for one refusal. */
async function written(kind: Actor['kind'], clientId: string | null): Promise<AuditEntryInput[]> {
  const batches: AuditEntryInput[][] = [];
  const recorder = new AuditRecorder(actor(kind), 'clients', { write: async (batch) => void batches.push(batch) });
  recordRefusedTarget(recorder, actor(kind), { entityType: 'Client', entityId: 'c-1' }, clientId, null, 'READ', 'refused');
  await recorder.flush();
  return batches.flat();
}

describe('recordRefusedTarget', () => {
  it('names the client of the caller’s register, for staff and partners alike', async () => {
    for (const kind of ['USER', 'PARTNER'] as const) {
      expect(await written(kind, 'c-1')).toEqual([expect.objectContaining({ entityId: 'c-1', clientId: 'c-1', outcome: 'DENIED' })]);
    }
  });

  it('logs a partner’s refusal of another target without a client (one entry either way), a staff member’s not at all', async () => {
    expect(await written('PARTNER', null)).toEqual([expect.objectContaining({ entityId: 'c-1', clientId: null, outcome: 'DENIED' })]);
    expect(await written('USER', null)).toEqual([]);
  });
});
