import type { Resolvers } from '../generated/resolvers-types';
import { Client } from './client';
import { Disclosure } from './disclosure';
import { Document } from './document';
import { correctDocument } from './mutation-correct-document';
import { recordDisclosure } from './mutation-record-disclosure';
import { recordDocument } from './mutation-record-document';
import { history } from './query-history';

export const resolvers: Resolvers = {
  Query: { history },
  Mutation: { recordDocument, correctDocument, recordDisclosure },
  Client,
  Document,
  Disclosure,
};
