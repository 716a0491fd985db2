import type { GuardianResolvers } from '../generated/resolvers-types';

export const Guardian: GuardianResolvers = {
  address: (g) => ({ street: g.streetAddress, postalCode: g.postalCode, postOffice: g.postOffice }),
};
