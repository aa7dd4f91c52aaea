import { isOwnAddress, replyAddressFor, routeRecipient, subjectWithToken } from '../mail/addresses.ts';
import { type DeskMailConfig, deskMailConfig, deskSupportAddress } from '../mail/desk-mail.ts';
import type { MailStore } from '../mail/ports.ts';
import { signThreadToken, type ThreadKeySource } from '../mail/thread-token.ts';
import { messageIdKey, outboundMessageId, referencesHeader } from '../mail/threading.ts';
import { logger } from '../observability/logger.ts';
import { emitMetric } from '../observability/metrics.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { PolicyPack } from '../policy/schema.ts';
import type { KeyringSource } from '../secrets/keyring.ts';
import { surveyPath } from '../survey/link.ts';
import type { Message, Ticket } from '../tickets/model.ts';
import type { StoredTicket, TicketStore } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { slaStateOf } from '../workflow/policy-planner.ts';
import { composeMail } from './compose.ts';
import { missingIntakeFields } from './intake-check.ts';
import {
  INTAKE_CHECK_FRESH_MS,
  MAX_SEND_ATTEMPTS,
  type OutboundMail,
  type OutboundOutcome,
  outcomeOf,
} from './outbound.ts';
import { renderTemplate } from './render.ts';
import { type MailSender, PermanentSendError } from './sender.ts';
import {
  type NoticeContext,
  neutralAcknowledgementSubject,
  noticeKind,
  resolveTemplate,
} from './templates.ts';

export interface DeliveryDeps {
  ticketStore: TicketStore;
  mailStore: MailStore;
  sender: MailSender;
  /** The business clock: what a notice says, when a retry is due. */
  clock: Clock;
  /**
   * Measures send leases: the real clock, never a virtual business clock. A lease guards a send in
   * flight, and a send takes real time; a jump of a virtual clock must not expire it.
   */
  leaseClock: Clock;
  publicBaseUrl: string;
  /** Signs the survey links in closure notices. */
  surveyKeys: KeyringSource;
  /** Signs the thread tokens in our Reply-To and Message-ID. */
  threadKeys: ThreadKeySource;
}

export interface DeliveryReport {
  ticketId: string;
  sent: string[];
  skipped: Array<{ id: string; reason: string }>;
  failed: Array<{ id: string; reason: string }>;
  retrying: Array<{ id: string; reason: string }>;
  /** Entries still pending (held by another sender, or waiting for a retry). */
  pending: number;
}

/**
 * How long (real time) a sender holds an entry before another may take it over: longer than any
 * sending function may run (check-ticket-sla 30 s, the outbound sweep 55 s), so a live send is
 * never taken over; only a sender that died leaves its entry to the next one.
 */
export const SEND_LEASE_MS = 60_000;

const backoffMs = (attempts: number) => Math.min(60, 2 ** attempts) * 60_000;

/** The entries a sender may take now: pending, not waiting for a retry, not held by another sender. */
export function sendableEntries(
  outbox: readonly OutboundMail[],
  businessNow: string,
  leaseNow: string,
): Array<{ index: number; entry: OutboundMail }> {
  return outbox.flatMap((entry, index) =>
    entry.status === 'pending' &&
    !(entry.retryAt && entry.retryAt > businessNow) &&
    !(entry.claimedUntil && entry.claimedUntil >= leaseNow)
      ? [{ index, entry }]
      : [],
  );
}

export const emptyReport = (ticketId: string): DeliveryReport => ({
  ticketId,
  sent: [],
  skipped: [],
  failed: [],
  retrying: [],
  pending: 0,
});

/**
 * Renders and sends entries the caller has already claimed (leased), and says what became of each;
 * the caller records the outcomes on the ticket (the workflow with its park, the sweep per entry).
 * Suppressed recipients are skipped with the reason; transient failures get a retry time with
 * backoff; permanent ones and the eighth failure are failed.
 */
