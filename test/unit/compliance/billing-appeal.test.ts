import { describe, expect, it } from 'vitest';
import {
  applyAppealDeadlines,
  type BillingAppeal,
  decideAppeal,
  nextAppealDeadline,
  openAppeal,
  verifyAppealIdentity,
} from '#shared/compliance/billing-appeal.ts';
import type { Actor } from '#shared/compliance/records.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { problemOf } from '#shared/http/problem.ts';
import { getPolicyPack } from '#shared/policy/packs.ts';

const rch = getPolicyPack('rch-spyfocus');
const acentus = getPolicyPack('acentus');
const rarelogic = getPolicyPack('rarelogic');
const techflow = getPolicyPack('techflow');
const agent = { id: 'agent-1', role: 'agent' as const };
const lead = { id: 'lead-1', role: 'lead' as const };
const manager = { id: 'manager-1', role: 'manager' as const };

function open(pack = rch, at = '2030-05-22T16:00:00.000Z'): BillingAppeal {
  return openAppeal({
    id: '01J000000000000000000APPEL',
    desk: pack.id,
    pack,
    requester: { id: 'cust-1', email: 'bo@example.com', name: 'Bo' },
    filedBy: { id: 'cust-1', role: 'customer' },
    body: {
      summary: 'Charged twice for the annual plan',
      invoiceId: 'INV-77',
      transactionIds: ['tx-1'],
      amount: { value: 149, currency: 'USD' },
    },
    now: new Date(at),
    code: '87654321',
    salt: 'salt',
  });
}

const slug = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof DomainError)) return String(error);
    const problem = problemOf(error);
    return `${problem.status} ${problem.slug}`;
  }
  return 'no error';
};

