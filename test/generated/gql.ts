/* eslint-disable */
import * as types from './graphql';
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ClientPage($id: ID!) {\n  client(id: $id) {\n    id\n    displayName\n    personalIdentityCode\n    relationships {\n      id\n      serviceTask\n      startedOn\n      endedOn\n    }\n    decisions {\n      id\n      type\n      legalAct\n      legalSection\n      decidedAt\n    }\n    placements {\n      id\n      kind\n      providerName\n      startsOn\n      endsOn\n    }\n    documents {\n      id\n      type\n      title\n      revision\n    }\n  }\n}": typeof types.ClientPageDocument,
    "query PartnerCommissionedClients($first: Int) {\n  clients(first: $first) {\n    totalCount\n    nodes {\n      id\n      displayName\n      placements {\n        kind\n        startsOn\n        endsOn\n      }\n    }\n  }\n}": typeof types.PartnerCommissionedClientsDocument,
};
const documents: Documents = {
    "query ClientPage($id: ID!) {\n  client(id: $id) {\n    id\n    displayName\n    personalIdentityCode\n    relationships {\n      id\n      serviceTask\n      startedOn\n      endedOn\n    }\n    decisions {\n      id\n      type\n      legalAct\n      legalSection\n      decidedAt\n    }\n    placements {\n      id\n      kind\n      providerName\n      startsOn\n      endsOn\n    }\n    documents {\n      id\n      type\n      title\n      revision\n    }\n  }\n}": types.ClientPageDocument,
    "query PartnerCommissionedClients($first: Int) {\n  clients(first: $first) {\n    totalCount\n    nodes {\n      id\n      displayName\n      placements {\n        kind\n        startsOn\n        endsOn\n      }\n    }\n  }\n}": types.PartnerCommissionedClientsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClientPage($id: ID!) {\n  client(id: $id) {\n    id\n    displayName\n    personalIdentityCode\n    relationships {\n      id\n      serviceTask\n      startedOn\n      endedOn\n    }\n    decisions {\n      id\n      type\n      legalAct\n      legalSection\n      decidedAt\n    }\n    placements {\n      id\n      kind\n      providerName\n      startsOn\n      endsOn\n    }\n    documents {\n      id\n      type\n      title\n      revision\n    }\n  }\n}"): (typeof documents)["query ClientPage($id: ID!) {\n  client(id: $id) {\n    id\n    displayName\n    personalIdentityCode\n    relationships {\n      id\n      serviceTask\n      startedOn\n      endedOn\n    }\n    decisions {\n      id\n      type\n      legalAct\n      legalSection\n      decidedAt\n    }\n    placements {\n      id\n      kind\n      providerName\n      startsOn\n      endsOn\n    }\n    documents {\n      id\n      type\n      title\n      revision\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PartnerCommissionedClients($first: Int) {\n  clients(first: $first) {\n    totalCount\n    nodes {\n      id\n      displayName\n      placements {\n        kind\n        startsOn\n        endsOn\n      }\n    }\n  }\n}"): (typeof documents)["query PartnerCommissionedClients($first: Int) {\n  clients(first: $first) {\n    totalCount\n    nodes {\n      id\n      displayName\n      placements {\n        kind\n        startsOn\n        endsOn\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;