import { auditActionEnum, auditOutcomeEnum } from '@vartija/db';
import type { Action } from '../policy/ability';

/** The actions and outcomes the log stores: the database's enums are the one list. */
export const AUDIT_ACTIONS = auditActionEnum.enumValues;
export const AUDIT_OUTCOMES = auditOutcomeEnum.enumValues;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * Every kind of entity the log may name. Closed, so that a typo or a new type nobody classified fails
 * to compile instead of scattering entries an auditor's filter never finds. The strings are stored:
 * never rename one.
 */
export const AUDIT_ENTITY_TYPES = [
  // Client data (the policy's subjects and the sensitive-field catalog).
  'Client',
  'Guardian',
  'ClientRelationship',
  'Commission',
  'Consent',
  'Decision',
  'Placement',
  'CareDay',
  'PaymentCommitment',
  'Invoice',
  'Restriction',
  'AssistanceRequest',
  'Medication',
  'Document',
  'DocumentRevision',
  'Revision',
  'Disclosure',
  'DataSubjectRequest',
  // The full extract of a client's record for an ACCESS request (issue 12 item 4; a policy subject too).
  'ClientRecordExtract',
  // The record lifecycle (issue 13).
  'RetentionConfiguration',
  'DisposalRun',
  'StatisticsReport',
  'Handover',
  'ResearchPermit',
  'ResearchExtract',
  // The register's own administration.
  'Organisation',
  'Unit',
  'User',
  'Grant',
  'UserCommitment',
  'ApiToken',
  'PersistedOperation',
  // The log itself: an auditor's queries, checkpoints, retention.
  'AuditEntry',
  'AuditLog',
  'AuditCheckpoint',
  // Log monitoring (issue 15): a review of an entry, a random-sample monitoring run; the directory of
  // names and the review queues are policy subjects (monitoring-rules.ts), so loggable too.
  'AuditReview',
  'MonitoringRun',
  'AuditDirectory',
  'AuditReviewQueue',
] as const;

export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

const ENTITY_TYPES: ReadonlySet<string> = new Set(AUDIT_ENTITY_TYPES);

export function isAuditEntityType(name: string): name is AuditEntityType {
  return ENTITY_TYPES.has(name);
}

/** A type name known only at run time (a schema type): one the log does not know is a bug, never logged loosely. */
export function auditEntityType(name: string): AuditEntityType {
  if (!isAuditEntityType(name)) throw new Error(`${name} is not an access-log entity type (add it to AUDIT_ENTITY_TYPES)`);
  return name;
}

/** How a policy action is logged, allowed or refused: the one mapping. */
export const AUDIT_ACTION_OF: Readonly<Record<Action, AuditAction>> = {
  access: 'READ',
  read: 'READ',
  create: 'CREATE',
  update: 'UPDATE',
  correct: 'UPDATE',
};

/** One access-log entry before it gets its place in the chain. */
export interface AuditEntryInput {
  at: Date;
  requestId: string;
  operationName: string | null;
  subgraph: string;
  actorKind: 'USER' | 'PARTNER' | 'SYSTEM';
  actorId: string;
  actorRole: string | null;
  organisationId: string | null;
  unitId: string | null;
  clientId: string | null;
  /** Stored entries keep whatever was written (older rows, tests): only new targets are closed (AuditTarget). */
  entityType: string;
  entityId: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  fields: string[];
  categories: string[];
  purpose: string | null;
  emergency: boolean;
  callerAddress: string | null;
  reason: string | null;
}

/** An entry's place in the chain. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/** A stored entry: the input plus its place in the chain. Drizzle's row type of audit.entries fits. */
export interface ChainedEntry extends AuditEntryInput, ChainLink {}
