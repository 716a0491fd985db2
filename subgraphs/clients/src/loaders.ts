import { type LoaderDeps, loaderById, loaderGroupedBy, lazyScopes, ownClientLoader } from '@vartija/kit';
import { AccessAdminStore } from './access-admin-store';
import { ClientStore } from './client-store';

export function createLoaders({ db, actor, ability, grants }: LoaderDeps) {
  // A partner's rows carry its commissions of each client: its read rules test them (roles.ts partner()).
  const store = new ClientStore(db, actor.kind === 'PARTNER' ? actor.organisationId : null);
  // Translated into SQL on first use only.
  const scope = lazyScopes(ability, {
    client: 'Client',
    relationship: 'ClientRelationship',
    commission: 'Commission',
    consent: 'Consent',
    grant: 'Grant',
  });
  // Lists by client id read the batch's rows first and scope them (candidateRows).
  const candidate = lazyScopes(ability, { relationship: 'ClientRelationship', commission: 'Commission', consent: 'Consent' }, 'candidates');
  const admin = new AccessAdminStore(db);
  return {
    store,
    scope,
    grants,
    client: loaderById((ids) => store.byIds(ids, scope.client).then(grants.of('Client'))),
    // Which referenced clients are the actor's organisation's: a refused reference names only those (client-channels.ts).
    ownClient: ownClientLoader(db, actor),
    guardians: loaderGroupedBy((ids) => store.guardiansOf(ids), (g) => g.clientId),
    relationships: loaderGroupedBy((ids) => store.relationshipsOf(ids, candidate.relationship).then(grants.of('ClientRelationship')), (r) => r.clientId),
    commissions: loaderGroupedBy((ids) => store.commissionsOf(ids, candidate.commission).then(grants.of('Commission')), (c) => c.clientId),
    consents: loaderGroupedBy((ids) => store.consentsOf(ids, candidate.consent).then(grants.of('Consent')), (c) => c.clientId),
    unit: loaderById((ids) => store.units(ids)),
    organisation: loaderById((ids) => store.organisations(ids)),
    userName: loaderById((ids) => store.userNames(ids)),
    // Access administration: a page of users loads their grants and commitments in one statement each.
    userGrants: loaderGroupedBy((ids) => admin.grantsOf(ids, scope.grant), (g) => g.userId),
    userCommitments: loaderGroupedBy((ids) => admin.commitmentsOf(ids), (c) => c.userId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