export async function sendClaimedMail(
  deps: DeliveryDeps,
  found: { stored: StoredTicket; messages: Message[] },
  claimed: ReadonlyArray<{ index: number; entry: OutboundMail }>,
  report: DeliveryReport = emptyReport(found.stored.ticket.id),
): Promise<{ outcomes: OutboundOutcome[]; report: DeliveryReport }> {
  const outcomes: OutboundOutcome[] = [];
  for (const { index, entry } of claimed) {
    const outcome = await sendOne(deps, found, index, entry, report);
    outcomes.push(outcome);
  }
  emitMetric('NoticesSent', report.sent.length, found.stored.ticket.desk);
  emitMetric('NoticesFailed', report.failed.length, found.stored.ticket.desk);
  return { outcomes, report };
}

async function sendOne(
  deps: DeliveryDeps,
  found: { stored: StoredTicket; messages: Message[] },
  index: number,
  entry: OutboundMail,
  report: DeliveryReport,
): Promise<OutboundOutcome> {
  const { stored, messages } = found;
  const { desk, id: ticketId } = stored.ticket;
  const outcome = (patch: Parameters<typeof outcomeOf>[2]): OutboundOutcome =>
    outcomeOf(index, entry.id, { ...patch, claimedUntil: undefined });
  const config = deskMailConfig(desk);
  if (!config) {
    report.failed.push({ id: entry.id, reason: 'no mail configuration' });
    return outcome({ status: 'failed', reason: `desk ${desk} has no mail configuration` });
  }
  const now = deps.clock.now();
  try {
    const built = await buildMail(deps, config, stored, messages, entry, now);
    if ('skip' in built) {
      report.skipped.push({ id: entry.id, reason: built.skip });
      return outcome({ status: 'skipped', reason: built.skip });
    }
    const sent = await deps.sender.send({ from: built.from, to: built.to, raw: built.raw });
    report.sent.push(entry.id);
    // The customer's client will quote SES's Message-ID in its reply: remember which ticket it is.
    await deps.mailStore
      .mapMessageId(desk, messageIdKey(sent.messageIdHeader), ticketId, now.toISOString())
      .catch((error: unknown) =>
        logger.warn('Message-ID not mapped (replies quoting it thread by address only)', {
          desk,
          ticketId,
          error: String(error),
        }),
      );
    return outcome({
      status: 'sent',
      sentAt: deps.clock.now().toISOString(),
      to: built.to,
      providerMessageId: sent.providerMessageId,
      emailMessageId: sent.messageIdHeader,
      attempts: entry.attempts + 1,
      reason: undefined,
      retryAt: undefined,
    });
  } catch (error) {
    const attempts = entry.attempts + 1;
    const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
    if (error instanceof PermanentSendError || attempts >= MAX_SEND_ATTEMPTS) {
      report.failed.push({ id: entry.id, reason });
      logger.error('outbound mail failed', { desk, ticketId, outboundId: entry.id, reason });
      return outcome({ status: 'failed', attempts, reason });
    }
    report.retrying.push({ id: entry.id, reason });
    report.pending++;
    logger.warn('outbound mail will be retried', { desk, ticketId, outboundId: entry.id, attempts, reason });
    return outcome({
      attempts,
      reason,
      retryAt: new Date(now.getTime() + backoffMs(attempts)).toISOString(),
    });
  }
}

/**
 * Sends a ticket's pending outbound mail (the sweep's path), each entry at least once and, barring a
 * crash between the send and its record, exactly once: an entry is leased (on the real clock),
 * rendered from the ticket as it is now, sent with its stable Message-ID and its action id
 * (`X-Tierdesk-Action-Id`, so a resend after a crash is recognisable as the same notice), then its
 * outcome is recorded. The workflow's Apply step takes the same entries in its own write instead
 * (shared/workflow/check-ticket-sla.ts).
 */
