/** A small pack for engine semantics tests: UTC, Mon-Fri 09:00-17:00, every metric timed. */
import { type PolicyPack, type PolicyPackInput, parsePolicyPack } from '#shared/policy/schema.ts';

const weekdays = (p: string) => ({ mon: [p], tue: [p], wed: [p], thu: [p], fri: [p] });

export function fixturePack(overrides: Partial<PolicyPackInput> = {}): PolicyPack {
  const base: PolicyPackInput = {
    id: 'fixture',
    version: 7,
    name: 'Fixture',
    timeZone: 'UTC',
    defaultCalendar: 'office',
    calendars: { office: { hours: weekdays('09:00-17:00') }, always: { alwaysOpen: true } },
    priorities: {
      urgent: { label: 'P1' },
      high: { label: 'P2' },
      normal: { label: 'P3' },
      low: { label: 'P4' },
    },
    defaultPriority: 'normal',
    plans: [
      { id: 'basic', name: 'Basic', calendar: 'office' },
      { id: 'vip', name: 'VIP', calendar: 'always' },
    ],
    defaultPlan: 'basic',
    channels: [{ id: 'email', name: 'Email' }],
    targets: [
      { id: 'fr', metric: 'first-response', minutes: 480, clock: 'business' },
      { id: 'fr.urgent', metric: 'first-response', priority: 'urgent', minutes: 60, clock: 'business' },
      { id: 'nr', metric: 'next-response', minutes: 240, clock: 'business' },
      { id: 'pu', metric: 'periodic-update', minutes: 120, clock: 'business' },
      { id: 'res', metric: 'resolution', minutes: 2400, clock: 'business' },
    ],
    warnings: { thresholds: [0.5, 0.9] },
    pause: [{ statuses: ['pending'], metrics: ['resolution', 'periodic-update'] }],
    escalation: {
      levels: [
        { tier: 1, name: 'L1' },
        { tier: 2, name: 'L2' },
        { tier: 3, name: 'L3' },
      ],
      triggers: [
        { id: 'x1', when: { atFractionOfTarget: 1 }, toTier: 'next', notify: ['lead'] },
        { id: 'x2', when: { atFractionOfTarget: 2 }, toTier: 'next', notify: ['manager'] },
      ],
    },
    notices: [
      { id: 'ack', when: 'ticket-created', audience: 'customer', template: 'ack', promiseToCustomer: true },
      {
        id: 'warn-lead',
        when: 'warning',
        threshold: 0.9,
        audience: 'lead',
        template: 'w',
        promiseToCustomer: false,
      },
      { id: 'breach', when: 'breach', audience: 'lead', template: 'b', promiseToCustomer: false },
    ],
    intake: { requiredFields: [] },
  };
  return parsePolicyPack({ ...base, ...overrides });
}
