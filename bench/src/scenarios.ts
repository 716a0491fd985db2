import { createHash } from 'node:crypto';
import { DEMO_PARTNER_TOKEN } from '@vartija/db';
import type { WorldFacts } from './world';

/** One benchmarked request shape; `bodies` rotate per request so that caches see realistic variety. */
export interface Scenario {
  id: 'a' | 'b' | 'c1' | 'c2' | 'd';
  title: string;
  /** Who asks on Vartija's gateway (a persona login, or the partner token). */
  as: string;
  /** Bodies for Vartija's gateway. */
  bodies: string[];
  /** Bodies for the baselines: the same operations as plain queries (no persisted-operation layer there). */
  baselineBodies: string[];
  /** The partner scenario sends a partner API token instead of a staff JWT. */
  partnerToken?: string;
  /** Checks a probe response; returns a problem or null. */
  check(data: unknown): string | null;
}

export const CLIENT_PAGE = /* GraphQL */ `query ClientPage($id: ID!) {
  client(id: $id) {
    id displayName personalIdentityCode
    address { street postalCode postOffice }
    relationships { unit { name } serviceTask startedOn endedOn responsibleWorkerName }
    decisions { type legalAct legalSection decidedAt }
    placements { kind providerName startsOn endsOn }
    documents { type title revision revisions { revision reason } }
  }
}`;

export const CLIENT_LIST = /* GraphQL */ `query ClientList($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id displayName personalIdentityCode dateOfBirth municipality phone address { street postalCode postOffice } }
  }
}`;

export const ACCESS_REPORT = /* GraphQL */ `query ClientAccessReport($clientId: ID!) {
  clientAccessReport(clientId: $clientId) {
    clientId from to totalEntries
    rows { date organisationId unitId role purpose categories actions emergency entries }
  }
}`;

export const ACTOR_DAY = /* GraphQL */ `query ActorDay($filter: AuditFilter!) {
  auditEntries(filter: $filter, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id at requestId operationName subgraph actorId actorRole unitId clientId entityType entityId action outcome fields categories purpose }
  }
}`;

/** The partner's trusted document, registered by the registrar before the run. */
export const PARTNER_OPERATION = /* GraphQL */ `query PartnerCommissionedClients($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id displayName
      guardians { firstName lastName phone }
      placements { kind providerName startsOn endsOn }
      documents { type title recordedAt }
    }
  }
}`;
export const PARTNER_OPERATION_ID = 'bench.partner-commissioned-clients.v1';
export const PARTNER_OPERATION_SHA256 = createHash('sha256').update(PARTNER_OPERATION, 'utf8').digest('hex');

const body = (query: string, variables: Record<string, unknown>, operationName: string) => JSON.stringify({ query, variables, operationName });

const path = (data: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);

/** Keyset cursors of successive pages, so that list requests differ (no gateway can merge identical ones). */
export interface PageCursors {
  /** mgr-child's client list, pages of 50 (null = first page). */
  list: (string | null)[];
  /** majakka's commissioned clients, pages of 20. */
  partner: (string | null)[];
  /**
   * The same lists on the baselines, collected from a baseline configuration: cursors are sealed
   * and bound to the actor they were issued to, so the Vartija stack's cursors are not valid there
   * (the baselines' fixed actor is another, and they see every client).
   */
  baselineList: (string | null)[];
  baselinePartner: (string | null)[];
}

export const persistedBody = (variables: Record<string, unknown>) =>
  JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: PARTNER_OPERATION_SHA256 } } });

export function buildScenarios(world: WorldFacts, cursors: PageCursors): Scenario[] {
  const clientPages = world.clientPageIds.map((id) => body(CLIENT_PAGE, { id }, 'ClientPage'));
  const lists = cursors.list.map((after) => body(CLIENT_LIST, { first: 50, after }, 'ClientList'));
  const baselineLists = cursors.baselineList.map((after) => body(CLIENT_LIST, { first: 50, after }, 'ClientList'));
  const reports = world.busyClientIds.map((clientId) => body(ACCESS_REPORT, { clientId }, 'ClientAccessReport'));
  const day = 86_400_000;
  // The actor's days: the one the world names and the 13 before it (two working weeks).
  const actorDays = Array.from({ length: 14 }, (_, k) => {
    const from = new Date(Date.parse(world.actorDay.from) - k * day).toISOString();
    const to = new Date(Date.parse(world.actorDay.to) - k * day).toISOString();
    return body(ACTOR_DAY, { filter: { actorId: world.actorDay.actorId, from, to } }, 'ActorDay');
  });
  const partnerVariables = cursors.partner.map((after) => ({ first: 20, after }));
  return [
    {
      id: 'a',
      title: 'client page across three subgraphs (sw-child)',
      as: 'sw-child',
      bodies: clientPages,
      baselineBodies: clientPages,
      check: (data) => {
        const client = path(data, 'client') as { documents?: unknown[]; decisions?: unknown[]; personalIdentityCode?: unknown } | null;
        if (!client) return 'client is null';
        if (!client.documents?.length || !client.decisions?.length) return 'client page without documents or decisions';
        if (!client.personalIdentityCode) return 'no personal identity code';
        return null;
      },
    },
    {
      id: 'b',
      title: '50 clients with identity codes and addresses (mgr-child)',
      as: 'mgr-child',
      bodies: lists,
      baselineBodies: baselineLists,
      check: (data) => {
        const nodes = path(data, 'clients', 'nodes') as { personalIdentityCode?: unknown; address?: unknown }[] | undefined;
        if (nodes?.length !== 50) return `expected 50 clients, got ${nodes?.length}`;
        if (nodes.some((n) => !n.personalIdentityCode)) return 'a client without an identity code';
        return null;
      },
    },
    {
      id: 'c1',
      title: 'clientAccessReport over the 1M-entry log (dpo)',
      as: 'dpo',
      bodies: reports,
      baselineBodies: reports,
      check: (data) => {
        const total = path(data, 'clientAccessReport', 'totalEntries');
        return typeof total === 'number' && total > 0 ? null : `report without entries (${String(total)})`;
      },
    },
    {
      id: 'c2',
      title: 'auditEntries for one actor-day, first 50 + totalCount (dpo)',
      as: 'dpo',
      bodies: actorDays,
      baselineBodies: actorDays,
      check: (data) => {
        const nodes = path(data, 'auditEntries', 'nodes') as unknown[] | undefined;
        return nodes && nodes.length > 0 ? null : 'no entries for the actor-day';
      },
    },
    {
      id: 'd',
      title: "partner's persisted operation (majakka token)",
      as: 'majakka',
      partnerToken: DEMO_PARTNER_TOKEN,
      bodies: partnerVariables.map(persistedBody),
      baselineBodies: cursors.baselinePartner.map((after) => body(PARTNER_OPERATION, { first: 20, after }, 'PartnerCommissionedClients')),
      check: (data) => {
        const nodes = path(data, 'clients', 'nodes') as unknown[] | undefined;
        return nodes && nodes.length > 0 ? null : 'no commissioned clients';
      },
    },
  ];
}
