import { describe, expect, it } from 'vitest';
import { ROLES, STAFF_ROLES, SUPERVISOR_ROLES } from '#shared/auth/principal.ts';
import { PROMISE_AUTHORITY_ROLES } from '#shared/tickets/authority.ts';

/**
 * The console offers a view or an action only where the API would allow it: its role sets (plain JS,
 * console/roles.js) must be the ones the API authorises with.
 */
// A path in a variable: the console is plain JS without type declarations.
const rolesModule = '../../../console/roles.js';
const console_ = await import(rolesModule);

describe('the console’s role sets', () => {
  it('are the API’s: staff, supervisors, promise authority', () => {
    expect(new Set(console_.STAFF_ROLES)).toEqual(new Set(STAFF_ROLES));
    expect(new Set(console_.SUPERVISOR_ROLES)).toEqual(new Set(SUPERVISOR_ROLES));
    expect(new Set(console_.PROMISE_AUTHORITY_ROLES)).toEqual(new Set(PROMISE_AUTHORITY_ROLES));
  });

  it('offer KPIs and publishing incidents to supervisors only, nothing to customers and apps', () => {
    for (const role of ROLES) {
      const can = console_.permissionsOf(role);
      expect(can.views.kpis, role).toBe(SUPERVISOR_ROLES.has(role));
      expect(can.publishIncidents, role).toBe(SUPERVISOR_ROLES.has(role));
      expect(can.views.queue, role).toBe(STAFF_ROLES.has(role));
      expect(can.changeTicket, role).toBe(STAFF_ROLES.has(role));
      expect(can.lowerPriority, role).toBe(PROMISE_AUTHORITY_ROLES.has(role));
    }
  });
});
