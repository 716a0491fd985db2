import type { apiTokens, Queryable } from '@vartija/db';
import type { SQL } from 'drizzle-orm';
import { badInput, conflict, generateApiToken, isOperationId, isSha256Reference, notFound, PARTNER_SCOPES, parseInput } from '@vartija/kit';
import { z } from 'zod';
import { type ApiTokenRow, ApiTokenStore } from './api-token-store';

const DAY_MS = 86_400_000;

export const issueInput = z.object({
  // The partner by id (the `organisations` query) or by its code (e.g. majakka): exactly one.
  organisationId: z.string().uuid('must be the id of an organisation').nullish(),
  organisationCode: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').nullish(),
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z
    .array(z.enum(PARTNER_SCOPES, { message: `must be one of ${PARTNER_SCOPES.join(', ')}` }))
    .min(1, 'give at least one scope'),
  expiresInDays: z.number().int().min(1, 'must be at least 1').max(730, 'must be at most 730 (two years)'),
  allowedOperations: z
    .array(z.string().refine((e) => isSha256Reference(e) || isOperationId(e), 'must be a persisted operation id (1–100 letters, digits, _ . : -) or its SHA-256 hash'))
    .max(200)
    .nullish(),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).nullish(),
}).superRefine((input, ctx) => {
  if (input.organisationId && input.organisationCode) {
    ctx.addIssue({ code: 'custom', path: ['organisationCode'], message: 'give the partner organisation by organisationId or by organisationCode, not both' });
  } else if (!input.organisationId && !input.organisationCode) {
    ctx.addIssue({ code: 'custom', path: ['organisationId'], message: 'give the partner organisation: organisationId, or organisationCode (e.g. majakka)' });
  }
});

export interface IssuedToken {
  token: string;
  apiToken: ApiTokenRow;
}

type TokenSettings = Omit<typeof apiTokens.$inferInsert, 'tokenPrefix' | 'secretHash'>;

/** Stores a token row with a fresh secret; the full token is returned once, never stored. */
async function insertWithNewSecret(store: ApiTokenStore, settings: TokenSettings): Promise<IssuedToken> {
  const { token, lookup, secretHash } = generateApiToken();
  const apiToken = await store.insert({ ...settings, tokenPrefix: lookup, secretHash });
  return { token, apiToken };
}

/** Token lifecycle shared by the GraphQL mutations and the CLI. */
export class ApiTokenService {
  constructor(private readonly db: Queryable) {}

  /** `issuerOrganisationId`: the welfare region issuing the token; it reaches only that region's commissions. */
  async issue(input: unknown, createdBy: string | null, issuerOrganisationId: string): Promise<IssuedToken> {
    const values = parseInput(issueInput, input);
    const store = new ApiTokenStore(this.db);
    const organisation = values.organisationId ? await store.organisation(values.organisationId) : await store.organisationByCode(values.organisationCode!);
    const field = values.organisationId ? 'input.organisationId' : 'input.organisationCode';
    if (!organisation) {
      if (values.organisationId) throw notFound('Organisation', values.organisationId);
      throw badInput(field, 'no organisation has this code (the organisations query lists the partners)');
    }
    if (organisation.kind !== 'SERVICE_PROVIDER') throw badInput(field, 'tokens are issued to partner organisations (service providers) only');
    // Only registered operations: an entry naming nothing yet could later be registered by anyone (the namespace is shared).
    const missing = values.allowedOperations ? await store.unregisteredOperations(values.allowedOperations) : [];
    if (missing.length > 0) {
      throw badInput('input.allowedOperations', `${missing.length === 1 ? 'this operation is' : 'these operations are'} not registered: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}; register them first (registerPersistedOperation, or npm run register -- --manifest)`);
    }
    return insertWithNewSecret(store, {
      organisationId: organisation.id,
      issuerOrganisationId,
      name: values.name,
      scopes: [...new Set(values.scopes)],
      allowedOperations: values.allowedOperations ?? null,
      rateLimitPerMinute: values.rateLimitPerMinute ?? 600,
      expiresAt: new Date(Date.now() + values.expiresInDays * DAY_MS),
      createdBy,
    });
  }

  async revoke(id: string): Promise<ApiTokenRow> {
    const store = new ApiTokenStore(this.db);
    const current = await this.existing(store, id);
    if (current.revokedAt) throw conflict(`The token was already revoked at ${current.revokedAt.toISOString()}.`);
    return (await store.revoke(id, new Date()))!;
  }

  /** A successor with the same settings; the old token expires after the overlap window. */
  async rotate(id: string, overlapHours: number, createdBy: string | null): Promise<IssuedToken> {
    if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > 168) {
      throw badInput('overlapHours', 'must be a whole number of hours from 0 to 168');
    }
    return this.db.transaction(async (tx) => {
      const store = new ApiTokenStore(tx);
      const current = await this.existing(store, id);
      if (current.revokedAt) throw conflict('A revoked token cannot be rotated; issue a new one.');
      if (current.expiresAt <= new Date()) throw conflict('An expired token cannot be rotated; issue a new one.');
      const issued = await insertWithNewSecret(store, {
        organisationId: current.organisationId,
        issuerOrganisationId: current.issuerOrganisationId,
        name: current.name,
        scopes: current.scopes,
        allowedOperations: current.allowedOperations,
        rateLimitPerMinute: current.rateLimitPerMinute,
        expiresAt: new Date(Math.max(current.expiresAt.getTime(), Date.now() + DAY_MS)),
        rotatedFromId: current.id,
        createdBy,
      });
      const overlapEnd = new Date(Date.now() + overlapHours * 3_600_000);
      if (overlapEnd < current.expiresAt) await store.shortenExpiry(current.id, overlapEnd);
      return issued;
    });
  }

  /** `scope`: the rows the caller may see (the registrar's own region's tokens); all for the CLI. */
  list(organisationId?: string | null, scope?: SQL) {
    return new ApiTokenStore(this.db).list(organisationId, scope);
  }

  /** A token row, for the policy to decide on before a change; undefined for an unknown or malformed id. */
  find(id: string) {
    return /^[0-9a-f-]{36}$/i.test(id) ? new ApiTokenStore(this.db).byId(id) : Promise.resolve(undefined);
  }

  private async existing(store: ApiTokenStore, id: string): Promise<ApiTokenRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await store.byId(id) : undefined;
    if (!row) throw notFound('ApiToken', id);
    return row;
  }
}
