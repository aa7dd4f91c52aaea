/**
 * What DSAR erasure (GDPR Art. 17) does to each record of the requester, as pure functions. The
 * rule: remove what identifies or describes the person (address, name, ids derived from them,
 * subjects, message bodies, attachments, billing references, their own words in an appeal), keep
 * what the SLA statistics need (ticket timings, priorities, plan, channel, status changes, tiers,
 * the SLA actions the workflow applied, message timestamps and authorship roles).
 */
import type { TicketActivity } from '../tickets/activity.ts';
import type { Message, Ticket } from '../tickets/model.ts';
import type { BillingAppeal } from './billing-appeal.ts';
import type { Dsar } from './dsar.ts';
import { nextVersion, withHistory } from './records.ts';

export const ERASED_TEXT = '[erased]';
/** Stands in for the requester's ids in activity and authorship. */
export const ERASED_REQUESTER_ID = 'erased-requester';

/** Ids that stood for the requester on their tickets (token `sub`, `email:<address>`). */
export function requesterIds(ticket: Ticket): Set<string> {
  return new Set([ticket.requester.id, `email:${ticket.requester.email}`]);
}

export function eraseTicket(
  ticket: Ticket,
  activity: TicketActivity[],
  placeholderEmail: string,
): { ticket: Ticket; activity: TicketActivity[] } {
  const ids = requesterIds(ticket);
  return {
    ticket: {
      ...ticket,
      subject: ERASED_TEXT,
      requester: { id: ERASED_REQUESTER_ID, email: placeholderEmail },
    },
    activity: activity.map((a) => (ids.has(a.by) ? { ...a, by: ERASED_REQUESTER_ID } : a)),
  };
}

export function eraseMessage(message: Message, requesterIdSet: Set<string>): Message {
  return {
    ...message,
    body: ERASED_TEXT,
    author: requesterIdSet.has(message.author.id)
      ? { ...message.author, id: ERASED_REQUESTER_ID }
      : message.author,
  };
}

export function eraseAppeal(
  appeal: BillingAppeal,
  placeholderEmail: string,
  dsarId: string,
  now: Date,
): BillingAppeal {
  const notices = appeal.notices.map((n) => {
    const { to: _to, ...rest } = n;
    return 'code' in rest.params ? { ...rest, params: { ...rest.params, code: null } } : rest;
  });
  const { invoiceId: _invoice, ...billing } = appeal.billing;
  return withHistory(
    {
      ...nextVersion(appeal),
      requester: { id: ERASED_REQUESTER_ID, email: placeholderEmail },
      summary: ERASED_TEXT,
      billing: { ...billing, transactionIds: [] },
      notices,
      requesterErased: true,
    },
    { at: now.toISOString(), action: 'billing-appeal.requester-erased', by: { id: dsarId, role: 'system' } },
  );
}

/** Another request of the same requester: it forgets them too. */
export function eraseOtherRequest(
  dsar: Dsar,
  placeholderEmail: string,
  erasingDsarId: string,
  now: Date,
): Dsar {
  const notices = dsar.notices.map((n) => {
    const { to: _to, ...rest } = n;
    return 'code' in rest.params ? { ...rest, params: { ...rest.params, code: null } } : rest;
  });
  const { codeHash: _h, codeSalt: _s, ...identity } = dsar.identity;
  return withHistory(
    {
      ...nextVersion(dsar),
      requester: { email: placeholderEmail },
      notices,
      identity,
      requesterErased: true,
    },
    { at: now.toISOString(), action: 'dsar.requester-erased', by: { id: erasingDsarId, role: 'system' } },
  );
}
