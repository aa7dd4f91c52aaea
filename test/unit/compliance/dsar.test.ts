import { describe, expect, it } from 'vitest';
import {
  applyDsarDeadlines,
  dsarDeadlines,
  dsarDueAt,
  extendDsar,
  nextDsarDeadline,
  openDsar,
  verifyDsarIdentity,
} from '#shared/compliance/dsar.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { problemOf } from '#shared/http/problem.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';

const techflow = getPolicyPack('techflow');
const rch = getPolicyPack('rch-spyfocus');
const rarelogic = getPolicyPack('rarelogic');
const lead = { id: 'lead-1', role: 'lead' as const };
const agent = { id: 'agent-1', role: 'agent' as const };

function open(pack = techflow, receivedAt = '2030-01-31T15:00:00.000Z', now = receivedAt) {
  return openDsar({
    id: '01J0000000000000000000DSAR',
    desk: pack.id,
    kind: 'access',
    channel: 'api',
    requester: { email: 'ana@example.com', name: 'Ana' },
    receivedAt: new Date(receivedAt),
    filedBy: { id: 'cust-1', role: 'customer' },
    pack,
    now: new Date(now),
    code: '12345678',
    salt: 'salt',
  });
}

const problemSlug = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof DomainError)) return String(error);
    const problem = problemOf(error);
    return `${problem.status} ${problem.slug}`;
  }
  return 'no error';
};

describe('DSAR due dates', () => {
  it('one calendar month, clamped to the end of February (31 Jan → 28 Feb)', () => {
    // 10:00 in New York on 31 January 2030 → 10:00 on 28 February 2030.
    expect(dsarDueAt(techflow, new Date('2030-01-31T15:00:00Z')).dueAt.toISOString()).toBe(
      '2030-02-28T15:00:00.000Z',
    );
  });
  it('in a leap year, 31 Jan → 29 Feb', () => {
    expect(dsarDueAt(techflow, new Date('2032-01-31T15:00:00Z')).dueAt.toISOString()).toBe(
      '2032-02-29T15:00:00.000Z',
    );
  });
  it('keeps the local wall-clock time across a DST change (New York, March)', () => {
    // 1 Mar 2030 10:00 EST (15:00Z) → 1 Apr 2030 10:00 EDT (14:00Z).
    expect(dsarDueAt(techflow, new Date('2030-03-01T15:00:00Z')).dueAt.toISOString()).toBe(
      '2030-04-01T14:00:00.000Z',
    );
  });
  it('RCH SpyFocus: 30 days where that is earlier than a month (March: 31 Mar, not 1 Apr)', () => {
    // 09:00 PST on 1 March → 09:00 PDT on 31 March (Los Angeles moved to summer time on 10 March).
    const due = dsarDueAt(rch, new Date('2030-03-01T17:00:00Z'));
    expect(due.dueAt.toISOString()).toBe('2030-03-31T16:00:00.000Z');
    expect(due.rule).toMatch(/30 days after receipt/);
  });
  it('RCH SpyFocus: one month where that is earlier than 30 days (31 Jan → 28 Feb, not 2 Mar)', () => {
    const due = dsarDueAt(rch, new Date('2030-01-31T18:00:00Z'));
    expect(due.dueAt.toISOString()).toBe('2030-02-28T18:00:00.000Z');
    expect(due.rule).toMatch(/GDPR/);
  });
  it('a desk whose pack has no DSAR section gets the GDPR baseline (RareLogic)', () => {
    expect(dsarDueAt(rarelogic, new Date('2030-05-31T13:00:00Z')).dueAt.toISOString()).toBe(
      '2030-06-30T13:00:00.000Z',
    );
  });
});

describe('DSAR extension', () => {
  it('extends once by up to two months from the original due date, with the reason recorded', () => {
    const dsar = open();
    const extended = extendDsar(
      dsar,
      techflow,
      { months: 2, reason: 'Forty tickets across three products' },
      lead,
      new Date('2030-02-10T00:00:00Z'),
    );
    expect(extended.dueAt).toBe('2030-04-28T14:00:00.000Z'); // 10:00 New York (EDT by then)
    expect(extended.originalDueAt).toBe('2030-02-28T15:00:00.000Z');
    expect(extended.extension).toMatchObject({
      months: 2,
      reason: 'Forty tickets across three products',
      previousDueAt: '2030-02-28T15:00:00.000Z',
    });
    expect(extended.history.at(-1)).toMatchObject({ action: 'dsar.extended', by: lead });
    expect(extended.notices.at(-1)).toMatchObject({
      template: 'dsar-extended',
      audience: 'customer',
      to: 'ana@example.com',
    });
    expect(
      problemSlug(() =>
        extendDsar(
          extended,
          techflow,
          { months: 1, reason: 'Once more, please!' },
          lead,
          new Date('2030-02-11T00:00:00Z'),
        ),
      ),
    ).toBe('409 already-extended');
  });
  it('is refused after the due date, to agents, and where the pack allows none (RCH SpyFocus)', () => {
    const reason = { months: 2, reason: 'A long and complex request' };
    expect(
      problemSlug(() => extendDsar(open(), techflow, reason, lead, new Date('2030-03-01T00:00:00Z'))),
    ).toBe('409 overdue');
    expect(
      problemSlug(() => extendDsar(open(), techflow, reason, agent, new Date('2030-02-01T00:00:00Z'))),
    ).toBe('403 forbidden');
    expect(
      problemSlug(() => extendDsar(open(rch), rch, reason, lead, new Date('2030-02-01T00:00:00Z'))),
    ).toBe('409 extension-not-allowed');
  });
});