describe('RCH SpyFocus staged appeal', () => {
  it('starts with billing agent review due 48 hours later and tells the customer', () => {
    const appeal = open();
    expect(appeal.stages).toEqual([
      expect.objectContaining({
        name: 'Billing agent review',
        decidedBy: 'agent',
        dueAt: '2030-05-24T16:00:00.000Z',
      }),
    ]);
    expect(appeal.notices.map((n) => [n.template, n.audience])).toEqual([
      ['billing-identity-code', 'customer'],
      ['billing-appeal-stage-started', 'customer'],
      ['billing-appeal-review-due', 'agent'],
    ]);
  });

  it('advances a missed stage by itself; supervisor days skip Memorial Day; the clock starts at the missed deadline', () => {
    const appeal = open();
    expect(applyAppealDeadlines(appeal, rch, new Date('2030-05-24T15:59:59Z'))).toBe(appeal);
    // Swept three hours late: the supervisor's five business days still start at Fri 24 May 09:00 PDT.
    const advanced = applyAppealDeadlines(appeal, rch, new Date('2030-05-24T19:00:00Z'));
    expect(advanced.currentStage).toBe(1);
    expect(advanced.stages[0]).toMatchObject({ end: 'auto-advanced', endedAt: '2030-05-24T16:00:00.000Z' });
    // Tue 28, Wed 29, Thu 30, Fri 31 May, Mon 3 June (Mon 27 May is Memorial Day): close at 20:00 PDT.
    expect(advanced.stages[1]).toMatchObject({
      name: 'Supervisor review',
      decidedBy: 'lead',
      dueAt: '2030-06-04T03:00:00.000Z',
    });
    expect(advanced.history.at(-1)).toMatchObject({
      action: 'billing-appeal.auto-advanced',
      details: { missed: 'Billing agent review' },
    });
    expect(advanced.notices.slice(-3).map((n) => [n.template, n.audience])).toEqual([
      ['billing-appeal-stage-missed', 'manager'],
      ['billing-appeal-stage-started', 'customer'],
      ['billing-appeal-review-due', 'lead'],
    ]);
  });

  it('passes several stages in one sweep, then escalates the final one once (it does not auto-advance)', () => {
    const later = applyAppealDeadlines(open(), rch, new Date('2030-08-01T00:00:00Z'));
    expect(later.stages.map((s) => s.end ?? 'open')).toEqual(['auto-advanced', 'auto-advanced', 'open']);
    // Final arbitration started at the supervisor deadline (Mon 3 June, 20:00 PDT) + 15 business days,
    // skipping Juneteenth (Wed 19 June): Tue 25 June, 20:00 PDT (without the holiday: Mon 24 June).
    expect(later.stages[2]).toMatchObject({
      startedAt: '2030-06-04T03:00:00.000Z',
      dueAt: '2030-06-26T03:00:00.000Z',
    });
    expect(later.overdueSince).toBe('2030-06-26T03:00:00.000Z');
    expect(later.notices.at(-1)).toMatchObject({ template: 'billing-appeal-overdue', audience: 'manager' });
    expect(nextAppealDeadline(later)).toBeNull();
    expect(applyAppealDeadlines(later, rch, new Date('2030-09-01T00:00:00Z'))).toBe(later);
  });

  it('decisions: each stage by its role or above; escalate hands over; the final stage cannot escalate', () => {
    const appeal = open();
    const escalated = decideAppeal(
      appeal,
      rch,
      { outcome: 'escalate', note: 'Needs a supervisor' },
      agent,
      new Date('2030-05-23T16:00:00Z'),
    );
    expect(escalated.stages[1]).toMatchObject({
      name: 'Supervisor review',
      startedAt: '2030-05-23T16:00:00.000Z',
    });
    expect(
      slug(() =>
        decideAppeal(
          escalated,
          rch,
          { outcome: 'deny', note: 'No' },
          agent,
          new Date('2030-05-23T17:00:00Z'),
        ),
      ),
    ).toBe('403 forbidden');
    const atFinance = decideAppeal(
      escalated,
      rch,
      { outcome: 'escalate', note: 'Legal question' },
      lead,
      new Date('2030-05-23T18:00:00Z'),
    );
    expect(
      slug(() =>
        decideAppeal(
          atFinance,
          rch,
          { outcome: 'escalate', note: 'Up?' },
          manager,
          new Date('2030-05-23T19:00:00Z'),
        ),
      ),
    ).toBe('409 final-stage');
    const denied = decideAppeal(
      atFinance,
      rch,
      { outcome: 'deny', note: 'Usage confirmed' },
      manager,
      new Date('2030-05-24T19:00:00Z'),
    );
    expect(denied).toMatchObject({
      status: 'denied',
      currentStage: null,
      decision: { outcome: 'denied', by: manager },
    });
    expect(denied.notices.at(-1)).toMatchObject({
      template: 'billing-appeal-decided',
      params: { outcome: 'denied' },
    });
    expect(nextAppealDeadline(denied)).toBeNull();
    expect(
      slug(() =>
        decideAppeal(denied, rch, { outcome: 'approve', note: 'Changed my mind' }, manager, new Date()),
      ),
    ).toBe('409 appeal-decided');
  });

  it('withholds figures from the customer until their identity is verified', () => {
    // RCH refunds only a verified requester; an approval without a refund still withholds figures.
    expect(
      slug(() =>
        decideAppeal(
          open(),
          rch,
          { outcome: 'approve', note: 'Duplicate charge', refund: { value: 149, currency: 'USD' } },
          agent,
          new Date('2030-05-23T16:00:00Z'),
        ),
      ),
    ).toBe('409 identity-not-verified');
    const approved = decideAppeal(
      open(),
      rch,
      { outcome: 'approve', note: 'Duplicate charge' },
      agent,
      new Date('2030-05-23T16:00:00Z'),
    );
    expect(approved.notices.at(-1)?.params).toEqual({
      appealId: approved.id,
      outcome: 'approved',
      stage: 'Billing agent review',
      billingWithheld: 'identity-not-verified',
    });
    const verified = verifyAppealIdentity(
      open(),
      { code: '87654321' },
      { id: 'cust-1', role: 'customer' },
      new Date('2030-05-22T17:00:00Z'),
    );
    expect(verified.verified).toBe(true);
    const released = decideAppeal(
      verified.appeal,
      rch,
      { outcome: 'approve', note: 'Duplicate charge', refund: { value: 149, currency: 'USD' } },
      agent,
      new Date('2030-05-23T16:00:00Z'),
    );
    expect(released.notices.at(-1)?.params).toMatchObject({ refund: '149 USD' });
    expect(released.refund).toMatchObject({ amount: { value: 149, currency: 'USD' }, dueAt: null }); // RCH names no settlement time
  });
});

