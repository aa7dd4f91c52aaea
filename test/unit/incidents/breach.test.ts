import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import {
  breachScheduleTimes,
  breachStateOf,
  markReportable,
  nextBreachThreshold,
  recordBreachThresholds,
  recordNotification,
} from '#shared/incidents/breach.ts';
import { openIncident } from '#shared/incidents/commands.ts';
import { reviewPolicyOf } from '#shared/incidents/review-policy.ts';
import { findPolicyPack } from '#shared/policy/packs.ts';

const lead: Principal = {
  id: 'lead-1',
  role: 'lead',
  desk: 'rch-spyfocus',
  email: undefined,
  name: undefined,
  plan: undefined,
  tier: undefined,
};
const policy = findPolicyPack('rch-spyfocus')!.reportableBreaches;
const t = (h: number) => new Date(Date.parse('2031-03-02T09:00:00Z') + h * 3_600_000);

const security = (kind: 'security' | 'incident' = 'security') =>
  openIncident({
    principal: lead,
    body: {
      title: 'Credential stuffing',
      impact: 'major',
      status: 'investigating',
      message: 'x',
      category: kind,
    },
    id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
    now: t(0),
    policy: reviewPolicyOf('rch-spyfocus'),
  });

describe('reportable breach window (RCH SpyFocus: 72 hours)', () => {
  it('marks a security incident reportable: deadline 72 h after awareness, warnings at 48 h and 60 h', () => {
    const marked = markReportable({ principal: lead, incident: security(), body: {}, now: t(1), policy });
    expect(marked.breach).toMatchObject({
      awareAt: t(1).toISOString(),
      notifyBy: t(73).toISOString(),
      warnAtHours: [48, 60],
    });
    expect(breachScheduleTimes(marked.breach!).map((d) => d.toISOString())).toEqual([
      t(49).toISOString(),
      t(61).toISOString(),
      t(73).toISOString(),
    ]);
    expect(breachStateOf(marked, t(2))).toBe('open');
    // A repeat changes nothing (a retried request).
    expect(markReportable({ principal: lead, incident: marked, body: {}, now: t(2), policy })).toBe(marked);
  });

  it('refuses service incidents, agents, a desk without the policy, and awareness in the future or before the incident', () => {
    expect(() =>
      markReportable({ principal: lead, incident: security('incident'), body: {}, now: t(1), policy }),
    ).toThrow(/Only a security incident/);
    expect(() =>
      markReportable({
        principal: { ...lead, role: 'agent' },
        incident: security(),
        body: {},
        now: t(1),
        policy,
      }),
    ).toThrow(/Only ops, leads and managers/);
    expect(() =>
      markReportable({ principal: lead, incident: security(), body: {}, now: t(1), policy: undefined }),
    ).toThrow(/names no notification window/);
    for (const awareAt of [t(2).toISOString(), t(-1).toISOString()]) {
      expect(() =>
        markReportable({ principal: lead, incident: security(), body: { awareAt }, now: t(1), policy }),
      ).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ pointer: '/awareAt' })] }));
    }
  });

  it('records each threshold once, even when one clock jump crosses all of them', () => {
    const marked = markReportable({ principal: lead, incident: security(), body: {}, now: t(0), policy });
    const early = recordBreachThresholds(marked, t(47));
    expect(early.recorded).toEqual([]);
    expect(early.incident).toBe(marked);
    const jumped = recordBreachThresholds(marked, t(80));
    expect(jumped.recorded.map((e) => `${e.type}-${e.hours}`)).toEqual([
      'warning-48',
      'warning-60',
      'overdue-72',
    ]);
    expect(jumped.incident.version).toBe(marked.version + 1);
    expect(recordBreachThresholds(jumped.incident, t(90)).recorded).toEqual([]);
    expect(breachStateOf(jumped.incident, t(80))).toBe('overdue');
    expect(nextBreachThreshold(jumped.incident)).toBeNull();
  });

  it('a notification to the authority closes the window; one after the deadline is late', () => {
    const marked = markReportable({ principal: lead, incident: security(), body: {}, now: t(0), policy });
    const warned = recordBreachThresholds(marked, t(50)).incident;
    expect(breachStateOf(warned, t(50))).toBe('warned');
    const customers = recordNotification({
      principal: lead,
      incident: warned,
      body: { recipient: 'customers', sentAt: t(50).toISOString(), reference: 'mailing 7' },
      now: t(51),
    });
    expect(nextBreachThreshold(customers)).toMatchObject({ type: 'warning', hours: 60 });
    const notified = recordNotification({
      principal: lead,
      incident: customers,
      body: { recipient: 'authority', sentAt: t(52).toISOString(), reference: 'case 42' },
      now: t(52),
    });
    expect(breachStateOf(notified, t(100))).toBe('notified');
    expect(nextBreachThreshold(notified)).toBeNull();
    expect(recordBreachThresholds(notified, t(100)).recorded).toEqual([]);
    const late = recordNotification({
      principal: lead,
      incident: marked,
      body: { recipient: 'authority', sentAt: t(80).toISOString(), reference: 'case 43' },
      now: t(80),
    });
    expect(breachStateOf(late, t(80))).toBe('notified-late');
    expect(() =>
      recordNotification({
        principal: lead,
        incident: marked,
        body: { recipient: 'authority', sentAt: t(90).toISOString(), reference: 'x' },
        now: t(80),
      }),
    ).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ pointer: '/sentAt' })] }));
    expect(() =>
      recordNotification({
        principal: lead,
        incident: security(),
        body: { recipient: 'authority', sentAt: t(1).toISOString(), reference: 'x' },
        now: t(1),
      }),
    ).toThrow(/Mark the incident/);
  });
});