describe('DSAR reminders and escalation', () => {
  it('reminds staff 7 and 2 days before the due date and escalates to managers once overdue', () => {
    const dsar = open();
    expect(dsarDeadlines(dsar, techflow).map((d) => [d.kind, d.at])).toEqual([
      ['reminder', '2030-02-21T15:00:00.000Z'],
      ['reminder', '2030-02-26T15:00:00.000Z'],
      ['overdue', '2030-02-28T15:00:00.000Z'],
    ]);
    expect(nextDsarDeadline(dsar, techflow)).toBe('2030-02-21T15:00:00.000Z');
    const before = applyDsarDeadlines(dsar, techflow, new Date('2030-02-21T14:59:59Z'));
    expect(before).toBe(dsar);
    const week = applyDsarDeadlines(dsar, techflow, new Date('2030-02-21T15:00:00Z'));
    expect(week.notices.at(-1)).toMatchObject({
      template: 'dsar-due-soon',
      audience: 'lead',
      params: { daysBefore: 7 },
    });
    expect(applyDsarDeadlines(week, techflow, new Date('2030-02-21T16:00:00Z'))).toBe(week);
    const overdue = applyDsarDeadlines(week, techflow, new Date('2030-03-05T00:00:00Z'));
    expect(overdue.overdueSince).toBe('2030-02-28T15:00:00.000Z');
    expect(overdue.notices.filter((n) => n.template === 'dsar-due-soon')).toHaveLength(1); // the 2-day reminder is moot
    expect(overdue.notices.at(-1)).toMatchObject({ template: 'dsar-overdue', audience: 'manager' });
    expect(nextDsarDeadline(overdue, techflow)).toBeNull();
  });
  it('moves the reminders with an extension', () => {
    const extended = extendDsar(
      open(),
      techflow,
      { months: 1, reason: 'A long and complex request' },
      lead,
      new Date('2030-02-10T00:00:00Z'),
    );
    expect(nextDsarDeadline(extended, techflow)).toBe('2030-03-21T14:00:00.000Z');
  });
});

describe('identity verification', () => {
  it('accepts the mailed code, counts wrong ones and locks after five', () => {
    let dsar = open();
    const now = new Date('2030-02-01T10:00:00Z');
    for (let i = 1; i <= 5; i++) {
      const result = verifyDsarIdentity(dsar, { code: '00000000' }, { id: 'cust-1', role: 'customer' }, now);
      expect(result.verified).toBe(false);
      dsar = result.dsar;
    }
    expect(dsar.identity.status).toBe('locked');
    expect(
      verifyDsarIdentity(dsar, { code: '12345678' }, { id: 'cust-1', role: 'customer' }, now).reason,
    ).toBe('locked');
    const attested = verifyDsarIdentity(
      dsar,
      { attestation: { method: 'call-back', note: 'Called the number on file' } },
      lead,
      now,
    );
    expect(attested.dsar.status).toBe('verified');
    expect(attested.dsar.identity).toMatchObject({ method: 'staff-attestation', verifiedBy: lead });
  });
  it('verifies with the right code and then forgets it', () => {
    const result = verifyDsarIdentity(
      open(),
      { code: '12345678' },
      { id: 'cust-1', role: 'customer' },
      new Date('2030-02-01T10:00:00Z'),
    );
    expect(result.verified).toBe(true);
    expect(result.dsar.identity.codeHash).toBeUndefined();
    expect(result.dsar.notices.find((n) => n.template === 'dsar-verification-code')?.params.code).toBeNull();
  });
  it('refuses an expired code', () => {
    const result = verifyDsarIdentity(
      open(),
      { code: '12345678' },
      { id: 'cust-1', role: 'customer' },
      new Date('2030-02-02T15:00:01Z'),
    );
    expect(result).toMatchObject({ verified: false, reason: 'expired' });
  });
});
