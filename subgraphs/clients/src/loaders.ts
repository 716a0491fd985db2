import { type LoaderDeps, loaderById, loaderGroupedBy, lazyScopes } from '@vartija/kit';
import { ClientStore } from './client-store';

export function createLoaders({ db, ability, grants }: LoaderDeps) {
  const store = new ClientStore(db);
  // Translated into SQL on first use only.
  const scope = lazyScopes(ability, {
    client: 'Client',
    relationship: 'ClientRelationship',
    commission: 'Commission',
    consent: 'Consent',
  });
  return {
    store,
    scope,
    grants,
    client: loaderById((ids) => store.byIds(ids, scope.client).then(grants.of('Client'))),
    guardians: loaderGroupedBy((ids) => store.guardiansOf(ids), (g) => g.clientId),
    relationships: loaderGroupedBy((ids) => store.relationshipsOf(ids, scope.relationship).then(grants.of('ClientRelationship')), (r) => r.clientId),
    commissions: loaderGroupedBy((ids) => store.commissionsOf(ids, scope.commission).then(grants.of('Commission')), (c) => c.clientId),
    consents: loaderGroupedBy((ids) => store.consentsOf(ids, scope.consent).then(grants.of('Consent')), (c) => c.clientId),
    unit: loaderById((ids) => store.units(ids)),
    organisation: loaderById((ids) => store.organisations(ids)),
    userName: loaderById((ids) => store.userNames(ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
