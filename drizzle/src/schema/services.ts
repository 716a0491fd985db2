import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './access';
import { clients, commissions, organisations, units } from './clients';

/** Decisions and the services that follow from them: placements, care days, money, restrictions. */
export const servicesSchema = pgSchema('services');

export const decisionTypeEnum = servicesSchema.enum('decision_type', [
  'EMERGENCY_PLACEMENT',
  'TAKING_INTO_CARE',
  'SUBSTITUTE_CARE',
  'OPEN_CARE_SUPPORT',
  'AFTERCARE',
  'FAMILY_WORK',
  'SOCIAL_SERVICE',
  'TERMINATION',
]);

export const placementKindEnum = servicesSchema.enum('placement_kind', [
  'FAMILY_CARE',
  'INSTITUTIONAL_CARE',
  'PROFESSIONAL_FAMILY_HOME',
  'OPEN_CARE_SUPPORT',
  'KINSHIP_CARE',
]);

export const invoiceStatusEnum = servicesSchema.enum('invoice_status', ['DRAFT', 'SENT', 'PAID', 'CANCELLED']);

export const restrictionKindEnum = servicesSchema.enum('restriction_kind', [
  'CONTACT_RESTRICTION',
  'CONFISCATION',
  'BODY_SEARCH',
  'RESTRICTION_OF_MOVEMENT',
  'ISOLATION',
  'SPECIAL_CARE',
]);

export const assistanceStatusEnum = servicesSchema.enum('assistance_status', ['REQUESTED', 'GRANTED', 'DECLINED']);

export const decisions = servicesSchema.table(
  'decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    /** The unit that recorded it: only its staff see it (service-task separation). */
    unitId: uuid('unit_id').notNull().references(() => units.id),
    commissionId: uuid('commission_id').references(() => commissions.id),
    type: decisionTypeEnum('type').notNull(),
    legalAct: text('legal_act').notNull(),
    legalSection: text('legal_section').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
    decisionMakerId: uuid('decision_maker_id').references(() => users.id),
    content: text('content').notNull(),
    /** Tiedoksianto (seeds 001, 002): when and how the decision was served on the client. */
    notifiedOn: date('notified_on'),
    notificationMethod: text('notification_method'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('decisions_client_idx').on(t.clientId, t.unitId),
    index('decisions_commission_idx').on(t.commissionId),
  ],
);

export const placements = servicesSchema.table(
  'placements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    commissionId: uuid('commission_id').references(() => commissions.id),
    decisionId: uuid('decision_id').references(() => decisions.id),
    kind: placementKindEnum('kind').notNull(),
    providerOrganisationId: uuid('provider_organisation_id').references(() => organisations.id),
    providerName: text('provider_name').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('placements_client_idx').on(t.clientId, t.unitId),
    index('placements_commission_idx').on(t.commissionId),
    check('placements_period_check', sql`${t.endsOn} IS NULL OR ${t.endsOn} >= ${t.startsOn}`),
  ],
);

export const careDays = servicesSchema.table(
  'care_days',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    placementId: uuid('placement_id').notNull().references(() => placements.id),
    day: date('day').notNull(),
    costCents: integer('cost_cents').notNull(),
  },
  (t) => [
    uniqueIndex('care_days_placement_day_idx').on(t.placementId, t.day),
    check('care_days_cost_check', sql`${t.costCents} >= 0`),
  ],
);

export const paymentCommitments = servicesSchema.table(
  'payment_commitments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    placementId: uuid('placement_id').references(() => placements.id),
    providerOrganisationId: uuid('provider_organisation_id').references(() => organisations.id),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    validFrom: date('valid_from').notNull(),
    validUntil: date('valid_until'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('payment_commitments_client_idx').on(t.clientId)],
);

export const invoices = servicesSchema.table(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentCommitmentId: uuid('payment_commitment_id').notNull().references(() => paymentCommitments.id),
    providerOrganisationId: uuid('provider_organisation_id').references(() => organisations.id),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    status: invoiceStatusEnum('status').notNull().default('DRAFT'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('invoices_commitment_idx').on(t.paymentCommitmentId),
    check('invoices_period_check', sql`${t.periodEnd} >= ${t.periodStart}`),
  ],
);

/** Rajoitustoimenpide in substitute care: always with a reason and a duration. */
export const restrictions = servicesSchema.table(
  'restrictions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    placementId: uuid('placement_id').references(() => placements.id),
    kind: restrictionKindEnum('kind').notNull(),
    reason: text('reason').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    decidedBy: uuid('decided_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('restrictions_client_idx').on(t.clientId, t.unitId)],
);

/** Virka-apupyyntö: a request for executive assistance from the police or another authority. */
export const assistanceRequests = servicesSchema.table(
  'assistance_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    requestedFrom: text('requested_from').notNull(),
    reason: text('reason').notNull(),
    status: assistanceStatusEnum('status').notNull().default('REQUESTED'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('assistance_requests_client_idx').on(t.clientId, t.unitId)],
);

export const medications = servicesSchema.table(
  'medications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    placementId: uuid('placement_id').references(() => placements.id),
    medicine: text('medicine').notNull(),
    dose: text('dose').notNull(),
    givenAt: timestamp('given_at', { withTimezone: true }).notNull(),
    givenBy: text('given_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('medications_client_idx').on(t.clientId, t.unitId)],
);
