import type { Resolvers } from '../generated/resolvers-types';
import { Client } from './client';
import { ClientConnection } from './client-connection';
import { Grant } from './grant';
import { ClientRelationship } from './client-relationship';
import { Commission } from './commission';
import { Guardian } from './guardian';
import { Me } from './me';
import { createClient } from './mutation-create-client';
import { endRelationship } from './mutation-end-relationship';
import { openRelationship } from './mutation-open-relationship';
import { updateClient } from './mutation-update-client';
import { Organisation } from './organisation';
import { client } from './query-client';
import { clientByPersonalIdentityCode } from './query-client-by-personal-identity-code';
import { clients } from './query-clients';
import { me } from './query-me';
import { units } from './query-units';
import { Unit } from './unit';

export const resolvers: Resolvers = {
  Query: { me, client, clients, clientByPersonalIdentityCode, units },
  Mutation: { createClient, updateClient, openRelationship, endRelationship },
  Client,
  Guardian,
  ClientRelationship,
  Commission,
  Unit,
  Organisation,
  Me,
  Grant,
  ClientConnection,
};
