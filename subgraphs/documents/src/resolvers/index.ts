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
import { confirmHandover } from './mutation-confirm-handover';
import { handOverCommission } from './mutation-hand-over-commission';
import { recordResearchPermit } from './mutation-record-research-permit';
import { runDisposal } from './mutation-run-disposal';
import { setRetentionConfiguration } from './mutation-set-retention-configuration';
import { clientRecordExtract } from './query-client-record-extract';
import { dataSubjectRequest } from './query-data-subject-request';
import { dataSubjectRequests } from './query-data-subject-requests';
import { disposalRuns } from './query-disposal-runs';
import { handover } from './query-handover';
import { history } from './query-history';
import { researchExtract } from './query-research-extract';
import { researchPermits } from './query-research-permits';
import { retentionConfiguration } from './query-retention-configuration';
import { retentionDue } from './query-retention-due';
import { statistics } from './query-statistics';

export const resolvers: Resolvers = {
  Query: { history, dataSubjectRequests, dataSubjectRequest, clientRecordExtract, statistics, handover, researchPermits, researchExtract, retentionConfiguration, retentionDue, disposalRuns },
  Mutation: { recordDocument, correctDocument, recordDisclosure, receiveDataSubjectRequest, extendDataSubjectRequest, decideDataSubjectRequest, decideExtractRedactions, handOverCommission, confirmHandover, recordResearchPermit, setRetentionConfiguration, runDisposal },
  Client,
  Document,
  Disclosure,
  DataSubjectRequest,
};
