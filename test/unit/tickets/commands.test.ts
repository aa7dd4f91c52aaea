import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { canSeeTicket } from '#shared/tickets/access.ts';
import { addMessage, CreateTicketBody, openTicket, updateTicket } from '#shared/tickets/commands.ts';
import { GENERIC_DESK_DEFAULTS } from '#shared/tickets/desk-policy.ts';
import type { Ticket } from '#shared/tickets/model.ts';

const now = new Date('2026-03-06T15:00:00Z');
const principal = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({
  id: `u-${role}`,
  role,
  desk: 'techflow',
  email: `${role}@example.com`,
  name: undefined,
  plan: undefined,
  tier: undefined,
  ...extra,
});
const defaults = GENERIC_DESK_DEFAULTS;
const body = CreateTicketBody.parse({ subject: 'Down', description: 'Everything is down' });

function open(by = principal('customer', { plan: 'enterprise' })): Ticket {
  return openTicket({ principal: by, body, id: '01J00000000000000000000000', now, defaults }).ticket;
}

describe('openTicket', () => {
  it('takes requester and plan from a customer token and starts new at tier 1', () => {
    const change = openTicket({
      principal: principal('customer', { plan: 'enterprise' }),
      body,
      id: '01J00000000000000000000000',
      now,
      defaults,
    });
    expect(change.ticket).toMatchObject({
      status: 'new',
      tier: 1,
      plan: 'enterprise',
      priority: 'normal',
      channel: 'api',
      version: 1,
    });
    expect(change.ticket.requester).toEqual({ id: 'u-customer', email: 'customer@example.com' });
    expect(change.activity).toEqual([
      {
        at: now.toISOString(),
        by: 'u-customer',
        type: 'ticket-created',
        priority: 'normal',
        plan: 'enterprise',
        channel: 'api',
        status: 'new',
      },
    ]);
    expect(change.message).toMatchObject({
      id: change.ticket.id,
      visibility: 'public',
      author: { role: 'customer' },
    });
  });

  it('needs a requester when staff open a ticket on someone’s behalf', () => {
    expect(() =>
      openTicket({ principal: principal('agent'), body, id: '01J00000000000000000000000', now, defaults }),
    ).toThrow(DomainError);
    const withRequester = CreateTicketBody.parse({
      ...body,
      requester: { email: 'A@B.example' },
      channel: 'phone',
      plan: 'professional',
    });
    const t = openTicket({
      principal: principal('agent'),
      body: withRequester,
      id: '01J00000000000000000000000',
      now,
      defaults,
    }).ticket;
    expect(t).toMatchObject({
      channel: 'phone',
      plan: 'professional',
      requester: { id: 'email:a@b.example', email: 'a@b.example' },
    });
  });

  it('does not let customers choose their plan or channel', () => {
    const sneaky = CreateTicketBody.parse({ ...body, plan: 'enterprise' });
    expect(() =>
      openTicket({
        principal: principal('customer'),
        body: sneaky,
        id: '01J00000000000000000000000',
        now,
        defaults,
      }),
    ).toThrow(/invalid fields/);
  });
});

