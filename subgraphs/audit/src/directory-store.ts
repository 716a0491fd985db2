import { apiTokens, organisations, type Queryable, units, users, inList } from '@vartija/db';
import { isUuid } from '@vartija/kit';
import { and, asc, eq, ilike, or, type SQL } from 'drizzle-orm';

/** An actor of the log by name: a user, or a partner organisation's API token. */
export interface NamedActor {
  id: string;
  kind: 'USER' | 'PARTNER';
  name: string;
  login: string | null;
}

export interface NamedUnit {
  id: string;
  name: string;
  organisationId: string;
  organisationName: string;
}

/** `%text%` for ILIKE, the pattern characters taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Names for the log's ids (issue 15: actors, units and organisations by name, not UUIDs). The look-ups
 * by id serve DataLoaders (one IN per batch); the lists are the organisation's own.
 */
export class DirectoryStore {
  constructor(private readonly db: Queryable) {}

  /** Users and tokens by id (ids that are neither, e.g. a SYSTEM job's name, are simply not found). */
  async actors(ids: readonly string[]): Promise<NamedActor[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    if (valid.length === 0) return [];
    const [people, tokens] = await Promise.all([
      this.db.select({ id: users.id, name: users.displayName, login: users.login }).from(users).where(inList(users.id, valid)),
      this.tokens(inList(apiTokens.id, valid)),
    ]);
    return [...people.map((u) => ({ ...u, kind: 'USER' as const })), ...tokens];
  }

  /** One actor by id, only if it can appear in the organisation's part of the log (its users, tokens it issued or owns). */
  async actorOf(organisationId: string, id: string): Promise<NamedActor | undefined> {
    if (!isUuid(id)) return undefined;
    const key = id.toLowerCase();
    const [people, tokens] = await Promise.all([
      this.db
        .select({ id: users.id, name: users.displayName, login: users.login })
        .from(users)
        .where(and(eq(users.id, key), eq(users.organisationId, organisationId))),
      this.tokens(and(eq(apiTokens.id, key), or(eq(apiTokens.issuerOrganisationId, organisationId), eq(apiTokens.organisationId, organisationId)))!),
    ]);
    return [...people.map((u) => ({ ...u, kind: 'USER' as const })), ...tokens][0];
  }

  units(ids: readonly string[]): Promise<NamedUnit[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    if (valid.length === 0) return Promise.resolve([]);
    return this.unitQuery(inList(units.id, valid));
  }

  organisations(ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    const valid = ids.filter(isUuid).map((id) => id.toLowerCase());
    if (valid.length === 0) return Promise.resolve([]);
    return this.db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inList(organisations.id, valid));
  }

  /** The organisation's units, by name. */
  unitsOf(organisationId: string): Promise<NamedUnit[]> {
    return this.unitQuery(eq(units.organisationId, organisationId));
  }

  /**
   * The actors that can appear in the organisation's part of the log: its users and the partner tokens
   * it issued (or its own), whose name or login contains `search` (case-insensitive), by name.
   */
  async actorsOf(organisationId: string, search: string | null, limit: number): Promise<NamedActor[]> {
    const pattern = search ? contains(search) : null;
    const [people, tokens] = await Promise.all([
      this.db
        .select({ id: users.id, name: users.displayName, login: users.login })
        .from(users)
        .where(and(eq(users.organisationId, organisationId), pattern ? or(ilike(users.displayName, pattern), ilike(users.login, pattern)) : undefined))
        .orderBy(asc(users.displayName), asc(users.id))
        .limit(limit),
      this.tokens(
        and(
          or(eq(apiTokens.issuerOrganisationId, organisationId), eq(apiTokens.organisationId, organisationId)),
          pattern ? or(ilike(apiTokens.name, pattern), ilike(organisations.name, pattern)) : undefined,
        )!,
        limit,
      ),
    ]);
    return [...people.map((u) => ({ ...u, kind: 'USER' as const })), ...tokens]
      .sort((a, b) => a.name.localeCompare(b.name, 'fi') || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  /** A token is named with its organisation: "Perhekoti Majakka: integration". */
  private async tokens(where: SQL, limit?: number): Promise<NamedActor[]> {
    const query = this.db
      .select({ id: apiTokens.id, token: apiTokens.name, organisation: organisations.name })
      .from(apiTokens)
      .innerJoin(organisations, eq(organisations.id, apiTokens.organisationId))
      .where(where)
      .orderBy(asc(apiTokens.name), asc(apiTokens.id));
    const rows = limit === undefined ? await query : await query.limit(limit);
    return rows.map((t) => ({ id: t.id, kind: 'PARTNER' as const, name: `${t.organisation}: ${t.token}`, login: null }));
  }

  private unitQuery(where: SQL): Promise<NamedUnit[]> {
    return this.db
      .select({ id: units.id, name: units.name, organisationId: units.organisationId, organisationName: organisations.name })
      .from(units)
      .innerJoin(organisations, eq(organisations.id, units.organisationId))
      .where(where)
      .orderBy(asc(organisations.name), asc(units.name));
  }
}
