import { createHash } from 'node:crypto';

/** The kinds of record a handover delivers (access-log entity types). */
export type HandoverEntityType = 'Document' | 'DocumentRevision' | 'Decision' | 'Placement' | 'CareDay' | 'Restriction' | 'Medication';

/** One record of the package as read from its table. */
export interface PackagedRecord {
  entityType: HandoverEntityType;
  entityId: string;
  /** The unit the record belongs to (its own, or its placement's or document's). */
  unitId: string;
  kind: string | null;
  recordedAt: Date | null;
  row: Record<string, unknown>;
}

/** One manifest item as stored in lifecycle.handovers.manifest (and answered as HandoverItem). */
export interface ManifestItem {
  entityType: HandoverEntityType;
  entityId: string;
  unitId: string;
  kind: string | null;
  recordedAt: string | null;
  contentSha256: string;
}

/**
 * What a record's content is: the columns the region receives, never bookkeeping (version, updatedAt) that
 * changes without the content changing. The hash lets the region verify what it received is what was
 * delivered.
 */
export const CONTENT_COLUMNS: Readonly<Record<HandoverEntityType, readonly string[]>> = {
  Document: ['id', 'clientId', 'unitId', 'relationshipId', 'commissionId', 'authorId', 'authorOrganisationId', 'type', 'title', 'body', 'recordedAt', 'currentRevision'],
  DocumentRevision: ['id', 'documentId', 'revision', 'title', 'body', 'authorId', 'reason', 'createdAt'],
  Decision: ['id', 'clientId', 'unitId', 'commissionId', 'type', 'legalAct', 'legalSection', 'decidedAt', 'decisionMakerId', 'content', 'notifiedOn', 'notificationMethod'],
  Placement: ['id', 'clientId', 'unitId', 'commissionId', 'decisionId', 'kind', 'providerOrganisationId', 'providerName', 'startsOn', 'endsOn'],
  CareDay: ['id', 'placementId', 'day', 'costCents'],
  Restriction: ['id', 'clientId', 'unitId', 'placementId', 'kind', 'reason', 'startsAt', 'endsAt', 'decidedBy'],
  Medication: ['id', 'clientId', 'unitId', 'placementId', 'medicine', 'dose', 'givenAt', 'givenBy'],
};

/** JSON with keys in code-point order and instants as ISO 8601: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical JSON of the record's content columns. */
export function contentSha256(entityType: HandoverEntityType, row: Record<string, unknown>): string {
  const content = Object.fromEntries(CONTENT_COLUMNS[entityType].map((c) => [c, row[c] ?? null]));
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export function manifestOf(records: readonly PackagedRecord[]): ManifestItem[] {
  return records.map((r) => ({
    entityType: r.entityType,
    entityId: r.entityId,
    unitId: r.unitId,
    kind: r.kind,
    recordedAt: r.recordedAt ? r.recordedAt.toISOString() : null,
    contentSha256: contentSha256(r.entityType, r.row),
  }));
}