describe('addMessage status rules', () => {
  const later = new Date('2026-03-06T16:00:00Z');
  it('a public agent reply opens a new ticket; an internal note does not', () => {
    const t = open();
    const note = addMessage({
      principal: principal('agent'),
      ticket: t,
      body: { body: 'n', visibility: 'internal' },
      messageId: 'm1',
      now: later,
    });
    expect(note.ticket.status).toBe('new');
    expect(note.activity).toEqual([
      {
        at: later.toISOString(),
        by: 'u-agent',
        type: 'agent-reply',
        visibility: 'internal',
        messageId: 'm1',
      },
    ]);
    const reply = addMessage({
      principal: principal('agent'),
      ticket: t,
      body: { body: 'r', visibility: 'public' },
      messageId: 'm2',
      now: later,
    });
    expect(reply.ticket).toMatchObject({ status: 'open', version: 2 });
    expect(reply.activity.map((a) => a.type)).toEqual(['agent-reply', 'status-changed']);
  });

  it.each(['pending', 'on-hold', 'solved'] as const)('a customer reply reopens a %s ticket', (status) => {
    const t = { ...open(), status };
    const change = addMessage({
      principal: principal('customer'),
      ticket: t,
      body: { body: 'hi', visibility: 'public' },
      messageId: 'm',
      now: later,
    });
    expect(change.ticket.status).toBe('open');
    expect(change.activity[1]).toMatchObject({ type: 'status-changed', from: status, to: 'open' });
  });

  it('an agent update on a solved ticket leaves it solved', () => {
    const t = { ...open(), status: 'solved' as const };
    const change = addMessage({
      principal: principal('agent'),
      ticket: t,
      body: { body: 'fyi', visibility: 'public' },
      messageId: 'm',
      now: later,
    });
    expect(change.ticket.status).toBe('solved');
  });

  it('refuses messages on closed tickets', () => {
    const t = { ...open(), status: 'closed' as const };
    expect(() =>
      addMessage({
        principal: principal('customer'),
        ticket: t,
        body: { body: 'x', visibility: 'public' },
        messageId: 'm',
        now: later,
      }),
    ).toThrow(/closed/);
  });

  it('an app writes as the requester', () => {
    const change = addMessage({
      principal: principal('app'),
      ticket: open(),
      body: { body: 'x', visibility: 'public' },
      messageId: 'm',
      now: later,
    });
    expect(change.message.author).toEqual({ role: 'customer', id: 'u-customer' });
    expect(change.activity[0]?.type).toBe('customer-message');
  });
});

describe('updateTicket', () => {
  it('records one activity per changed field and bumps the version once', () => {
    const change = updateTicket({
      principal: principal('agent'),
      ticket: open(),
      patch: { priority: 'urgent', tier: 2, status: 'open' },
      now,
      defaults,
      answered: false,
    });
    expect(change.activity.map((a) => a.type)).toEqual([
      'priority-changed',
      'tier-changed',
      'status-changed',
    ]);
    expect(change.ticket.version).toBe(2);
  });

  it('is a no-op when nothing changes', () => {
    const t = open();
    const change = updateTicket({
      principal: principal('agent'),
      ticket: t,
      patch: { priority: 'normal' },
      now,
      defaults,
      answered: false,
    });
    expect(change.activity).toEqual([]);
    expect(change.ticket).toBe(t);
  });

  it('only lets leads and above lower a priority', () => {
    const t = { ...open(), priority: 'urgent' as const };
    expect(() =>
      updateTicket({
        principal: principal('agent'),
        ticket: t,
        patch: { priority: 'high' },
        now,
        defaults,
        answered: false,
      }),
    ).toThrow(/lead/);
    expect(
      updateTicket({
        principal: principal('lead'),
        ticket: t,
        patch: { priority: 'high' },
        now,
        defaults,
        answered: false,
      }).ticket.priority,
    ).toBe('high');
  });

  it('refuses customers', () => {
    expect(() =>
      updateTicket({
        principal: principal('customer'),
        ticket: open(),
        patch: { status: 'solved' },
        now,
        defaults,
        answered: false,
      }),
    ).toThrow(/staff/);
  });
});

describe('canSeeTicket', () => {
  const t = open();
  it.each([
    ['the requester', principal('customer'), true],
    ['another customer', principal('customer', { email: 'x@example.com' }), false],
    ['an agent of the desk', principal('agent'), true],
    ['an agent of another desk', principal('agent', { desk: 'acentus' }), false],
    ['a customer of another desk with the same email', principal('customer', { desk: 'acentus' }), false],
  ])('%s → %s', (_, who, expected) => {
    expect(canSeeTicket(who, t)).toBe(expected);
  });
});
