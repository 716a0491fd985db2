import type { Resolvers } from '../generated/resolvers-types';
import { AssistanceRequest } from './assistance-request';
import { Client } from './client';
import { Decision } from './decision';
import { Medication } from './medication';
import { endPlacement } from './mutation-end-placement';
import { recordDecision } from './mutation-record-decision';
import { recordPlacement } from './mutation-record-placement';
import { PaymentCommitment } from './payment-commitment';
import { Placement } from './placement';
import { Restriction } from './restriction';

export const resolvers: Resolvers = {
  Mutation: { recordDecision, recordPlacement, endPlacement },
  Client,
  Decision,
  Placement,
  PaymentCommitment,
  Restriction,
  AssistanceRequest,
  Medication,
};
