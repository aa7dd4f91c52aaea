import type { Principal } from '#shared/auth/principal.ts';

/** A TechFlow Enterprise customer, as the integration suites open tickets with. */
export const enterpriseCustomer: Principal = {
  id: 'c1',
  role: 'customer',
  desk: 'techflow',
  email: 'c1@example.com',
  name: undefined,
  plan: 'enterprise',
  tier: undefined,
};
