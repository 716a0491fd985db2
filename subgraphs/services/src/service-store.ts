import {
  assistanceRequests,
  careDays,
  decisions,
  invoices,
  medications,
  paymentCommitments,
  placements,
  type Queryable,
  restrictions,
  inList,
} from '@vartija/db';
import { and, asc, desc, eq, getTableColumns, type SQL } from 'drizzle-orm';
import { candidateRows } from '@vartija/kit';
import type { CareDayModel, InvoiceModel } from './models';

/**
 * SQL for reading the services subgraph; every read takes the actor's row scope so invisible rows
 * never load. Lists are fetched for a batch of parents with one `IN (...)` each.
 */
export class ServiceStore {
  constructor(private readonly db: Queryable) {}

  decisionsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(decisions).where(and(inList(decisions.id, [...ids]), scope));
  }

  placementsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(placements).where(and(inList(placements.id, [...ids]), scope));
  }

  restrictionsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(restrictions).where(and(inList(restrictions.id, [...ids]), scope));
  }

  assistanceRequestsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(assistanceRequests).where(and(inList(assistanceRequests.id, [...ids]), scope));
  }

  medicationsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(medications).where(and(inList(medications.id, [...ids]), scope));
  }

  paymentCommitmentsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(paymentCommitments).where(and(inList(paymentCommitments.id, [...ids]), scope));
  }

  careDaysByIds(ids: readonly string[], scope: SQL): Promise<CareDayModel[]> {
    return this.db
      .select({ ...getTableColumns(careDays), clientId: placements.clientId, unitId: placements.unitId })
      .from(careDays)
      .innerJoin(placements, eq(placements.id, careDays.placementId))
      .where(and(inList(careDays.id, [...ids]), scope))
      .orderBy(asc(careDays.day));
  }

  invoicesByIds(ids: readonly string[], scope: SQL): Promise<InvoiceModel[]> {
    return this.db
      .select({ ...getTableColumns(invoices), clientId: paymentCommitments.clientId, unitId: paymentCommitments.unitId })
      .from(invoices)
      .innerJoin(paymentCommitments, eq(paymentCommitments.id, invoices.paymentCommitmentId))
      .where(and(inList(invoices.id, [...ids]), scope));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  decisionsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, decisions, decisions.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.decidedAt), desc(batch.id));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  placementsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, placements, placements.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.startsOn), desc(batch.id));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  restrictionsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, restrictions, restrictions.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.startsAt), desc(batch.id));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  assistanceRequestsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, assistanceRequests, assistanceRequests.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.requestedAt), desc(batch.id));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  medicationsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, medications, medications.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.givenAt), desc(batch.id));
  }

  /** `scope` on the batch's rows, picked by client first (kit candidateRows). */
  paymentCommitmentsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, paymentCommitments, paymentCommitments.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.validFrom), desc(batch.id));
  }

  /** Care days in calendar order, with the placement's client and unit for the access log and policy. */
  careDaysOf(placementIds: readonly string[], scope: SQL): Promise<CareDayModel[]> {
    return this.db
      .select({ ...getTableColumns(careDays), clientId: placements.clientId, unitId: placements.unitId })
      .from(careDays)
      .innerJoin(placements, eq(placements.id, careDays.placementId))
      .where(and(inList(careDays.placementId, [...placementIds]), scope))
      .orderBy(asc(careDays.day));
  }

  /** Invoices newest period first, with the commitment's client and unit for the access log and policy. */
  invoicesOf(commitmentIds: readonly string[], scope: SQL): Promise<InvoiceModel[]> {
    return this.db
      .select({ ...getTableColumns(invoices), clientId: paymentCommitments.clientId, unitId: paymentCommitments.unitId })
      .from(invoices)
      .innerJoin(paymentCommitments, eq(paymentCommitments.id, invoices.paymentCommitmentId))
      .where(and(inList(invoices.paymentCommitmentId, [...commitmentIds]), scope))
      .orderBy(desc(invoices.periodStart), desc(invoices.id));
  }
}
