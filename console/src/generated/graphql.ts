/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActorKind =
  | 'PARTNER'
  | 'USER';

export type AuditAction =
  | 'CREATE'
  | 'DELETE'
  | 'DISCLOSE'
  | 'EXPORT'
  | 'PRINT'
  | 'READ'
  | 'UPDATE';

export type AuditActorKind =
  | 'PARTNER'
  | 'SYSTEM'
  | 'USER';

export type AuditFilter = {
  action?: AuditAction | null | undefined;
  actorId?: string | null | undefined;
  category?: SensitiveCategory | null | undefined;
  clientId?: string | number | null | undefined;
  from?: string | null | undefined;
  outcome?: AuditOutcome | null | undefined;
  purpose?: string | null | undefined;
  requestId?: string | null | undefined;
  to?: string | null | undefined;
  unitId?: string | number | null | undefined;
};

export type AuditOutcome =
  | 'ALLOWED'
  | 'DENIED';

/**
 * What a review queue holds (Finnish time for days and hours):
 * EMERGENCY: break-glass accesses (emergency = true).
 * OUTSIDE_CASELOAD: allowed accesses by a user to a client for whom, in the unit of the grant used, the
 *   user is the responsible worker of no relationship (the client is in the unit but not on the user's
 *   caseload); managers' accesses are not included.
 * OUTSIDE_WORKING_HOURS: allowed accesses to clients outside 07:00–18:00 Monday to Friday.
 * DENIED: refused attempts (outcome DENIED).
 * HIGH_VOLUME: accesses on actor-days whose accesses exceed 3 × the actor's own median over the period
 *   (at least 10 accesses); one item per actor-day (its first entry), the why says the numbers.
 */
export type ReviewQueueKind =
  | 'DENIED'
  | 'EMERGENCY'
  | 'HIGH_VOLUME'
  | 'OUTSIDE_CASELOAD'
  | 'OUTSIDE_WORKING_HOURS';

export type Role =
  | 'AUDITOR'
  | 'BILLING'
  | 'MANAGER'
  | 'REGISTRAR'
  | 'SOCIAL_WORKER'
  | 'STUDENT';

export type SensitiveCategory =
  | 'CASE_RECORD'
  | 'CONTACT'
  | 'FAMILY'
  | 'FINANCIAL'
  | 'HEALTH'
  | 'IDENTITY'
  | 'PERSONAL_ID'
  | 'WELFARE';

export type ActorActivityQueryVariables = Exact<{
  actorId: string | number;
  from: string;
  to: string;
}>;


export type ActorActivityQuery = { actorActivity: { actorId: string, actorName: string | null, days: Array<{ day: string, accesses: number, distinctClients: number }>, usual: { accessesMedian: number, accessesP90: number, distinctClientsMedian: number, distinctClientsP90: number, actorDays: number } } };

export type EntryRowFragment = { id: string, at: string, requestId: string, operationName: string | null, subgraph: string, actorKind: AuditActorKind, actorId: string, actorName: string | null, actorRole: string | null, organisationId: string | null, organisationName: string | null, unitId: string | null, unitName: string | null, clientId: string | null, entityType: string, entityId: string | null, action: AuditAction, outcome: AuditOutcome, intent: string, categories: Array<SensitiveCategory>, purpose: string | null, emergency: boolean };

export type ReviewFieldsFragment = { id: string, entryId: string, reviewerId: string, reviewerName: string | null, note: string, reviewedAt: string, monitoringRunId: string | null };

export type RunFieldsFragment = { id: string, seed: number, size: number, from: string, to: string, startedAt: string, startedBy: string, startedByName: string | null, reviewedCount: number };

export type ReviewQueueQueryVariables = Exact<{
  kind: ReviewQueueKind;
  from?: string | null | undefined;
  to?: string | null | undefined;
  includeReviewed?: boolean | null | undefined;
  first?: number | null | undefined;
}>;


export type ReviewQueueQuery = { reviewQueue: Array<{ why: string, reviewed: boolean, entry: { id: string, at: string, requestId: string, operationName: string | null, subgraph: string, actorKind: AuditActorKind, actorId: string, actorName: string | null, actorRole: string | null, organisationId: string | null, organisationName: string | null, unitId: string | null, unitName: string | null, clientId: string | null, entityType: string, entityId: string | null, action: AuditAction, outcome: AuditOutcome, intent: string, categories: Array<SensitiveCategory>, purpose: string | null, emergency: boolean, client: { id: string, displayName: string | null } | null, reviews: Array<{ id: string, entryId: string, reviewerId: string, reviewerName: string | null, note: string, reviewedAt: string, monitoringRunId: string | null }> } }> };

