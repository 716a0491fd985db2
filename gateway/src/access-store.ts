import { apiTokens, grants, type Queryable, units, users } from '@vartija/db';
import type { Grant } from '@vartija/kit';
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';

export interface UserWithGrants {
  id: string;
  login: string;
  organisationId: string;
  active: boolean;
  grants: (Grant & { visibilityWindowMonths: number | null })[];
}

const TOUCH_INTERVAL_MS = 60_000;

/**
 * Reads who a user is and the grants valid right now: revocation and expiry act at once (within the
 * authenticator's grant cache time). Grants of a user without a recorded commitment are not loaded.
 */
export class AccessStore {
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Queryable) {}

  async apiToken(lookup: string) {
    const [row] = await this.db.select().from(apiTokens).where(eq(apiTokens.tokenPrefix, lookup));
    return row ?? null;
  }

  /** last_used_at for the registrar's list, written at most once a minute per token (not per request). */
  touchApiToken(id: string): void {
    const now = Date.now();
    if ((this.touched.get(id) ?? 0) > now - TOUCH_INTERVAL_MS) return;
    this.touched.set(id, now);
    void this.db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiTokens.id, id))
      .catch(() => this.touched.delete(id));
  }

  async userBy(field: 'login' | 'externalSubject', value: string): Promise<UserWithGrants | null> {
    const column = field === 'login' ? users.login : users.externalSubject;
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const rows = await this.db
      .select({
        user: users,
        grant: grants,
        visibilityWindowMonths: units.visibilityWindowMonths,
      })
      .from(users)
      .leftJoin(
        grants,
        and(
          eq(grants.userId, users.id),
          isNull(grants.revokedAt),
          lte(grants.validFrom, now),
          or(isNull(grants.validUntil), gt(grants.validUntil, now)),
          // Käyttö- ja vaitiolositoumus (issue 11): no grant takes effect before the user's written use
          // and confidentiality commitment, signed on or before today, is recorded.
          sql`EXISTS (SELECT 1 FROM access.user_commitments uc WHERE uc.user_id = ${users.id} AND uc.signed_on <= ${today}::date)`,
        ),
      )
      .leftJoin(units, eq(units.id, grants.unitId))
      .where(eq(column, value))
      .orderBy(sql`${grants.createdAt} NULLS LAST`);
    const first = rows[0];
    if (!first) return null;
    return {
      id: first.user.id,
      login: first.user.login,
      organisationId: first.user.organisationId,
      active: first.user.active,
      grants: rows
        .filter((r) => r.grant !== null)
        .map(({ grant, visibilityWindowMonths }) => ({
          id: grant!.id,
          role: grant!.role,
          organisationId: grant!.organisationId,
          unitId: grant!.unitId,
          validFrom: grant!.validFrom.toISOString(),
          validUntil: grant!.validUntil?.toISOString() ?? null,
          visibilityWindowMonths,
        })),
    };
  }
}
