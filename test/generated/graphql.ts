/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type DecisionType =
  | 'AFTERCARE'
  | 'EMERGENCY_PLACEMENT'
  | 'FAMILY_WORK'
  | 'OPEN_CARE_SUPPORT'
  | 'SOCIAL_SERVICE'
  | 'SUBSTITUTE_CARE'
  | 'TAKING_INTO_CARE'
  | 'TERMINATION';

export type DocumentType =
  | 'CASE_NOTE'
  | 'CHILD_WELFARE_NOTIFICATION'
  | 'CLIENT_PLAN'
  | 'MEETING_MEMO'
  | 'NEEDS_ASSESSMENT'
  | 'REPORT'
  | 'STATEMENT';

export type PlacementKind =
  | 'FAMILY_CARE'
  | 'INSTITUTIONAL_CARE'
  | 'KINSHIP_CARE'
  | 'OPEN_CARE_SUPPORT'
  | 'PROFESSIONAL_FAMILY_HOME';

export type ServiceTask =
  | 'ADULT_SOCIAL_WORK'
  | 'CHILD_WELFARE'
  | 'DISABILITY_SERVICES'
  | 'EMERGENCY_SOCIAL_SERVICES'
  | 'FAMILY_LAW'
  | 'FAMILY_SERVICES'
  | 'OLDER_PEOPLE'
  | 'SUBSTANCE_ABUSE';

export type ClientPageQueryVariables = Exact<{
  id: string | number;
}>;


export type ClientPageQuery = { client: { id: string, displayName: string | null, personalIdentityCode: string | null, relationships: Array<{ id: string, serviceTask: ServiceTask | null, startedOn: string | null, endedOn: string | null }> | null, decisions: Array<{ id: string, type: DecisionType | null, legalAct: string | null, legalSection: string | null, decidedAt: string | null }> | null, placements: Array<{ id: string, kind: PlacementKind | null, providerName: string | null, startsOn: string | null, endsOn: string | null }> | null, documents: Array<{ id: string, type: DocumentType | null, title: string | null, revision: number }> | null } | null };

export type PartnerCommissionedClientsQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type PartnerCommissionedClientsQuery = { clients: { totalCount: number, nodes: Array<{ id: string, displayName: string | null, placements: Array<{ kind: PlacementKind | null, startsOn: string | null, endsOn: string | null }> | null }> } };


export const ClientPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ClientPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"personalIdentityCode"}},{"kind":"Field","name":{"kind":"Name","value":"relationships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"serviceTask"}},{"kind":"Field","name":{"kind":"Name","value":"startedOn"}},{"kind":"Field","name":{"kind":"Name","value":"endedOn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decisions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"legalAct"}},{"kind":"Field","name":{"kind":"Name","value":"legalSection"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"placements"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"providerName"}},{"kind":"Field","name":{"kind":"Name","value":"startsOn"}},{"kind":"Field","name":{"kind":"Name","value":"endsOn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"documents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}}]}}]}}]}}]} as unknown as DocumentNode<ClientPageQuery, ClientPageQueryVariables>;
export const PartnerCommissionedClientsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PartnerCommissionedClients"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"placements"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"startsOn"}},{"kind":"Field","name":{"kind":"Name","value":"endsOn"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PartnerCommissionedClientsQuery, PartnerCommissionedClientsQueryVariables>;