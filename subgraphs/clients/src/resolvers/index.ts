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
import { issueApiToken } from './mutation-issue-api-token';
import { revokeApiToken } from './mutation-revoke-api-token';
import { rotateApiToken } from './mutation-rotate-api-token';
import { registerPersistedOperation } from './mutation-register-persisted-operation';
import { units } from './query-units';
import { Unit } from './unit';

export const resolvers: Resolvers = {
  Query: { me, client, clients, clientByPersonalIdentityCode, units, apiTokens },
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
  },
  Client,
  Guardian,
  ClientRelationship,
  Commission,
  Unit,
  Organisation,
  Me,
  Grant,
  ClientConnection,
  ApiToken,
};
