import { type LoaderDeps, loaderById, loaderGroupedBy, rowScope, visibleClientLoader } from '@vartija/kit';
import { ServiceStore } from './service-store';

export function createLoaders({ db, ability }: LoaderDeps) {
  const store = new ServiceStore(db);
  const scope = {
    decision: rowScope(ability, 'Decision'),
    placement: rowScope(ability, 'Placement'),
    careDay: rowScope(ability, 'CareDay'),
    paymentCommitment: rowScope(ability, 'PaymentCommitment'),
    invoice: rowScope(ability, 'Invoice'),
    restriction: rowScope(ability, 'Restriction'),
    assistanceRequest: rowScope(ability, 'AssistanceRequest'),
    medication: rowScope(ability, 'Medication'),
  };
  return {
    store,
    visibleClient: visibleClientLoader(db, ability),
    scope,
    decision: loaderById((ids) => store.decisionsByIds(ids, scope.decision)),
    placement: loaderById((ids) => store.placementsByIds(ids, scope.placement)),
    // Keyed by client id: every Client in a response shares one query per list.
    decisions: loaderGroupedBy((ids) => store.decisionsOf(ids, scope.decision), (d) => d.clientId),
    placements: loaderGroupedBy((ids) => store.placementsOf(ids, scope.placement), (p) => p.clientId),
    restrictions: loaderGroupedBy((ids) => store.restrictionsOf(ids, scope.restriction), (r) => r.clientId),
    assistanceRequests: loaderGroupedBy((ids) => store.assistanceRequestsOf(ids, scope.assistanceRequest), (a) => a.clientId),
    medications: loaderGroupedBy((ids) => store.medicationsOf(ids, scope.medication), (m) => m.clientId),
    paymentCommitments: loaderGroupedBy((ids) => store.paymentCommitmentsOf(ids, scope.paymentCommitment), (p) => p.clientId),
    // Keyed by parent id, so nested lists stay one query per level.
    careDays: loaderGroupedBy((ids) => store.careDaysOf(ids, scope.careDay), (c) => c.placementId),
    invoices: loaderGroupedBy((ids) => store.invoicesOf(ids, scope.invoice), (i) => i.paymentCommitmentId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
