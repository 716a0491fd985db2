import type { GrantRules } from './roles';

// The record lifecycle (issue 13). Subject rows, built by subgraphs/documents/src/lifecycle/*:
// RetentionConfiguration, DisposalRun, StatisticsReport, ResearchPermit, ResearchExtract `{ organisationId }`;
// Handover `{ organisationId (the commissioning region), commissionerUnitId, partnerOrganisationId,
// commissionActive, commissionScopes, via }` — `via`: the grants through which the client is visible.

/** REGISTRAR: the archive formation plan, disposal, statistics and research permits of its organisation. */
export function registrarLifecycle(g: GrantRules) {
  const { b, actor } = g;
  const own = { organisationId: actor.organisationId };
  b.can(['read', 'update'], 'RetentionConfiguration', own);
  b.can(['read', 'create'], 'DisposalRun', own);
  b.can('read', 'StatisticsReport', own);
  b.can(['read', 'create'], 'ResearchPermit', own);
  b.can('create', 'ResearchExtract', own);
}

/** AUDITOR (data protection officer): sees the plan, the runs, the permits and the statistics; changes nothing. */
export function auditorLifecycle(g: GrantRules) {
  const { b, actor } = g;
  const own = { organisationId: actor.organisationId };
  b.can('read', ['RetentionConfiguration', 'DisposalRun', 'StatisticsReport', 'ResearchPermit'], own);
}

/** MANAGER: statistics of its organisation (no identifiers); handovers of its unit's commissions. */
export function managerLifecycle(g: GrantRules) {
  g.b.can('read', 'StatisticsReport', { organisationId: g.actor.organisationId });
  unitHandovers(g);
}

/**
 * SOCIAL_WORKER and MANAGER of the commissioning unit: ask for and confirm the handover of a commission of
 * their unit, for a client this grant sees.
 */
export function unitHandovers(g: GrantRules) {
  const { b, actor, grant } = g;
  const ofUnit = { organisationId: actor.organisationId, commissionerUnitId: grant.unitId, ...g.via };
  b.can(['read', 'create', 'update'], 'Handover', ofUnit);
}

/**
 * A partner hands over its records under a commission that is still active and lets it write
 * (token scope and the commission's partnerScopes: documents:write); it reads its own packages while the
 * commission is active. Confirming receipt is the region's and ends the commission: after it the partner
 * reaches nothing of the client, its package (client id, record ids, kinds, hashes) included.
 */
export function partnerHandovers(g: GrantRules) {
  const { b, actor } = g;
  if (!actor.issuerOrganisationId || !actor.scopes.includes('documents:write')) return;
  const own = { organisationId: actor.issuerOrganisationId, partnerOrganisationId: actor.organisationId };
  b.can('create', 'Handover', { ...own, commissionActive: true, commissionScopes: 'documents:write' });
  b.can('read', 'Handover', PARTNER_HANDOVER_FIELDS, { ...own, commissionActive: true });
}

/**
 * What the packaging partner reads of a handover: all but the manifest (`items`), which is the receiving unit's.
 * The partner's own read rules may hide some of the records it delivers (a withdrawn HEALTH consent, no
 * services:read); their kinds, content hashes and number would tell.
 */
const PARTNER_HANDOVER_FIELDS = [
  'id',
  'commissionId',
  'clientId',
  'partnerOrganisationId',
  'recipientOrganisationId',
  'recipientUnitId',
  'status',
  'legalBasis',
  'packagedAt',
  'confirmedAt',
  'confirmedBy',
];
