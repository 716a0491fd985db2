import { type Queryable, type RetentionRecordType, retentionClasses, retentionSettings, revisions } from '@vartija/db';
import { asc, eq, sql } from 'drizzle-orm';
import type { RetentionClassInput } from './retention-input';
import type { RetentionClassRule } from './retention-plan';

/** An organisation's retention classes and disposal schedule. Version 0: never configured. */
export interface RetentionConfigurationRow {
  organisationId: string;
  classes: (RetentionClassRule & { serviceTask: (typeof retentionClasses.$inferSelect)['serviceTask'] })[];
  disposalMonths: number[];
  version: number;
}

/** SQL of the retention configuration (lifecycle.retention_classes, lifecycle.retention_settings). */
export class RetentionStore {
  constructor(private readonly db: Queryable) {}

  /** The configuration; `lock` holds the settings row until the transaction ends (a replacement queues behind). */
  async configuration(organisationId: string, lock = false): Promise<RetentionConfigurationRow> {
    const settingsQuery = this.db.select().from(retentionSettings).where(eq(retentionSettings.organisationId, organisationId));
    const [settings] = lock ? await settingsQuery.for('update') : await settingsQuery;
    const classes = await this.db
      .select()
      .from(retentionClasses)
      .where(eq(retentionClasses.organisationId, organisationId))
      .orderBy(sql`${retentionClasses.serviceTask} NULLS LAST`, sql`${retentionClasses.recordType} NULLS LAST`, asc(retentionClasses.id));
    return {
      organisationId,
      classes: classes.map((c) => ({
        id: c.id,
        serviceTask: c.serviceTask,
        recordType: c.recordType as RetentionRecordType | null,
        trigger: c.trigger,
        retainMonths: c.retainMonths,
        action: c.action,
        legalSource: c.legalSource,
      })),
      disposalMonths: settings?.disposalMonths ?? [],
      version: settings?.version ?? 0,
    };
  }

  /**
   * Replaces the classes and the schedule and bumps the version; the previous configuration is kept in the
   * history (history.revisions, entity RetentionConfiguration) so the plan in force at any time can be shown.
   * `current` must have been read with `lock`; false when another first configuration won the race.
   */
  async replace(
    current: RetentionConfigurationRow,
    input: { classes: readonly RetentionClassInput[]; disposalMonths: readonly number[] },
    changedBy: { id: string | null; kind: string },
  ): Promise<boolean> {
    const organisationId = current.organisationId;
    const settings = { disposalMonths: [...input.disposalMonths], updatedBy: changedBy.id, updatedAt: new Date() };
    if (current.version === 0) {
      // The first configuration claims the settings row: a concurrent first one finds it taken (a lost update).
      const inserted = await this.db.insert(retentionSettings).values({ organisationId, version: 1, ...settings }).onConflictDoNothing().returning({ version: retentionSettings.version });
      if (inserted.length === 0) return false;
    } else {
      await this.db
        .update(retentionSettings)
        .set({ ...settings, version: current.version + 1 })
        .where(eq(retentionSettings.organisationId, organisationId));
      await this.db.insert(revisions).values({
        entityType: 'RetentionConfiguration',
        entityId: organisationId,
        clientId: null,
        revision: current.version,
        fields: ['classes', 'disposalMonths'],
        previous: { classes: current.classes.map(({ id: _id, ...c }) => c), disposalMonths: current.disposalMonths },
        changedBy: changedBy.id,
        changedByKind: changedBy.kind,
        reason: 'retention configuration replaced',
      });
    }
    await this.db.delete(retentionClasses).where(eq(retentionClasses.organisationId, organisationId));
    if (input.classes.length > 0) await this.db.insert(retentionClasses).values(input.classes.map((c) => ({ ...c, organisationId })));
    return true;
  }
}
