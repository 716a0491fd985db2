/**
 * The expectations of the channels suite, written from DESIGN.md §4 (policy v1 table read per grant,
 * policy v2 "every channel, every grant") and §1 (visibility window) — not from the policy module.
 *
 * `World` holds the facts of the seeded register (clients, relationships, commissions), read straight
 * from the tables; `Oracle` answers, for a persona, which clients a channel may yield.
 */
import { clientRelationships, clients, commissions, DEMO, type Database } from '@vartija/db';

export type Role = 'SOCIAL_WORKER' | 'MANAGER' | 'STUDENT' | 'BILLING' | 'AUDITOR' | 'REGISTRAR' | 'PARTNER';

/** The client fields the channels read: the filters' fields, the sort key and the contact data of responses. */
export type ChannelField = 'lastName' | 'displayName' | 'personalIdentityCode' | 'relationships';

/** Category of each channel field (the @sensitive declarations of §5). */
export const CATEGORY: Readonly<Record<ChannelField, string>> = {
  lastName: 'IDENTITY',
  displayName: 'IDENTITY',
  personalIdentityCode: 'PERSONAL_ID',
  relationships: 'WELFARE',
};

/**
 * DESIGN §4, the columns of the read table for the fields the channels touch:
 * - IDENTITY: names for every role (BILLING and AUDITOR "names only", the REGISTRAR's archive, a partner with clients:read);
 * - PERSONAL_ID: not for STUDENT nor PARTNER;
 * - WELFARE (Client.relationships): the unit roles; BILLING only placements and care days, AUDITOR none,
 *   the REGISTRAR nothing but identity, a partner only its own commission's records.
 */
const READS: Readonly<Record<Role, Readonly<Record<ChannelField, boolean>>>> = {
  SOCIAL_WORKER: { lastName: true, displayName: true, personalIdentityCode: true, relationships: true },
  MANAGER: { lastName: true, displayName: true, personalIdentityCode: true, relationships: true },
  STUDENT: { lastName: true, displayName: true, personalIdentityCode: false, relationships: true },
  BILLING: { lastName: true, displayName: true, personalIdentityCode: true, relationships: false },
  AUDITOR: { lastName: true, displayName: true, personalIdentityCode: true, relationships: false },
  REGISTRAR: { lastName: true, displayName: true, personalIdentityCode: true, relationships: false },
  PARTNER: { lastName: true, displayName: true, personalIdentityCode: false, relationships: false },
};

const UNIT_ROLES: readonly Role[] = ['SOCIAL_WORKER', 'MANAGER', 'STUDENT'];

export interface PersonaGrant {
  role: Role;
  /** null: organisation-wide (or a partner token). */
  unitId: string | null;
  organisationId: string;
}

export interface Persona {
  login: string;
  userId: string | null;
  grants: readonly PersonaGrant[];
}

export interface ClientFact {
  id: string;
  organisationId: string;
  lastName: string | null;
  firstName: string | null;
  pseudonym: string | null;
  personalIdentityCode: string | null;
  addressNonDisclosure: boolean;
}

export interface RelationshipFact {
  id: string;
  clientId: string;
  unitId: string;
  endedOn: string | null;
  responsibleWorkerId: string | null;
}

export interface ListFilter {
  lastNamePrefix?: string;
  personalIdentityCode?: string;
  unitId?: string;
  activeOnly?: boolean;
}

/** Which fields each filter argument reads (§4 policy v2: "filtering … on a field needs the right to read that field"). */
export const FILTER_FIELDS: Readonly<Record<keyof ListFilter, ChannelField>> = {
  lastNamePrefix: 'lastName',
  personalIdentityCode: 'personalIdentityCode',
  unitId: 'relationships',
  activeOnly: 'relationships',
};

export function filterFields(filter: ListFilter): ChannelField[] {
  const used = (Object.keys(filter) as (keyof ListFilter)[]).filter((k) => filter[k] !== undefined && filter[k] !== false && filter[k] !== '');
  return [...new Set(used.map((k) => FILTER_FIELDS[k]))];
}

const DAY_MS = 86_400_000;

export class World {
  readonly clients = new Map<string, ClientFact>();
  readonly relationships: RelationshipFact[] = [];
  readonly relationshipsOf = new Map<string, RelationshipFact[]>();
  /** Clients with a commission to majakka in force today. */
  readonly commissioned = new Set<string>();
  /** Of those, clients one of whose active commissions lets majakka read names (partnerScopes: clients:read). */
  readonly commissionedNames = new Set<string>();
  /** First day a relationship may have ended on and still make its client visible (12-month window, §1). */
  readonly cutoff: string;
  readonly today: string;

