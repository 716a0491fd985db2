import type { Database } from '@vartija/db';
import { type AuditEntryInput, type AuditSink, DbAuditSink } from '@vartija/kit';
import type { Queryable } from '@vartija/db';

/**
 * The real chained sink behind a switch: with `failing` set, every log write fails, as when the log's
 * database is unavailable — for the fail-closed and rollback tests.
 */
export class SwitchableAuditSink implements AuditSink {
  failing = false;
  private real: DbAuditSink | undefined;

  constructor(private readonly database: () => Database) {}

  async write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (this.failing) throw new Error('audit store unavailable');
    this.real ??= new DbAuditSink(this.database().db);
    await this.real.write(batch, via);
  }
}