export type MarkReviewedMutationVariables = Exact<{
  entryId: string | number;
  note: string;
  monitoringRunId?: string | number | null | undefined;
}>;


export type MarkReviewedMutation = { markReviewed: { id: string, entryId: string, reviewerId: string, reviewerName: string | null, note: string, reviewedAt: string, monitoringRunId: string | null } };

export type MonitoringRunsQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type MonitoringRunsQuery = { monitoringRuns: Array<{ id: string, seed: number, size: number, from: string, to: string, startedAt: string, startedBy: string, startedByName: string | null, reviewedCount: number }> };

export type MonitoringRunEntriesQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type MonitoringRunEntriesQuery = { monitoringRuns: Array<{ id: string, seed: number, size: number, from: string, to: string, startedAt: string, startedBy: string, startedByName: string | null, reviewedCount: number, entries: Array<{ id: string, at: string, requestId: string, operationName: string | null, subgraph: string, actorKind: AuditActorKind, actorId: string, actorName: string | null, actorRole: string | null, organisationId: string | null, organisationName: string | null, unitId: string | null, unitName: string | null, clientId: string | null, entityType: string, entityId: string | null, action: AuditAction, outcome: AuditOutcome, intent: string, categories: Array<SensitiveCategory>, purpose: string | null, emergency: boolean, client: { id: string, displayName: string | null } | null, reviews: Array<{ id: string, entryId: string, reviewerId: string, reviewerName: string | null, note: string, reviewedAt: string, monitoringRunId: string | null }> }> }> };

export type StartSampleReviewMutationVariables = Exact<{
  size: number;
  seed: number;
  from: string;
  to: string;
}>;


export type StartSampleReviewMutation = { startSampleReview: { id: string, seed: number, size: number, from: string, to: string, startedAt: string, startedBy: string, startedByName: string | null, reviewedCount: number, entries: Array<{ id: string, at: string, requestId: string, operationName: string | null, subgraph: string, actorKind: AuditActorKind, actorId: string, actorName: string | null, actorRole: string | null, organisationId: string | null, organisationName: string | null, unitId: string | null, unitName: string | null, clientId: string | null, entityType: string, entityId: string | null, action: AuditAction, outcome: AuditOutcome, intent: string, categories: Array<SensitiveCategory>, purpose: string | null, emergency: boolean, client: { id: string, displayName: string | null } | null, reviews: Array<{ id: string, entryId: string, reviewerId: string, reviewerName: string | null, note: string, reviewedAt: string, monitoringRunId: string | null }> }> } };

export type SearchEntriesQueryVariables = Exact<{
  filter?: AuditFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SearchEntriesQuery = { auditEntries: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, at: string, requestId: string, operationName: string | null, subgraph: string, actorKind: AuditActorKind, actorId: string, actorName: string | null, actorRole: string | null, organisationId: string | null, organisationName: string | null, unitId: string | null, unitName: string | null, clientId: string | null, entityType: string, entityId: string | null, action: AuditAction, outcome: AuditOutcome, intent: string, categories: Array<SensitiveCategory>, purpose: string | null, emergency: boolean, client: { id: string, displayName: string | null } | null }> } };

export type EntryDetailQueryVariables = Exact<{
  requestId: string;
}>;


export type EntryDetailQuery = { auditEntries: { nodes: Array<{ fields: Array<string>, callerAddress: string | null, reason: string | null, id: string, at: string, requestId: string, operationName: string | null, subgraph: string, actorKind: AuditActorKind, actorId: string, actorName: string | null, actorRole: string | null, organisationId: string | null, organisationName: string | null, unitId: string | null, unitName: string | null, clientId: string | null, entityType: string, entityId: string | null, action: AuditAction, outcome: AuditOutcome, intent: string, categories: Array<SensitiveCategory>, purpose: string | null, emergency: boolean, client: { id: string, displayName: string | null } | null, reviews: Array<{ id: string, entryId: string, reviewerId: string, reviewerName: string | null, note: string, reviewedAt: string, monitoringRunId: string | null }> }> } };

export type FindActorsQueryVariables = Exact<{
  search?: string | null | undefined;
  first?: number | null | undefined;
}>;


export type FindActorsQuery = { auditActors: Array<{ id: string, kind: AuditActorKind, name: string | null, login: string | null }> };

