import { describe, expect, it } from 'vitest';
import { SEND_LEASE_MS } from '../../../shared/notices/deliver.ts';
import { type OutboundMail, outboundForSlaActions } from '../../../shared/notices/outbound.ts';
import { CreateTicketBody, openTicket } from '../../../shared/tickets/commands.ts';
import { deskDefaultsFor } from '../../../shared/tickets/desk-policy.ts';
import {
  entriesClaimedFor,
  FIRST_STEP_LEASE_MS,
  noticesClaimedForFirstStep,
  slaActionRecord,
  ticketSlaPlanner,
} from '../../../shared/workflow/first-notices.ts';
import { enterpriseCustomer } from '../../support/principals.ts';

const CREATED = '2031-03-03T15:00:00.000Z';
const { ticket, activity } = openTicket({
  principal: enterpriseCustomer,
  body: CreateTicketBody.parse({ subject: 's', description: 'd' }),
  id: 'T1',
  now: new Date(CREATED),
  defaults: { ...deskDefaultsFor('techflow'), plan: 'enterprise', priority: 'normal' },
});
const now = new Date(CREATED);
const leaseUntil = '2031-03-03T15:01:00.000Z';

describe('notices the create claims for the first Apply step', () => {
  it('are exactly what that step would queue for the actions due at creation, claimed for the ticket’s execution', () => {
    const queued = noticesClaimedForFirstStep(ticketSlaPlanner, ticket, activity, now, leaseUntil);
    const due = ticketSlaPlanner(ticket, activity, now).actions.filter((a) => a.notice);
    const fromStep = outboundForSlaActions(
      due.map((a) => slaActionRecord(a, now)),
      now,
    );
    expect(queued.map((m) => m.id)).toEqual(['notify:acknowledgement:ticket-created']);
    expect(queued).toEqual(fromStep.map((m) => ({ ...m, claimedUntil: leaseUntil, claimedFor: 'T1' })));
  });

  it('hold the same lease as any sender', () => {
    expect(FIRST_STEP_LEASE_MS).toBe(SEND_LEASE_MS);
  });
});

describe('which step may send under the create’s claim', () => {
  const leaseNow = new Date('2031-03-03T15:00:05.000Z');
  const entry: OutboundMail = {
    id: 'notify:acknowledgement:ticket-created',
    kind: 'notice',
    audience: 'customer',
    at: CREATED,
    queuedAt: CREATED,
    status: 'pending',
    attempts: 0,
    claimedUntil: leaseUntil,
    claimedFor: 'T1',
  };
  const first = { executionName: 'T1', cycle: 1, attempt: 0 };

  it('the first attempt of the execution’s first step, with the lease still long enough', () => {
    expect(entriesClaimedFor(first, [entry], leaseNow)).toEqual([{ index: 0, entry }]);
  });

  it('not a retry, a later step, another execution, a definition without the attempt, or a lease about to end', () => {
    expect(entriesClaimedFor({ ...first, attempt: 1 }, [entry], leaseNow)).toEqual([]);
    expect(entriesClaimedFor({ ...first, attempt: undefined }, [entry], leaseNow)).toEqual([]);
    expect(entriesClaimedFor({ ...first, cycle: 2 }, [entry], leaseNow)).toEqual([]);
    expect(entriesClaimedFor({ ...first, executionName: 'T1-r1' }, [entry], leaseNow)).toEqual([]);
    expect(entriesClaimedFor(first, [entry], new Date('2031-03-03T15:00:45.000Z'))).toEqual([]);
    expect(entriesClaimedFor(first, [{ ...entry, status: 'sent' }], leaseNow)).toEqual([]);
  });
});
