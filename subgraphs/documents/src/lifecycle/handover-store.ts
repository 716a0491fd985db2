import {
  careDays,
  commissions,
  documentRevisions,
  documents,
  decisions,
  handovers,
  medications,
  organisations,
  placements,
  type Queryable,
  restrictions,
  units,
} from '@vartija/db';
import { activeCommissionOf, matchingSql } from '@vartija/kit';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { PackagedRecord } from './handover-manifest';

export type HandoverRow = typeof handovers.$inferSelect;
export type CommissionRow = typeof commissions.$inferSelect;
/** A commission, whether it is active on the day asked and whether the actor's row scope reaches it. */
export interface CommissionWithFlags {
  row: CommissionRow;
  active: boolean;
  visible: boolean;
}

/** Handovers at the end of a commission (seed 000): the package's SQL, one statement per table. */
export class HandoverStore {
  constructor(private readonly db: Queryable) {}

  /**
   * The commission, whether it is active on `day` (the policy's own definition, kit conditions.ts
   * activeCommissionOf) and whether the actor's row scope (`scope`) reaches it.
   */
  async commission(id: string, day: string, scope: SQL): Promise<CommissionWithFlags | undefined> {
    const [row] = await this.db.select().from(commissions).where(eq(commissions.id, id));
    return row ? this.withFlags(row, day, scope) : undefined;
  }

  /** The commission (already read, e.g. locked) with its flags, in one statement. */
  async withFlags(row: CommissionRow, day: string, scope: SQL): Promise<CommissionWithFlags> {
    const [flags] = await this.db
      .select({
        active: sql<boolean>`(${matchingSql('Commission', activeCommissionOf(row.partnerOrganisationId, { today: day }))})`,
        visible: sql<boolean>`(${scope})`,
      })
      .from(commissions)
      .where(eq(commissions.id, row.id));
    return { row, active: Boolean(flags?.active), visible: Boolean(flags?.visible) };
  }

  handoverOfCommission(commissionId: string): Promise<HandoverRow | undefined> {
    return this.db
      .select()
      .from(handovers)
      .where(eq(handovers.commissionId, commissionId))
      .then((rows) => rows[0]);
  }

  handover(id: string): Promise<HandoverRow | undefined> {
    return this.db
      .select()
      .from(handovers)
      .where(eq(handovers.id, id))
      .then((rows) => rows[0]);
  }

  /** The receiving region and unit as the log's reasons name them. */
  async recipient(organisationId: string, unitId: string): Promise<{ organisationName: string; unitName: string }> {
    const [org] = await this.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, organisationId));
    const [unit] = await this.db.select({ name: units.name }).from(units).where(eq(units.id, unitId));
    return { organisationName: org?.name ?? organisationId, unitName: unit?.name ?? unitId };
  }

  /**
   * The partner's records of the client under the commission: its own documents with every revision, and
   * the commission's decisions and placements with their care days, restrictions and medications. One
   * statement per table, whatever the number of records.
   */
  async packageOf(commissionId: string, partnerOrganisationId: string): Promise<PackagedRecord[]> {
    const ownDocuments = and(eq(documents.commissionId, commissionId), eq(documents.authorOrganisationId, partnerOrganisationId));
    const ofCommission = eq(placements.commissionId, commissionId);
    const docs = await this.db.select().from(documents).where(ownDocuments).orderBy(asc(documents.recordedAt), asc(documents.id));
    const revs = await this.db
      .select({ revision: documentRevisions, unitId: documents.unitId })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .where(ownDocuments)
      .orderBy(asc(documentRevisions.documentId), asc(documentRevisions.revision));
    const decs = await this.db.select().from(decisions).where(eq(decisions.commissionId, commissionId)).orderBy(asc(decisions.decidedAt), asc(decisions.id));
    const places = await this.db.select().from(placements).where(ofCommission).orderBy(asc(placements.startsOn), asc(placements.id));
    const days = await this.db
      .select({ careDay: careDays, unitId: placements.unitId })
      .from(careDays)
      .innerJoin(placements, eq(placements.id, careDays.placementId))
      .where(ofCommission)
      .orderBy(asc(careDays.day), asc(careDays.id));
    const restricted = await this.db
      .select({ restriction: restrictions })
      .from(restrictions)
      .innerJoin(placements, eq(placements.id, restrictions.placementId))
      .where(ofCommission)
      .orderBy(asc(restrictions.startsAt), asc(restrictions.id));
    const meds = await this.db
      .select({ medication: medications })
      .from(medications)
      .innerJoin(placements, eq(placements.id, medications.placementId))
      .where(ofCommission)
      .orderBy(asc(medications.givenAt), asc(medications.id));
    return [
      ...docs.map((d): PackagedRecord => ({ entityType: 'Document', entityId: d.id, unitId: d.unitId, kind: d.type, recordedAt: d.recordedAt, row: d })),
      ...revs.map(
        ({ revision: r, unitId }): PackagedRecord => ({ entityType: 'DocumentRevision', entityId: r.id, unitId, kind: null, recordedAt: r.createdAt, row: r }),
      ),
      ...decs.map((d): PackagedRecord => ({ entityType: 'Decision', entityId: d.id, unitId: d.unitId, kind: d.type, recordedAt: d.decidedAt, row: d })),
      ...places.map((p): PackagedRecord => ({ entityType: 'Placement', entityId: p.id, unitId: p.unitId, kind: p.kind, recordedAt: p.createdAt, row: p })),
      ...days.map(({ careDay: c, unitId }): PackagedRecord => ({ entityType: 'CareDay', entityId: c.id, unitId, kind: null, recordedAt: null, row: c })),
      ...restricted.map(
        ({ restriction: r }): PackagedRecord => ({ entityType: 'Restriction', entityId: r.id, unitId: r.unitId, kind: r.kind, recordedAt: r.createdAt, row: r }),
      ),
      ...meds.map(({ medication: m }): PackagedRecord => ({ entityType: 'Medication', entityId: m.id, unitId: m.unitId, kind: null, recordedAt: m.createdAt, row: m })),
    ];
  }

  async insert(values: typeof handovers.$inferInsert): Promise<HandoverRow> {
    const [row] = await this.db.insert(handovers).values(values).returning();
    return row!;
  }

  async confirm(id: string, confirmedBy: string | null, confirmedAt: Date): Promise<HandoverRow> {
    const [row] = await this.db.update(handovers).set({ status: 'CONFIRMED', confirmedBy, confirmedAt }).where(eq(handovers.id, id)).returning();
    return row!;
  }
}
