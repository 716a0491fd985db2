import type {
  assistanceRequests,
  careDays,
  decisions,
  invoices,
  medications,
  paymentCommitments,
  placements,
  restrictions,
} from '@vartija/db';

/** Resolver parents are drizzle rows: codegen maps the GraphQL types to these. */
/** A referenced client: its id, and the grants it is visible through (policy v2). */
export type ClientRefModel = { id: string; via?: string[] };
export type DecisionModel = typeof decisions.$inferSelect;
export type PlacementModel = typeof placements.$inferSelect;
export type CareDayModel = typeof careDays.$inferSelect & { clientId: string; unitId: string };
export type PaymentCommitmentModel = typeof paymentCommitments.$inferSelect;
export type InvoiceModel = typeof invoices.$inferSelect & { clientId: string; unitId: string };
export type RestrictionModel = typeof restrictions.$inferSelect;
export type AssistanceRequestModel = typeof assistanceRequests.$inferSelect;
export type MedicationModel = typeof medications.$inferSelect;
