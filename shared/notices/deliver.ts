import { isOwnAddress, replyAddressFor, routeRecipient, subjectWithToken } from '../mail/addresses.ts';
import { type DeskMailConfig, deskMailConfig, deskSupportAddress } from '../mail/desk-mail.ts';
import type { MailStore, OutboundPatch } from '../mail/ports.ts';
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
import { MAX_SEND_ATTEMPTS, type OutboundMail } from './outbound.ts';
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

/**
 * Sends a ticket's pending outbound mail, each entry at least once and, barring a crash between
 * the send and its record, exactly once: an entry is leased (on the real clock), rendered from the
 * ticket as it is now, sent with its stable Message-ID and its action id (`X-Tierdesk-Action-Id`,
 * so a resend after a crash is recognisable as the same notice), then marked. Suppressed
 * recipients are skipped with the reason; transient failures are retried with backoff (by the next
 * Apply step or the outbound sweep); permanent ones and the eighth failure are recorded as failed.
 */
export async function deliverPendingMail(
  deps: DeliveryDeps,
  desk: string,
  ticketId: string,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { ticketId, sent: [], skipped: [], failed: [], retrying: [], pending: 0 };
  const found = await deps.ticketStore.getTicketWithMessages(desk, ticketId);
  if (!found) return report;
  const { stored, messages } = found;
  const outbox = stored.outbox ?? [];
  const config = deskMailConfig(desk);
  for (const [index, entry] of outbox.entries()) {
    if (entry.status !== 'pending') continue;
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    if (!config) {
      await deps.mailStore.finishOutbound(desk, ticketId, index, entry.id, {
        status: 'failed',
        reason: `desk ${desk} has no mail configuration`,
      });
      report.failed.push({ id: entry.id, reason: 'no mail configuration' });
      continue;
    }
    if (entry.retryAt && entry.retryAt > nowIso) {
      report.pending++;
      continue;
    }
    const leaseNow = deps.leaseClock.now();
    const until = new Date(leaseNow.getTime() + SEND_LEASE_MS).toISOString();
    if (
      !(await deps.mailStore.claimOutbound(desk, ticketId, index, entry.id, leaseNow.toISOString(), until))
    ) {
      report.pending++;
      continue;
    }
    const finish = (patch: OutboundPatch) =>
      deps.mailStore.finishOutbound(desk, ticketId, index, entry.id, { ...patch, claimedUntil: undefined });
    try {
      const built = await buildMail(deps, config, stored, messages, entry, now);
      if ('skip' in built) {
        await finish({ status: 'skipped', reason: built.skip });
        report.skipped.push({ id: entry.id, reason: built.skip });
        continue;
      }
      const sent = await deps.sender.send({ from: built.from, to: built.to, raw: built.raw });
      await finish({
        status: 'sent',
        sentAt: deps.clock.now().toISOString(),
        to: built.to,
        providerMessageId: sent.providerMessageId,
        emailMessageId: sent.messageIdHeader,
        attempts: entry.attempts + 1,
        reason: undefined,
        retryAt: undefined,
      });
      // The customer's client will quote SES's Message-ID in its reply: remember which ticket it is.
      await deps.mailStore.mapMessageId(desk, messageIdKey(sent.messageIdHeader), ticketId, nowIso);
      report.sent.push(entry.id);
    } catch (error) {
      const attempts = entry.attempts + 1;
      const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
      if (error instanceof PermanentSendError || attempts >= MAX_SEND_ATTEMPTS) {
        await finish({ status: 'failed', attempts, reason });
        report.failed.push({ id: entry.id, reason });
        logger.error('outbound mail failed', { desk, ticketId, outboundId: entry.id, reason });
      } else {
        await deps.mailStore.finishOutbound(desk, ticketId, index, entry.id, {
          attempts,
          reason,
          claimedUntil: undefined,
          retryAt: new Date(now.getTime() + backoffMs(attempts)).toISOString(),
        });
        report.retrying.push({ id: entry.id, reason });
        report.pending++;
        logger.warn('outbound mail will be retried', {
          desk,
          ticketId,
          outboundId: entry.id,
          attempts,
          reason,
        });
      }
    }
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
    const suppressed = await deps.mailStore.suppression(ticket.desk, r);
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