export type FindClientsQueryVariables = Exact<{
  lastNamePrefix: string;
}>;


export type FindClientsQuery = { clients: { nodes: Array<{ id: string, displayName: string | null }> } };

export type ConsoleSessionQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSessionQuery = { me: { id: string, login: string | null, kind: ActorKind, organisationId: string, grants: Array<{ id: string, role: Role }> }, auditUnits: Array<{ id: string, name: string, organisationId: string, organisationName: string }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const EntryRowFragmentDoc = new TypedDocumentString(`
    fragment EntryRow on AuditEntry {
  id
  at
  requestId
  operationName
  subgraph
  actorKind
  actorId
  actorName
  actorRole
  organisationId
  organisationName
  unitId
  unitName
  clientId
  entityType
  entityId
  action
  outcome
  intent
  categories
  purpose
  emergency
}
    `, {"fragmentName":"EntryRow"}) as unknown as TypedDocumentString<EntryRowFragment, unknown>;
export const ReviewFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReviewFields on AuditReview {
  id
  entryId
  reviewerId
  reviewerName
  note
  reviewedAt
  monitoringRunId
}
    `, {"fragmentName":"ReviewFields"}) as unknown as TypedDocumentString<ReviewFieldsFragment, unknown>;
export const RunFieldsFragmentDoc = new TypedDocumentString(`
    fragment RunFields on MonitoringRun {
  id
  seed
  size
  from
  to
  startedAt
  startedBy
  startedByName
  reviewedCount
}
    `, {"fragmentName":"RunFields"}) as unknown as TypedDocumentString<RunFieldsFragment, unknown>;
export const ActorActivityDocument = new TypedDocumentString(`
    query ActorActivity($actorId: ID!, $from: Date!, $to: Date!) {
  actorActivity(actorId: $actorId, from: $from, to: $to) {
    actorId
    actorName
    days {
      day
      accesses
      distinctClients
    }
    usual {
      accessesMedian
      accessesP90
      distinctClientsMedian
      distinctClientsP90
      actorDays
    }
  }
}
    `) as unknown as TypedDocumentString<ActorActivityQuery, ActorActivityQueryVariables>;
export const ReviewQueueDocument = new TypedDocumentString(`
    query ReviewQueue($kind: ReviewQueueKind!, $from: DateTime, $to: DateTime, $includeReviewed: Boolean, $first: Int) {
  reviewQueue(
    kind: $kind
    from: $from
    to: $to
    includeReviewed: $includeReviewed
    first: $first
  ) {
    why
    reviewed
    entry {
      ...EntryRow
      client {
        id
        displayName
      }
      reviews {
        ...ReviewFields
      }
    }
  }
}
    fragment EntryRow on AuditEntry {
  id
  at
  requestId
  operationName
  subgraph
  actorKind
  actorId
  actorName
  actorRole
  organisationId
  organisationName
  unitId
  unitName
  clientId
  entityType
  entityId
  action
  outcome
  intent
  categories
  purpose
  emergency
}
fragment ReviewFields on AuditReview {
  id
  entryId
  reviewerId
  reviewerName
  note
  reviewedAt
  monitoringRunId
}`) as unknown as TypedDocumentString<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const MarkReviewedDocument = new TypedDocumentString(`
    mutation MarkReviewed($entryId: ID!, $note: String!, $monitoringRunId: ID) {
  markReviewed(entryId: $entryId, note: $note, monitoringRunId: $monitoringRunId) {
    ...ReviewFields
  }
}
    fragment ReviewFields on AuditReview {
  id
  entryId
  reviewerId
  reviewerName
  note
  reviewedAt
  monitoringRunId
}`) as unknown as TypedDocumentString<MarkReviewedMutation, MarkReviewedMutationVariables>;
export const MonitoringRunsDocument = new TypedDocumentString(`
    query MonitoringRuns($first: Int) {
  monitoringRuns(first: $first) {
    ...RunFields
  }
}
    fragment RunFields on MonitoringRun {
  id
  seed
  size
  from
  to
  startedAt
  startedBy
  startedByName
  reviewedCount
}`) as unknown as TypedDocumentString<MonitoringRunsQuery, MonitoringRunsQueryVariables>;
export const MonitoringRunEntriesDocument = new TypedDocumentString(`
    query MonitoringRunEntries($first: Int) {
  monitoringRuns(first: $first) {
    ...RunFields
    entries {
      ...EntryRow
      client {
        id
        displayName
      }
      reviews {
        ...ReviewFields
      }
    }
  }
}
    fragment EntryRow on AuditEntry {
  id
  at
  requestId
  operationName
  subgraph
  actorKind
  actorId
  actorName
  actorRole
  organisationId
  organisationName
  unitId
  unitName
  clientId
  entityType
  entityId
  action
  outcome
  intent
  categories
  purpose
  emergency
}
fragment ReviewFields on AuditReview {
  id
  entryId
  reviewerId
  reviewerName
  note
  reviewedAt
  monitoringRunId
}
fragment RunFields on MonitoringRun {
  id
  seed
  size
  from
  to
  startedAt
  startedBy
  startedByName
  reviewedCount
}`) as unknown as TypedDocumentString<MonitoringRunEntriesQuery, MonitoringRunEntriesQueryVariables>;
export const StartSampleReviewDocument = new TypedDocumentString(`
    mutation StartSampleReview($size: Int!, $seed: Int!, $from: DateTime!, $to: DateTime!) {
  startSampleReview(size: $size, seed: $seed, from: $from, to: $to) {
    ...RunFields
    entries {
      ...EntryRow
      client {
        id
        displayName
      }
      reviews {
        ...ReviewFields
      }
    }
  }
}
    fragment EntryRow on AuditEntry {
  id
  at
  requestId
  operationName
  subgraph
  actorKind
  actorId
  actorName
  actorRole
  organisationId
  organisationName
  unitId
  unitName
  clientId
  entityType
  entityId
  action
  outcome
  intent
  categories
  purpose
  emergency
}
fragment ReviewFields on AuditReview {
  id
  entryId
  reviewerId
  reviewerName
  note
  reviewedAt
  monitoringRunId
}
fragment RunFields on MonitoringRun {
  id
  seed
  size
  from
  to
  startedAt
  startedBy
  startedByName
  reviewedCount
}`) as unknown as TypedDocumentString<StartSampleReviewMutation, StartSampleReviewMutationVariables>;
export const SearchEntriesDocument = new TypedDocumentString(`
    query SearchEntries($filter: AuditFilter, $first: Int, $after: String) {
  auditEntries(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...EntryRow
      client {
        id
        displayName
      }
    }
  }
}
    fragment EntryRow on AuditEntry {
  id
  at
  requestId
  operationName
  subgraph
  actorKind
  actorId
  actorName
  actorRole
  organisationId
  organisationName
  unitId
  unitName
  clientId
  entityType
  entityId
  action
  outcome
  intent
  categories
  purpose
  emergency
}`) as unknown as TypedDocumentString<SearchEntriesQuery, SearchEntriesQueryVariables>;
export const EntryDetailDocument = new TypedDocumentString(`
    query EntryDetail($requestId: String!) {
  auditEntries(filter: {requestId: $requestId}, first: 100) {
    nodes {
      ...EntryRow
      fields
      callerAddress
      reason
      client {
        id
        displayName
      }
      reviews {
        ...ReviewFields
      }
    }
  }
}
    fragment EntryRow on AuditEntry {
  id
  at
  requestId
  operationName
  subgraph
  actorKind
  actorId
  actorName
  actorRole
  organisationId
  organisationName
  unitId
  unitName
  clientId
  entityType
  entityId
  action
  outcome
  intent
  categories
  purpose
  emergency
}
fragment ReviewFields on AuditReview {
  id
  entryId
  reviewerId
  reviewerName
  note
  reviewedAt
  monitoringRunId
}`) as unknown as TypedDocumentString<EntryDetailQuery, EntryDetailQueryVariables>;
export const FindActorsDocument = new TypedDocumentString(`
    query FindActors($search: String, $first: Int) {
  auditActors(search: $search, first: $first) {
    id
    kind
    name
    login
  }
}
    `) as unknown as TypedDocumentString<FindActorsQuery, FindActorsQueryVariables>;
export const FindClientsDocument = new TypedDocumentString(`
    query FindClients($lastNamePrefix: String!) {
  clients(filter: {lastNamePrefix: $lastNamePrefix}, first: 10) {
    nodes {
      id
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<FindClientsQuery, FindClientsQueryVariables>;
export const ConsoleSessionDocument = new TypedDocumentString(`
    query ConsoleSession {
  me {
    id
    login
    kind
    organisationId
    grants {
      id
      role
    }
  }
  auditUnits {
    id
    name
    organisationId
    organisationName
  }
}
    `) as unknown as TypedDocumentString<ConsoleSessionQuery, ConsoleSessionQueryVariables>;