import type { MongoQuery } from '@casl/ability';
import type { Grant } from '../actor';
import type { PolicyClock } from './ability';

/** The first day a relationship must have ended on, or after, for the unit's staff to still see the client. */
export function cutoffDate(today: string, windowMonths: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - windowMonths);
  return date.toISOString().slice(0, 10);
}

export interface UnitWindow {
  unitId: string;
  cutoff: string;
}

/** A unit grant's visibility window. */
export function windowOf(grant: Grant, clock: PolicyClock): UnitWindow {
  return { unitId: grant.unitId!, cutoff: cutoffDate(clock.today, grant.visibilityWindowMonths ?? 12) };
}

// CASL's Mongo dialect has no $or: each "either … or" is a list of alternatives, one rule each.

/** A relationship with the unit that is open, or ended within the unit's visibility window. */
export const relationshipVisibleIn = (w: UnitWindow): MongoQuery[] => [
  { unitId: w.unitId, endedOn: null },
  { unitId: w.unitId, endedOn: { $gte: w.cutoff } },
];

/** The client has such a relationship (asiakkuus): the verified link that grants staff access. */
export const clientVisibleIn = (w: UnitWindow): MongoQuery[] =>
  relationshipVisibleIn(w).map((r) => ({ relationships: { $elemMatch: r } }));

/**
 * A commission to the organisation that is in force today. `endsOn` is the day it ends: from that day on the
 * partner has no access (issue 11: endCommission, today by default, removes the access at once).
 */
export const activeCommissionOf = (organisationId: string, clock: PolicyClock): MongoQuery[] => [
  { partnerOrganisationId: organisationId, startsOn: { $lte: clock.today }, endsOn: null },
  { partnerOrganisationId: organisationId, startsOn: { $lte: clock.today }, endsOn: { $gt: clock.today } },
];

/** `{ [relation]: { $elemMatch: alternative } }` for each alternative. */
export const through = (relation: string, alternatives: MongoQuery[], extra: MongoQuery = {}): MongoQuery[] =>
  alternatives.map((a) => ({ ...extra, [relation]: { $elemMatch: a } }));