  private constructor(now: Date) {
    this.today = now.toISOString().slice(0, 10);
    // The seed keeps a wide margin around the 12-month window (recently ended ≤ 330 days, archived ≥ 400).
    this.cutoff = new Date(now.getTime() - 365 * DAY_MS).toISOString().slice(0, 10);
  }

  static async load(db: Database['db'], now: Date): Promise<World> {
    const world = new World(now);
    for (const c of await db.select().from(clients)) {
      world.clients.set(c.id, {
        id: c.id,
        organisationId: c.organisationId,
        lastName: c.lastName,
        firstName: c.firstName,
        pseudonym: c.pseudonym,
        personalIdentityCode: c.personalIdentityCode,
        addressNonDisclosure: c.addressNonDisclosure,
      });
    }
    for (const r of await db.select().from(clientRelationships)) {
      const fact = { id: r.id, clientId: r.clientId, unitId: r.unitId, endedOn: r.endedOn, responsibleWorkerId: r.responsibleWorkerId };
      world.relationships.push(fact);
      world.relationshipsOf.set(r.clientId, [...(world.relationshipsOf.get(r.clientId) ?? []), fact]);
    }
    for (const c of await db.select().from(commissions)) {
      if (c.partnerOrganisationId === DEMO.organisations.majakka.id && c.startsOn <= world.today && (c.endsOn === null || c.endsOn > world.today)) {
        world.commissioned.add(c.clientId);
        if (c.partnerScopes.includes('clients:read')) world.commissionedNames.add(c.clientId);
      }
    }
    return world;
  }

  client(id: string): ClientFact {
    const c = this.clients.get(id);
    if (!c) throw new Error(`channels: no client ${id}`);
    return c;
  }

  codeOf(id: string): string {
    const code = this.client(id).personalIdentityCode;
    if (!code) throw new Error(`channels: client ${id} has no identity code`);
    return code;
  }

  /** Every client with this identity code, in any organisation (codes are unique per organisation only). */
  clientsWithCode(code: string): string[] {
    return [...this.clients.values()].filter((c) => c.personalIdentityCode === code).map((c) => c.id);
  }

  /** A relationship that is open, or ended within the window (§1). */
  inWindow(r: RelationshipFact): boolean {
    return r.endedOn === null || r.endedOn >= this.cutoff;
  }
}

/** What a persona's channels may yield, derived from §4 for each of its grants. */
export class Oracle {
  constructor(private readonly world: World) {}

  /** §4 row rule, per grant: unit roles through a relationship with the unit in the window; BILLING and AUDITOR the organisation's clients that are not archived; the REGISTRAR only the archive; a partner its commissioned clients. */
  visibleThrough(grant: PersonaGrant, clientId: string): boolean {
    const client = this.world.client(clientId);
    const relationships = this.world.relationshipsOf.get(clientId) ?? [];
    if (grant.role === 'PARTNER') return this.world.commissioned.has(clientId);
    if (client.organisationId !== grant.organisationId) return false;
    if (UNIT_ROLES.includes(grant.role)) return relationships.some((r) => r.unitId === grant.unitId && this.world.inWindow(r));
    const archived = relationships.length > 0 && relationships.every((r) => !this.world.inWindow(r));
    if (grant.role === 'REGISTRAR') return archived;
    return relationships.some((r) => this.world.inWindow(r));
  }

  grantsSeeing(persona: Persona, clientId: string): PersonaGrant[] {
    return persona.grants.filter((g) => this.visibleThrough(g, clientId));
  }

  visible(persona: Persona, clientId: string): boolean {
    return this.grantsSeeing(persona, clientId).length > 0;
  }

  /** Grants under which the persona reads `field` of the client: it must see the client through them (policy v2). */
  grantsReading(persona: Persona, clientId: string, field: ChannelField): PersonaGrant[] {
    // A partner reads names (IDENTITY) only under a commission that gives it clients:read (issue 11).
    const commissionAllows = (g: PersonaGrant) => g.role !== 'PARTNER' || CATEGORY[field] !== 'IDENTITY' || this.world.commissionedNames.has(clientId);
    return this.grantsSeeing(persona, clientId).filter((g) => READS[g.role][field] && commissionAllows(g));
  }

  readable(persona: Persona, clientId: string, field: ChannelField): boolean {
    return this.grantsReading(persona, clientId, field).length > 0;
  }

