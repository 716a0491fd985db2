import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations, units } from './clients';

/** Users, their role grants and partner API tokens: who may act, read on every request. */
export const accessSchema = pgSchema('access');

export const roleEnum = accessSchema.enum('role', [
  'SOCIAL_WORKER',
  'MANAGER',
  'STUDENT',
  'BILLING',
  'AUDITOR',
  'REGISTRAR',
]);

export const users = accessSchema.table('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  login: text('login').notNull().unique(),
  displayName: text('display_name').notNull(),
  organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
  /** `sub` claim of the OIDC issuer; null for users who only sign in with the development key. */
  externalSubject: text('external_subject').unique(),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Käyttö- ja vaitiolositoumus (seeds 003, 004): the written use and confidentiality commitment a user
 * signs before any grant of theirs takes effect.
 */
export const userCommitments = accessSchema.table(
  'user_commitments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    signedOn: date('signed_on').notNull(),
    /** Where the signed paper or document is kept (e.g. a case number). */
    documentReference: text('document_reference'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('user_commitments_user_idx').on(t.userId)],
);

/** A role held in a unit (or organisation-wide when unitId is null) for a period. */
export const grants = accessSchema.table(
  'grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    role: roleEnum('role').notNull(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    unitId: uuid('unit_id').references(() => units.id),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().defaultNow(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    grantedBy: uuid('granted_by'),
    revokedBy: uuid('revoked_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('grants_user_idx').on(t.userId),
    check('grants_validity_check', sql`${t.validUntil} IS NULL OR ${t.validUntil} > ${t.validFrom}`),
    check(
      'grants_unit_scope_check',
      sql`(${t.role} IN ('SOCIAL_WORKER', 'MANAGER', 'STUDENT')) = (${t.unitId} IS NOT NULL)`,
    ),
  ],
);

/** Partner API tokens: only a hash of the secret is stored. */
export const apiTokens = accessSchema.table(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    /** The welfare region that issued the token: its registrar manages it, and it reaches only that region's commissions. */
    issuerOrganisationId: uuid('issuer_organisation_id').references(() => organisations.id),
    name: text('name').notNull(),
    /** Public, non-secret part of the token, used to find the row (e.g. `vrt_pt_ab12cd34`). */
    tokenPrefix: text('token_prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    allowedOperations: text('allowed_operations').array(),
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull().default(600),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    rotatedFromId: uuid('rotated_from_id'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('api_tokens_prefix_idx').on(t.tokenPrefix),
    index('api_tokens_organisation_idx').on(t.organisationId),
    check('api_tokens_rate_limit_check', sql`${t.rateLimitPerMinute} > 0`),
  ],
);

/** Operations a partner may run by id or hash (persisted / trusted documents). */
export const persistedOperations = accessSchema.table('persisted_operations', {
  id: text('id').primaryKey(),
  sha256: text('sha256').notNull().unique(),
  operationName: text('operation_name'),
  document: text('document').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
