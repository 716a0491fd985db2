import { ExtractService } from '../extract-service';
import type { QueryResolvers } from '../generated/resolvers-types';

/** The full extract of a client's record for an ACCESS request (issue 12 item 4): see extract-service.ts. */
export const clientRecordExtract: QueryResolvers['clientRecordExtract'] = (_root, { clientId, requestId }, ctx) =>
  new ExtractService(ctx).extract(clientId, requestId);
