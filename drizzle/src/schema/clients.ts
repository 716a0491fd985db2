import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './access';

/** Organisations, units, clients and the relationships that grant access to them. */
export const clientsSchema = pgSchema('clients');

export const organisationKindEnum = clientsSchema.enum('organisation_kind', ['WELFARE_REGION', 'SERVICE_PROVIDER']);

export const serviceTaskEnum = clientsSchema.enum('service_task', [
  'CHILD_WELFARE',
  'FAMILY_SERVICES',
  'ADULT_SOCIAL_WORK',
  'SUBSTANCE_ABUSE',
  'DISABILITY_SERVICES',
  'OLDER_PEOPLE',
  'FAMILY_LAW',
  'EMERGENCY_SOCIAL_SERVICES',
]);

/** Guardians and legal representatives, and the other people a client's record names (seeds 002, 004). */
export const guardianKindEnum = clientsSchema.enum('guardian_kind', [
  'PARENT',
  'CUSTODIAN',
  'LEGAL_REPRESENTATIVE',
  'CONTACT_PERSON',
  'RELATIVE',
]);
export const commissionKindEnum = clientsSchema.enum('commission_kind', ['PLACEMENT', 'SUPPORT', 'ASSESSMENT']);

export const organisations = clientsSchema.table('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: organisationKindEnum('kind').notNull(),
  businessId: text('business_id').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const units = clientsSchema.table(
  'units',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    serviceTask: serviceTaskEnum('service_task').notNull(),
    /** How long after a relationship ends the unit's staff still see the client. */
    visibilityWindowMonths: integer('visibility_window_months').notNull().default(12),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('units_organisation_idx').on(t.organisationId),
    check('units_visibility_window_check', sql`${t.visibilityWindowMonths} >= 0`),
  ],
);

export const clients = clientsSchema.table(
  'clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The organisation that controls the record (rekisterinpitäjä). */
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    firstName: text('first_name'),
    lastName: text('last_name'),
    /** Nimimerkki: low-threshold services may serve a client under a pseudonym only. */
    pseudonym: text('pseudonym'),
    personalIdentityCode: text('personal_identity_code'),
    dateOfBirth: date('date_of_birth'),
    dateOfDeath: date('date_of_death'),
    municipality: text('municipality'),
    streetAddress: text('street_address'),
    postalCode: text('postal_code'),
    postOffice: text('post_office'),
    phone: text('phone'),
    email: text('email'),
    motherTongue: text('mother_tongue'),
    serviceLanguage: text('service_language'),
    nationality: text('nationality'),
    maritalStatus: text('marital_status'),
    addressNonDisclosure: boolean('address_non_disclosure').notNull().default(false),
    /**
     * The person key of the client's statistics facts (issue 13), live and kept after a partial disposal
     * alike, so a person is counted once; never shown, and gone with the client row, after which the kept
     * facts link to no one.
     */
    statisticsKey: uuid('statistics_key').notNull().defaultRandom(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Unique per register (the organisation that controls the record), not across organisations: the same
    // person may be a client of two welfare regions, each keeping its own record.
    uniqueIndex('clients_personal_identity_code_idx').on(t.organisationId, t.personalIdentityCode),
    index('clients_name_idx').on(t.lastName, t.firstName),
    // The client list's keyset order (client-store.ts sortName): pages without a sort.
    index('clients_sort_name_idx').on(
      sql`lower(coalesce(${t.lastName}, '') || ' ' || coalesce(${t.firstName}, '') || coalesce(${t.pseudonym}, ''))`,
      t.id,
    ),
    check(
      'clients_has_name_check',
      sql`${t.pseudonym} IS NOT NULL OR (${t.firstName} IS NOT NULL AND ${t.lastName} IS NOT NULL)`,
    ),
  ],
);

export const guardians = clientsSchema.table(
  'guardians',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    kind: guardianKindEnum('kind').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    hasCustody: boolean('has_custody').notNull().default(false),
    phone: text('phone'),
    streetAddress: text('street_address'),
    postalCode: text('postal_code'),
    postOffice: text('post_office'),
    email: text('email'),
    /** How a contact person or relative is related to the client (e.g. "isoäiti"). */
    relation: text('relation'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('guardians_client_idx').on(t.clientId)],
);

/** Asiakkuus: the verified link between a client and a unit; the basis of staff access. */
export const clientRelationships = clientsSchema.table(
  'client_relationships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    serviceTask: serviceTaskEnum('service_task').notNull(),
    startedOn: date('started_on').notNull(),
    endedOn: date('ended_on'),
    responsibleWorkerId: uuid('responsible_worker_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('client_relationships_client_idx').on(t.clientId),
    // With client_id in the key a unit's row scope (EXISTS … unit_id = …) is answered from the index alone.
    index('client_relationships_unit_client_idx').on(t.unitId, t.clientId, t.endedOn),
    check('client_relationships_period_check', sql`${t.endedOn} IS NULL OR ${t.endedOn} >= ${t.startedOn}`),
  ],
);

/** Toimeksianto: a region commissions a partner organisation to serve a client for a period. */
export const commissions = clientsSchema.table(
  'commissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    commissionerUnitId: uuid('commissioner_unit_id').notNull().references(() => units.id),
    partnerOrganisationId: uuid('partner_organisation_id').notNull().references(() => organisations.id),
    kind: commissionKindEnum('kind').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on'),
    /** What the partner may see of the client under this commission (intersected with its token's scopes). */
    partnerScopes: text('partner_scopes')
      .array()
      .notNull()
      .default(sql`'{clients:read,services:read,documents:read,documents:write}'::text[]`),
    createdBy: uuid('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('commissions_client_idx').on(t.clientId),
    index('commissions_partner_idx').on(t.partnerOrganisationId, t.endsOn),
    check('commissions_period_check', sql`${t.endsOn} IS NULL OR ${t.endsOn} >= ${t.startsOn}`),
  ],
);

/** Suostumus: consent to disclose to a recipient; withdrawal ends it. */
export const consents = clientsSchema.table(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    /** The unit that recorded it: only that unit's staff see it (service-task separation). */
    unitId: uuid('unit_id').references(() => units.id),
    recipientOrganisationId: uuid('recipient_organisation_id').references(() => organisations.id),
    recipientName: text('recipient_name').notNull(),
    purpose: text('purpose').notNull(),
    /** What is consented to: the categories of data the recipient may receive (e.g. HEALTH). */
    scope: text('scope').array().notNull().default(sql`'{}'::text[]`),
    givenOn: date('given_on').notNull(),
    withdrawnOn: date('withdrawn_on'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consents_client_idx').on(t.clientId), index('consents_unit_idx').on(t.unitId)],
);