export async function deliverPendingMail(
  deps: DeliveryDeps,
  desk: string,
  ticketId: string,
): Promise<DeliveryReport> {
  const report = emptyReport(ticketId);
  const found = await deps.ticketStore.getTicketWithMessages(desk, ticketId);
  if (!found) return report;
  const outbox = found.stored.outbox ?? [];
  const leaseNow = deps.leaseClock.now();
  const sendable = sendableEntries(outbox, deps.clock.now().toISOString(), leaseNow.toISOString());
  report.pending += outbox.filter((m) => m.status === 'pending').length - sendable.length;
  const until = new Date(leaseNow.getTime() + SEND_LEASE_MS).toISOString();
  for (const { index, entry } of sendable) {
    if (
      !(await deps.mailStore.claimOutbound(desk, ticketId, index, entry.id, leaseNow.toISOString(), until))
    ) {
      report.pending++;
      continue;
    }
    const outcome = await sendOne(deps, found, index, entry, report);
    await deps.ticketStore.recordMailOutcome(desk, ticketId, {
      outcomes: [outcome],
      outboxLength: outbox.length,
      settled: false,
    });
  }
  // Nothing left to send: the ticket leaves the sweep's list (unless it changed meanwhile).
  if (report.pending === 0 && found.stored.mailPendingSince) {
    await deps.ticketStore.recordMailOutcome(desk, ticketId, {
      outcomes: [],
      outboxLength: outbox.length,
      settled: true,
    });
  }
  emitMetric('NoticesSent', report.sent.length, desk);
  emitMetric('NoticesFailed', report.failed.length, desk);
  return report;
}

type Built = { skip: string } | { from: string; to: string[]; raw: Buffer };

const byTime = (a: Message, b: Message) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function buildMail(
  deps: DeliveryDeps,
  config: DeskMailConfig,
  stored: StoredTicket,
  messages: Message[],
  entry: OutboundMail,
  now: Date,
): Promise<Built> {
  const ticket = stored.ticket;
  const pack = findPolicyPack(ticket.desk);
  const ordered = [...messages].sort(byTime);
  const emails = ordered.filter((m) => m.email && m.author.role === 'customer');
  const first = ordered[0];
  const queueAddress = first?.email?.to ?? deskSupportAddress(config);
  const queue = routeRecipient(queueAddress)?.queue ?? config.queues[0]!;
  const toCustomer = entry.audience === 'customer';

  // Customer mail goes to the ticket's requester only: a Reply-To in their mail is recorded as a
  // request (pending), never followed, so a forged or hijacked Reply-To cannot redirect our mail.
  const recipients = toCustomer ? [ticket.requester.email] : [staffAddress(config, entry, ticket)];
  for (const r of recipients) {
    if (isOwnAddress(r) && toCustomer)
      return { skip: `recipient ${r} is one of our own addresses (loop guard)` };
    const intake = freshIntakeCheck(stored, r, now);
    const suppressed = intake ? intake.found : await deps.mailStore.suppression(ticket.desk, r);
    if (suppressed)
      return { skip: `recipient ${r} is suppressed after a ${suppressed.reason} on ${suppressed.at}` };
  }

  const reply = entry.kind === 'reply' ? ordered.find((m) => m.id === entry.messageId) : undefined;
  if (entry.kind === 'reply' && !reply) return { skip: `message ${entry.messageId} is not on the ticket` };
  const lastPublicReply = [...ordered]
    .reverse()
    .find((m) => m.author.role === 'agent' && m.visibility === 'public');
  const kind = noticeKind(entry.template, entry.audience, entry.kind === 'reply');
  const lang = emails.at(-1)?.email?.language ?? config.defaultLanguage;
  const { template, lang: usedLang } = resolveTemplate(entry.template, kind, lang, config.defaultLanguage);
  const ctx: NoticeContext = {
    lang: usedLang,
    deskName: pack?.name ?? ticket.desk,
    queueName: queue.displayName,
    ticketId: ticket.id,
    subject: ticket.subject,
    priorityLabel: pack?.priorities[ticket.priority].label ?? ticket.priority,
    requesterName: ticket.requester.name,
    promise: entry.promiseToCustomer && pack ? promiseOf(pack, stored, entry, usedLang) : undefined,
    missingIntake:
      kind === 'acknowledgement' && pack && first
        ? missingIntakeFields(pack, `${ticket.subject}\n${first.body}`)
        : [],
    surveyUrl:
      kind === 'closure'
        ? `${deps.publicBaseUrl.replace(/\/$/, '')}${surveyPath(
            await deps.surveyKeys.keyring(),
            ticket.desk,
            ticket.id,
            new Date(deps.clock.now().getTime() + (pack?.surveyLinkDays ?? 30) * 86_400_000),
          )}`
        : undefined,
    replyBody: kind === 'reply' ? reply?.body : kind === 'closure' ? lastPublicReply?.body : undefined,
    summary: entry.summary,
    escalation: entry.escalation,
    audience: entry.audience,
  };
  const rendered = renderTemplate(template, ctx, { replyMarker: toCustomer });
  // A ticket opened from mail whose sender was not authenticated (released by staff): the
  // acknowledgement repeats none of that mail's words in its subject.
  if (kind === 'acknowledgement' && first?.email?.senderVerified === false) {
    rendered.subject = neutralAcknowledgementSubject(usedLang);
  }
  const keys = await deps.threadKeys.keyring();

  // Thread: the customer's mails and what we sent them, in order; answer the latest customer mail.
  const sentIds = (stored.outbox ?? [])
    .filter((m) => m.status === 'sent' && m.audience === 'customer' && m.emailMessageId)
    .map((m) => ({ at: m.sentAt ?? m.queuedAt, id: m.emailMessageId! }));
  const inboundIds = emails
    .filter((m) => m.email?.messageId)
    .map((m) => ({ at: m.createdAt, id: m.email!.messageId! }));
  const thread = [...inboundIds, ...sentIds].sort((a, b) => a.at.localeCompare(b.at)).map((x) => x.id);
  const inReplyTo = toCustomer ? (inboundIds.at(-1)?.id ?? thread.at(-1)) : undefined;

  const raw = await composeMail({
    from: { name: queue.displayName, address: `${queue.localPart}@${config.domain}` },
    to: recipients,
    replyTo: toCustomer
      ? replyAddressFor(queueAddress, signThreadToken(keys, ticket.desk, ticket.id))
      : `${queue.localPart}@${config.domain}`,
    subject: subjectWithToken(rendered.subject, ticket.id),
    text: rendered.text,
    html: rendered.html,
    messageId: outboundMessageId(keys, ticket.desk, ticket.id, entry.id, config.domain),
    actionId: entry.id,
    inReplyTo,
    references: toCustomer ? referencesHeader(thread) : [],
    date: now,
    language: usedLang,
    autoSubmitted:
      entry.kind === 'reply' ? undefined : kind === 'acknowledgement' ? 'auto-replied' : 'auto-generated',
    ticketId: ticket.id,
  });
  return { from: `${queue.localPart}@${config.domain}`, to: recipients, raw };
}

