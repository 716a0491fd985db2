import type { Resolvers } from '../generated/resolvers-types';
import { AssistanceRequest } from './assistance-request';
import { Client } from './client';
import { Decision } from './decision';
import { Medication } from './medication';
import { endPlacement } from './mutation-end-placement';
import { recordDecision } from './mutation-record-decision';
import { recordAssistanceRequest } from './mutation-record-assistance-request';
import { recordCareDays } from './mutation-record-care-days';
import { recordInvoice } from './mutation-record-invoice';
import { recordMedication } from './mutation-record-medication';
import { recordPaymentCommitment } from './mutation-record-payment-commitment';
import { recordPlacement } from './mutation-record-placement';
import { recordRestriction } from './mutation-record-restriction';
import { setDecisionNotified } from './mutation-set-decision-notified';
import { updateDecision } from './mutation-update-decision';
import { updatePlacement } from './mutation-update-placement';
import { PaymentCommitment } from './payment-commitment';
import { Placement } from './placement';
import { Restriction } from './restriction';

export const resolvers: Resolvers = {
  Mutation: {
    recordDecision,
    recordPlacement,
    endPlacement,
    recordRestriction,
    recordAssistanceRequest,
    recordMedication,
    recordCareDays,
    recordPaymentCommitment,
    recordInvoice,
    setDecisionNotified,
    updateDecision,
    updatePlacement,
  },
  Client,
  Decision,
  Placement,
  PaymentCommitment,
  Restriction,
  AssistanceRequest,
  Medication,
};