describe('refund approvals: capped, verified, four eyes above the threshold', () => {
  const verified = (amount: number) => {
    const base = open();
    const withAmount = { ...base, billing: { ...base.billing, amount: { value: amount, currency: 'USD' } } };
    return verifyAppealIdentity(
      withAmount,
      { code: '87654321' },
      { id: 'cust-1', role: 'customer' },
      new Date('2030-05-22T17:00:00Z'),
    ).appeal;
  };
  const approve = (a: BillingAppeal, value: number, by: Actor = agent, currency = 'USD') =>
    decideAppeal(
      a,
      rch,
      { outcome: 'approve', note: 'ok', refund: { value, currency } },
      by,
      new Date('2030-05-23T16:00:00Z'),
    );

  it('refuses a refund above the claimed amount, in another currency, or without a claimed amount', () => {
    expect(slug(() => approve(verified(100), 100.01))).toBe('422 unprocessable');
    expect(slug(() => approve(verified(100), 50, agent, 'EUR'))).toBe('422 unprocessable');
    const noClaim = verified(100);
    const { amount: _a, ...billing } = noClaim.billing;
    expect(slug(() => approve({ ...noClaim, billing }, 10))).toBe('422 unprocessable');
    expect(approve(verified(100), 100).status).toBe('approved');
  });

  it('above the threshold (RCH: 149) the first approval is pending and a different lead or manager completes it', () => {
    const first = approve(verified(500), 400);
    expect(first).toMatchObject({
      status: 'in-review',
      pendingApproval: { by: agent, refund: { value: 400 } },
    });
    expect(first.refund).toBeUndefined();
    expect(first.history.at(-1)?.action).toBe('billing-appeal.approval-pending');
    expect(slug(() => approve(first, 400, agent))).toBe('403 forbidden'); // the same person again
    expect(slug(() => approve(first, 400, { id: 'agent-2', role: 'agent' }))).toBe('403 forbidden'); // not a lead
    expect(slug(() => approve(first, 300, lead))).toBe('409 approval-mismatch');
    const done = approve(first, 400, lead);
    expect(done).toMatchObject({ status: 'approved', refund: { amount: { value: 400 } } });
    expect(done).not.toHaveProperty('pendingApproval');
    expect(done.history.at(-1)?.details).toMatchObject({ firstApprover: 'agent-1' });
    // At or below the threshold one approval is enough.
    expect(approve(verified(500), 149).status).toBe('approved');
  });
});

describe('refund due dates and desks without stages', () => {
  it('Acentus: one review stage without a deadline; an approved refund is due 7 business days later', () => {
    const appeal = open(acentus, '2030-04-03T10:00:00.000Z');
    expect(appeal.stages).toEqual([expect.objectContaining({ name: 'Billing review', dueAt: null })]);
    expect(appeal.identity.required).toBe(false);
    expect(nextAppealDeadline(appeal)).toBeNull();
    const approved = decideAppeal(
      appeal,
      acentus,
      { outcome: 'approve', note: 'Goodwill', refund: { value: 20, currency: 'USD' } },
      agent,
      new Date('2030-04-05T10:00:00Z'),
    );
    // Friday 5 April → Mon 8 … Tue 16 April, closing 17:00 UTC.
    expect(approved.refund).toMatchObject({
      dueAt: '2030-04-16T17:00:00.000Z',
      window: 'settlement-after-approval: 7 business days',
    });
    expect(nextAppealDeadline(approved)).toBe('2030-04-16T17:00:00.000Z');
    const overdue = applyAppealDeadlines(approved, acentus, new Date('2030-04-17T00:00:00Z'));
    expect(overdue.notices.at(-1)).toMatchObject({
      template: 'billing-appeal-refund-overdue',
      audience: 'manager',
    });
    const refunded = decideAppeal(
      overdue,
      acentus,
      { outcome: 'refund-issued', reference: 'RF-1' },
      agent,
      new Date('2030-04-18T00:00:00Z'),
    );
    expect(refunded).toMatchObject({ status: 'refunded', refund: { reference: 'RF-1' } });
    expect(refunded.history.at(-1)).toMatchObject({ details: { onTime: false } });
  });

  it('TechFlow: approval without a refund window sets no due date', () => {
    const approved = decideAppeal(
      open(techflow),
      techflow,
      { outcome: 'approve', note: 'Credit applied', refund: { value: 5, currency: 'USD' } },
      agent,
      new Date('2030-05-23T16:00:00Z'),
    );
    expect(approved.refund?.dueAt).toBeNull();
  });

  it('RareLogic: answered with the no-refunds policy at once, recorded and never left open', () => {
    const appeal = open(rarelogic);
    expect(appeal).toMatchObject({ status: 'answered-by-policy', currentStage: null, stages: [] });
    expect(appeal.decision).toMatchObject({
      outcome: 'answered-by-policy',
      note: 'There are no refunds for services rendered',
    });
    expect(appeal.notices.at(-1)).toMatchObject({
      template: 'billing-appeal-no-refunds',
      audience: 'customer',
      params: { policy: 'There are no refunds for services rendered' },
    });
    expect(appeal.identity.required).toBe(true);
    expect(
      slug(() =>
        decideAppeal(appeal, rarelogic, { outcome: 'approve', note: 'Refund anyway' }, manager, new Date()),
      ),
    ).toBe('409 appeal-decided');
  });
});
