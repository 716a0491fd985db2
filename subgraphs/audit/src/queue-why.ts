import type { AuditEntryModel } from './models';
import { HIGH_VOLUME_FACTOR, type QueueHit, type ReviewQueueKind, WORKING_HOURS } from './monitoring-store';

const LOCAL_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Helsinki',
  weekday: 'long',
  day: 'numeric',
  month: 'numeric',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const what = (entry: AuditEntryModel) => `${entry.action} of ${entry.entityType}${entry.fields.length ? ` (${entry.fields.join(', ')})` : ''}`;

/** Why an item is in its queue, in words an auditor reads (the numbers behind the rule included). */
export function whyInQueue(kind: ReviewQueueKind, entry: AuditEntryModel, hit: QueueHit): string {
  switch (kind) {
    case 'EMERGENCY':
      return `Emergency (break-glass) access: ${what(entry)}${entry.purpose ? `, purpose "${entry.purpose}"` : ''}${entry.reason ? `; ${entry.reason}` : ''}`;
    case 'OUTSIDE_CASELOAD':
      return `Outside the caseload: ${what(entry)} by a social worker who is not the responsible worker of any of the client's relationships in the unit of the grant used`;
    case 'OUTSIDE_WORKING_HOURS':
      return `Outside working hours (${String(WORKING_HOURS.from).padStart(2, '0')}–${WORKING_HOURS.to} Monday to Friday, Finnish time): ${what(entry)} on ${LOCAL_TIME.format(entry.at)}`;
    case 'DENIED':
      return `Refused: ${what(entry)}${entry.reason ? ` — ${entry.reason}` : ''}`;
    case 'HIGH_VOLUME':
      return `High volume: ${hit.accesses} accesses (${hit.distinctClients} distinct clients) on ${hit.day}, above ${HIGH_VOLUME_FACTOR} × this actor's median of ${hit.median} accesses per active day in the period; the entry is the day's first access`;
  }
}
