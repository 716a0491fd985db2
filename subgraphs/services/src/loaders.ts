import { type LoaderDeps, loaderById, loaderGroupedBy, lazyScopes, visibleClientLoader } from '@vartija/kit';
import { ServiceStore } from './service-store';

export function createLoaders({ db, ability, grants }: LoaderDeps) {
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
  // Lists by client id read the batch's rows first and scope them (candidateRows).
  const candidate = lazyScopes(
    ability,
    { decision: 'Decision', placement: 'Placement', restriction: 'Restriction', assistanceRequest: 'AssistanceRequest', medication: 'Medication', paymentCommitment: 'PaymentCommitment' },
    'candidates',
  );
  return {
    store,
    visibleClient: visibleClientLoader(db, ability, grants),
    scope,
    decision: loaderById((ids) => store.decisionsByIds(ids, scope.decision).then(grants.of('Decision'))),
    placement: loaderById((ids) => store.placementsByIds(ids, scope.placement).then(grants.of('Placement'))),
    // Written records read back under the read rules (issue 11 writes).
    restriction: loaderById((ids) => store.restrictionsByIds(ids, scope.restriction).then(grants.of('Restriction'))),
    assistanceRequest: loaderById((ids) => store.assistanceRequestsByIds(ids, scope.assistanceRequest).then(grants.of('AssistanceRequest'))),
    medication: loaderById((ids) => store.medicationsByIds(ids, scope.medication).then(grants.of('Medication'))),
    careDay: loaderById((ids) => store.careDaysByIds(ids, scope.careDay).then(grants.of('CareDay'))),
    paymentCommitment: loaderById((ids) => store.paymentCommitmentsByIds(ids, scope.paymentCommitment).then(grants.of('PaymentCommitment'))),
    invoice: loaderById((ids) => store.invoicesByIds(ids, scope.invoice).then(grants.of('Invoice'))),
    // Keyed by client id: every Client in a response shares one query per list.
    decisions: loaderGroupedBy((ids) => store.decisionsOf(ids, candidate.decision).then(grants.of('Decision')), (d) => d.clientId),
    placements: loaderGroupedBy((ids) => store.placementsOf(ids, candidate.placement).then(grants.of('Placement')), (p) => p.clientId),
    restrictions: loaderGroupedBy((ids) => store.restrictionsOf(ids, candidate.restriction).then(grants.of('Restriction')), (r) => r.clientId),
    assistanceRequests: loaderGroupedBy((ids) => store.assistanceRequestsOf(ids, candidate.assistanceRequest).then(grants.of('AssistanceRequest')), (a) => a.clientId),
    medications: loaderGroupedBy((ids) => store.medicationsOf(ids, candidate.medication).then(grants.of('Medication')), (m) => m.clientId),
    paymentCommitments: loaderGroupedBy((ids) => store.paymentCommitmentsOf(ids, candidate.paymentCommitment).then(grants.of('PaymentCommitment')), (p) => p.clientId),
    // Keyed by parent id, so nested lists stay one query per level.
    careDays: loaderGroupedBy((ids) => store.careDaysOf(ids, scope.careDay).then(grants.of('CareDay')), (c) => c.placementId),
    invoices: loaderGroupedBy((ids) => store.invoicesOf(ids, scope.invoice).then(grants.of('Invoice')), (i) => i.paymentCommitmentId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
