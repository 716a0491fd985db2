import { type LoaderDeps, loaderById, loaderGroupedBy, lazyScopes, visibleClientLoader } from '@vartija/kit';
import { ServiceStore } from './service-store';

export function createLoaders({ db, ability }: LoaderDeps) {
  const store = new ServiceStore(db);
  // Translated into SQL on first use only.
  const scope = lazyScopes(ability, {
    decision: 'Decision',
    placement: 'Placement',
    careDay: 'CareDay',
    paymentCommitment: 'PaymentCommitment',
    invoice: 'Invoice',
    restriction: 'Restriction',
    assistanceRequest: 'AssistanceRequest',
    medication: 'Medication',
  });
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