  /**
   * §4 CONTACT, per grant: MANAGER always; SOCIAL_WORKER unless the client is under non-disclosure and the
   * persona is not its responsible worker; the other roles never (BILLING's municipality aside).
   */
  contactReadable(persona: Persona, clientId: string): boolean {
    const client = this.world.client(clientId);
    const responsible = (this.world.relationshipsOf.get(clientId) ?? []).some((r) => r.endedOn === null && r.responsibleWorkerId === persona.userId);
    return this.grantsSeeing(persona, clientId).some((g) => g.role === 'MANAGER' || (g.role === 'SOCIAL_WORKER' && (!client.addressNonDisclosure || responsible)));
  }

  /** No grant of the persona reads the field on any row. */
  neverReadable(persona: Persona, field: ChannelField): boolean {
    return persona.grants.every((g) => !READS[g.role][field]);
  }

  /** Relationships the persona sees: its unit grants' relationships in the window, if the role reads relationships. */
  visibleRelationships(persona: Persona, clientId: string): string[] {
    const units = persona.grants.filter((g) => UNIT_ROLES.includes(g.role) && READS[g.role].relationships).map((g) => g.unitId);
    return (this.world.relationshipsOf.get(clientId) ?? []).filter((r) => units.includes(r.unitId) && this.world.inWindow(r)).map((r) => r.id);
  }

  allVisible(persona: Persona): Set<string> {
    return new Set([...this.world.clients.keys()].filter((id) => this.visible(persona, id)));
  }

  /**
   * The clients a filtered list yields, or FORBIDDEN when the persona may read a filtered field on no
   * row at all. Every selected row must be visible and have every field the request reads (filters
   * and the sort by name) readable; a relationship filter matches only relationships the persona sees.
   */
  list(persona: Persona, filter: ListFilter): Set<string> | 'FORBIDDEN' {
    const fields = [...new Set<ChannelField>(['displayName', ...filterFields(filter)])];
    if (fields.some((f) => this.neverReadable(persona, f))) return 'FORBIDDEN';
    const byId = new Map(this.world.relationships.map((r) => [r.id, r]));
    const out = new Set<string>();
    for (const client of this.world.clients.values()) {
      if (!this.visible(persona, client.id)) continue;
      if (!fields.every((f) => this.readable(persona, client.id, f))) continue;
      if (filter.lastNamePrefix && !(client.lastName ?? '').toLowerCase().startsWith(filter.lastNamePrefix.toLowerCase())) continue;
      if (filter.personalIdentityCode && client.personalIdentityCode !== filter.personalIdentityCode.trim().toUpperCase()) continue;
      if (filter.unitId || filter.activeOnly) {
        const matching = this.visibleRelationships(persona, client.id)
          .map((id) => byId.get(id)!)
          .filter((r) => (!filter.unitId || r.unitId === filter.unitId) && (!filter.activeOnly || r.endedOn === null));
        if (matching.length === 0) continue;
      }
      out.add(client.id);
    }
    return out;
  }

  /** A look-up by identity code: FORBIDDEN when the persona never reads codes, else the client it may read the code of, or null. */
  byCode(persona: Persona, code: string): string | null | 'FORBIDDEN' {
    if (this.neverReadable(persona, 'personalIdentityCode')) return 'FORBIDDEN';
    const found = this.world.clientsWithCode(code).filter((id) => this.readable(persona, id, 'personalIdentityCode'));
    if (found.length > 1) throw new Error(`channels: ${persona.login} reads code ${code} of several clients`);
    return found[0] ?? null;
  }
}

const UNIT_ID: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(DEMO.units).map(([code, u]) => [code, u.id]));

/**
 * The organisation whose register the persona works in (kit registerOrganisationOf): its own; for the
 * partner token, the region that issued it. Refused look-ups name only this organisation's clients.
 */
export function registerOf(persona: Persona): string {
  return persona.grants[0]!.role === 'PARTNER' ? DEMO.organisations.region.id : persona.grants[0]!.organisationId;
}

/** A persona of §7 with the grants it holds (unit ids resolved). */
export function personaOf(login: string, tokenId?: string): Persona {
  if (login === 'majakka') {
    return { login, userId: tokenId ?? null, grants: [{ role: 'PARTNER', unitId: null, organisationId: DEMO.organisations.majakka.id }] };
  }
  const user = (DEMO.users as unknown as Record<string, { id: string; grants: readonly { role: string; unit: string | null; organisation: string }[] }>)[login];
  if (!user) throw new Error(`channels: no persona ${login}`);
  return {
    login,
    userId: user.id,
    grants: user.grants.map((g) => ({
      role: g.role as Role,
      unitId: g.unit === null ? null : UNIT_ID[g.unit]!,
      organisationId: DEMO.organisations[g.organisation as keyof typeof DEMO.organisations].id,
    })),
  };
}
