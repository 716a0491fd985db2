import type { Resolvers } from '../generated/resolvers-types';
import { ApiToken } from './api-token';
import { Client } from './client';
import { ClientConnection } from './client-connection';
import { Grant } from './grant';
import { ClientRelationship } from './client-relationship';
import { Commission } from './commission';
import { Guardian } from './guardian';
import { Me } from './me';
import { assignResponsibleWorker } from './mutation-assign-responsible-worker';
import { createClient } from './mutation-create-client';
import { setAddressNonDisclosure } from './mutation-set-address-non-disclosure';
import { endRelationship } from './mutation-end-relationship';
import { openRelationship } from './mutation-open-relationship';
import { updateClient } from './mutation-update-client';
import { Organisation } from './organisation';
import { client } from './query-client';
import { clientByPersonalIdentityCode } from './query-client-by-personal-identity-code';
import { clients } from './query-clients';
import { me } from './query-me';
import { apiTokens } from './query-api-tokens';
import { organisations } from './query-organisations';
import { issueApiToken } from './mutation-issue-api-token';
import { revokeApiToken } from './mutation-revoke-api-token';
import { rotateApiToken } from './mutation-rotate-api-token';
import { registerPersistedOperation } from './mutation-register-persisted-operation';
import { units } from './query-units';
import { Unit } from './unit';
// Access administration (issue 11, item 4).
import { users } from './query-users';
import { User } from './user';
import { UserCommitment } from './user-commitment';
import { createUser } from './mutation-create-user';
import { updateUser } from './mutation-update-user';
import { grantRole } from './mutation-grant-role';
import { revokeGrant } from './mutation-revoke-grant';
import { recordUserCommitment } from './mutation-record-user-commitment';
import { createUnit } from './mutation-create-unit';
import { updateUnit } from './mutation-update-unit';
// Client records (issue 11): guardians, consents, commissions.
import { Consent } from './consent';
import { addGuardian } from './mutation-add-guardian';
import { updateGuardian } from './mutation-update-guardian';
import { giveConsent } from './mutation-give-consent';
import { withdrawConsent } from './mutation-withdraw-consent';
import { startCommission } from './mutation-start-commission';
import { endCommission } from './mutation-end-commission';

export const resolvers: Resolvers = {
  Query: { me, client, clients, clientByPersonalIdentityCode, units, apiTokens, organisations, users },
  Mutation: {
    createClient,
    updateClient,
    openRelationship,
    endRelationship,
    assignResponsibleWorker,
    setAddressNonDisclosure,
    issueApiToken,
    revokeApiToken,
    rotateApiToken,
    registerPersistedOperation,
    createUser,
    updateUser,
    grantRole,
    revokeGrant,
    recordUserCommitment,
    createUnit,
    updateUnit,
    addGuardian,
    updateGuardian,
    giveConsent,
    withdrawConsent,
    startCommission,
    endCommission,
  },
  Client,
  Guardian,
  ClientRelationship,
  Commission,
  Consent,
  Unit,
  Organisation,
  Me,
  Grant,
  ClientConnection,
  ApiToken,
  User,
  UserCommitment,
};
