import type { Resolvers } from '../generated/resolvers-types';
import { Client } from './client';
import { DataSubjectRequest } from './data-subject-request';
import { Disclosure } from './disclosure';
import { Document } from './document';
import { correctDocument } from './mutation-correct-document';
import { decideDataSubjectRequest } from './mutation-decide-data-subject-request';
import { decideExtractRedactions } from './mutation-decide-extract-redactions';
import { extendDataSubjectRequest } from './mutation-extend-data-subject-request';
import { receiveDataSubjectRequest } from './mutation-receive-data-subject-request';
import { recordDisclosure } from './mutation-record-disclosure';
import { recordDocument } from './mutation-record-document';
import { clientRecordExtract } from './query-client-record-extract';
import { dataSubjectRequest } from './query-data-subject-request';
import { dataSubjectRequests } from './query-data-subject-requests';
import { history } from './query-history';

export const resolvers: Resolvers = {
  Query: { history, dataSubjectRequests, dataSubjectRequest, clientRecordExtract },
  Mutation: { recordDocument, correctDocument, recordDisclosure, receiveDataSubjectRequest, extendDataSubjectRequest, decideDataSubjectRequest, decideExtractRedactions },
  Client,
  Document,
  Disclosure,
  DataSubjectRequest,
};
