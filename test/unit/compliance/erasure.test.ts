import { describe, expect, it } from 'vitest';
import type { Dsar } from '#shared/compliance/dsar.ts';
import { ERASED_REQUESTER_ID, eraseMessage, eraseTicket, requesterIds } from '#shared/compliance/erasure.ts';
import { buildExportBundle } from '#shared/compliance/export-bundle.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';
import type { Message, Ticket } from '#shared/tickets/model.ts';

const ticket: Ticket = {
  id: '01J00000000000000000000TKT',
  desk: 'techflow',
  subject: 'My camera, serial 123',
  requester: { id: 'email:ana@example.com', email: 'ana@example.com', name: 'Ana' },
  priority: 'high',
  plan: 'standard',
  channel: 'email',
  status: 'solved',
  tier: 2,
  assignee: 'agent-1',
  tags: [],
  createdAt: '2030-01-01T10:00:00.000Z',
  updatedAt: '2030-01-02T10:00:00.000Z',
  version: 5,
};
const activity: TicketActivity[] = [
  {
    at: '2030-01-01T10:00:00.000Z',
    by: 'email:ana@example.com',
    type: 'ticket-created',
    priority: 'high',
    plan: 'standard',
    channel: 'email',
    status: 'new',
  },
  {
    at: '2030-01-01T11:00:00.000Z',
    by: 'agent-1',
    type: 'agent-reply',
    visibility: 'public',
    messageId: 'M2',
  },
  { at: '2030-01-02T10:00:00.000Z', by: 'agent-1', type: 'status-changed', from: 'open', to: 'solved' },
];

describe('erasure keeps the statistics and nothing personal', () => {
  it('keeps timings, priority, plan, tier and the activity log; replaces subject, requester and their ids', () => {
    const erased = eraseTicket(ticket, activity, 'erased-d1@erased.invalid');
    expect(erased.ticket).toEqual({
      ...ticket,
      subject: '[erased]',
      requester: { id: ERASED_REQUESTER_ID, email: 'erased-d1@erased.invalid' },
    });
    expect(erased.activity.map((a) => a.by)).toEqual([ERASED_REQUESTER_ID, 'agent-1', 'agent-1']);
    expect(erased.activity.map(({ by: _by, ...rest }) => rest)).toEqual(
      activity.map(({ by: _by, ...rest }) => rest),
    );
    expect(JSON.stringify(erased)).not.toMatch(/ana|Ana|camera/);
  });

  it('blanks every message body and the requester as author, keeping time, role and visibility', () => {
    const message: Message = {
      id: 'M1',
      ticketId: ticket.id,
      desk: 'techflow',
      author: { role: 'customer', id: 'email:ana@example.com' },
      visibility: 'public',
      body: 'Hi, I am Ana',
      channel: 'email',
      createdAt: '2030-01-01T10:00:00.000Z',
    };
    expect(eraseMessage(message, requesterIds(ticket))).toEqual({
      ...message,
      body: '[erased]',
      author: { role: 'customer', id: ERASED_REQUESTER_ID },
    });
  });
});

describe('export bundle', () => {
  it('is sorted, counted and fingerprinted', () => {
    const dsar = {
      id: 'D1',
      desk: 'techflow',
      kind: 'access',
      channel: 'api',
      status: 'verified',
      receivedAt: '2030-02-01T00:00:00.000Z',
      dueAt: '2030-03-01T00:00:00.000Z',
      requester: { email: 'ana@example.com' },
    } as Dsar;
    const built = buildExportBundle({
      dsar,
      tickets: [{ ticket, activity, messages: [], attachments: [] }],
      appeals: [],
      otherRequests: [],
      approvedBy: { id: 'lead-1', role: 'lead' },
      now: new Date('2030-02-02T00:00:00Z'),
    });
    expect(built.bundle.counts).toEqual({
      tickets: 1,
      messages: 0,
      attachments: 0,
      billingAppeals: 0,
      dsars: 1,
    });
    expect(JSON.parse(built.body).format).toBe('tierdesk-dsar-export/1');
    expect(built.bytes).toBe(Buffer.byteLength(built.body));
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
