import { type LoaderDeps, loaderById, loaderGroupedBy, lazyScopes, ownClientLoader, visibleClientLoader } from '@vartija/kit';
import { DataSubjectRequestStore } from './data-subject-request-store';
import { DocumentStore } from './document-store';

export function createLoaders({ db, ability, grants, actor }: LoaderDeps) {
  const store = new DocumentStore(db);
  // Translated into SQL on first use only.
  const scope = lazyScopes(ability, {
    document: 'Document',
    revision: 'DocumentRevision',
    disclosure: 'Disclosure',
    dataSubjectRequest: 'DataSubjectRequest',
  });
  // Lists by client id read the batch's rows first and scope them (candidateRows).
  const candidate = lazyScopes(ability, { document: 'Document', disclosure: 'Disclosure', dataSubjectRequest: 'DataSubjectRequest' }, 'candidates');
  return {
    store,
    visibleClient: visibleClientLoader(db, ability, grants),
    ownClient: ownClientLoader(db, actor),
    scope,
    document: loaderById((ids) => store.documentsByIds(ids, scope.document).then(grants.of('Document'))),
    // Keyed by client id; a type filter is applied after loading so all clients share one query.
    documents: loaderGroupedBy((ids) => store.documentsOf(ids, candidate.document).then(grants.of('Document')), (d) => d.clientId),
    disclosure: loaderById((ids) => store.disclosuresByIds(ids, scope.disclosure).then(grants.of('Disclosure'))),
    disclosures: loaderGroupedBy((ids) => store.disclosuresOf(ids, candidate.disclosure).then(grants.of('Disclosure')), (d) => d.clientId),
    // Issue 12: one request by id (dataSubjectRequest, answers of the request mutations).
    dataSubjectRequest: loaderById((ids) => new DataSubjectRequestStore(db).byIds(ids, scope.dataSubjectRequest).then(grants.of('DataSubjectRequest'))),
    dataSubjectRequests: loaderGroupedBy((ids) => store.dataSubjectRequestsOf(ids, candidate.dataSubjectRequest).then(grants.of('DataSubjectRequest')), (r) => r.clientId),
    revisions: loaderGroupedBy((ids) => store.revisionsOf(ids, scope.revision).then(grants.of('DocumentRevision')), (r) => r.documentId),
    // A disclosure lists only the documents the actor may read itself.
    disclosureDocuments: loaderGroupedBy((ids) => store.documentsOfDisclosures(ids, scope.document).then(grants.of('Document')), (d) => d.disclosureId),
    userName: loaderById((ids) => store.userNames(ids)),
    organisationName: loaderById((ids) => store.organisationNames(ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