/**
 * The requester's suppression as intake read it: `{ found }` (undefined inside: not suppressed), or
 * undefined when the sender must read it itself. Only for the ticket's first mail to the requester, within
 * minutes of intake: a bounce or complaint comes from mail we sent, so any later mail reads the list.
 */
function freshIntakeCheck(stored: StoredTicket, recipient: string, now: Date) {
  const check = stored.requesterMailCheck;
  if (!check || stored.ticket.requester.email.toLowerCase() !== recipient.toLowerCase()) return undefined;
  const age = now.getTime() - Date.parse(check.checkedAt);
  if (age < 0 || age >= INTAKE_CHECK_FRESH_MS) return undefined;
  const mailedBefore = (stored.outbox ?? []).some(
    (m) => m.audience === 'customer' && (m.status !== 'pending' || m.attempts > 0),
  );
  return mailedBefore ? undefined : { found: check.suppressed };
}

function staffAddress(config: DeskMailConfig, entry: OutboundMail, ticket: Ticket): string {
  // Only the address the staff directory gave when the assignee was set; never the assignee string itself.
  if (entry.audience === 'assignee' && ticket.assignee && ticket.assigneeContact) {
    return ticket.assigneeContact.email;
  }
  const audience = entry.audience === 'customer' ? 'assignee' : entry.audience;
  return config.staff[audience];
}

/** The first-response deadline as the pack timed it when the notice fell due, in the desk's zone. */
function promiseOf(pack: PolicyPack, stored: StoredTicket, entry: OutboundMail, lang: string) {
  const state = slaStateOf(stored.ticket, stored.activity, new Date(entry.at));
  const metric = state?.metrics.find((m) => m.metric === 'first-response' && m.cycle === 1);
  if (!metric?.deadline) return undefined;
  const by = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-US', {
    timeZone: pack.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(metric.deadline));
  return { by, business: metric.clock === 'business' };
}
