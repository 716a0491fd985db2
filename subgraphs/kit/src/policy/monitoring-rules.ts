import type { MongoQuery } from '@casl/ability';
import type { GrantRules } from './roles';

// Log monitoring (issue 15; seed 002: the controller monitors the use of the register from its access log).
// Subject rows, built by subgraphs/audit/src/monitoring-policy.ts, are all of the actor's own organisation:
//   AuditDirectory   { organisationId }        names of the organisation's users, tokens and units
//   AuditReviewQueue { organisationId, kind }  a review queue (ReviewQueueKind) of its part of the log
//   AuditReview      { organisationId }        reviews of its log entries (audit.reviews)
//   MonitoringRun    { organisationId }        random-sample monitoring runs (audit.monitoring_runs)

/**
 * The entries an organisation's auditors and registrar read as its own: its staff's (`organisationId`), and the
 * partner tokens it issued (`issuedToken`). A partner token acts in the register of the region that issued it,
 * so its entries are that region's, not its holder organisation's: the partner's own staff, if it has any on
 * Vartija, never see them (a refused look-up is logged only when the client exists, and neither the entry nor
 * the gap it leaves between the token's other entries may tell the partner who is a client of the region).
 * `outcome` narrows them to refusals (the registrar's part).
 */
export function logAttributedTo(organisationId: string, outcome?: 'DENIED'): MongoQuery[] {
  const only = outcome ? { outcome } : {};
  return [
    { ...only, organisationId, actorKind: { $ne: 'PARTNER' } },
    { ...only, actorKind: 'PARTNER', issuedToken: { $elemMatch: { issuerOrganisationId: organisationId } } },
  ];
}

/**
 * AUDITOR (data protection officer): monitors the organisation's log — every queue, its reviews and its
 * monitoring runs, and records reviews and runs. (Reading the log itself: `access`/`read` AuditEntry, roles.ts.)
 */
export function auditorMonitoring(g: GrantRules) {
  const { b, actor } = g;
  const own = { organisationId: actor.organisationId };
  b.can('read', ['AuditDirectory', 'AuditReviewQueue'], own);
  b.can(['read', 'create'], ['AuditReview', 'MonitoringRun'], own);
}

/**
 * REGISTRAR (users, grants, tokens): what concerns access administration and nothing more. It reads the
 * names of its organisation's users, tokens and units (which it administers anyway) and the queue of
 * refused attempts (DENIED) of its organisation's staff and tokens (logAttributedTo) — a refusal is usually a missing or
 * wrong grant, which is the registrar's to fix — with the reviews of those entries. It neither reads
 * the rest of the log (no search, no activity, no other queue, no monitoring runs) nor records reviews:
 * monitoring is the data protection officer's. Its part of the log is `access` AuditEntry limited to
 * its organisation's refused attempts (roles.ts), so a queue never loads another row for it.
 */
export function registrarMonitoring(g: GrantRules) {
  const { b, actor } = g;
  const own = { organisationId: actor.organisationId };
  for (const part of logAttributedTo(actor.organisationId, 'DENIED')) b.can('access', 'AuditEntry', part);
  b.can('read', 'AuditDirectory', own);
  b.can('read', 'AuditReviewQueue', { ...own, kind: 'DENIED' });
  b.can('read', 'AuditReview', own);
}
