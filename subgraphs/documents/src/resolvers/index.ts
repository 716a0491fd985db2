import type { Resolvers } from '../generated/resolvers-types';
import { Client } from './client';
import { Disclosure } from './disclosure';
import { Document } from './document';
import { correctDocument } from './mutation-correct-document';
import { recordDocument } from './mutation-record-document';

export const resolvers: Resolvers = {
  Mutation: { recordDocument, correctDocument },
  Client,
  Document,
  Disclosure,
};
