import { createHash } from 'node:crypto';
import { DomainError } from '../errors/domain-error.ts';
import { blobKeys } from '../objects/keys.ts';
import type { BanCheck } from '../tickets/bans.ts';
import { MAX_MESSAGE_CHARS } from '../tickets/commands.ts';
import type { MessageAttachment, MessageEmail } from '../tickets/model.ts';
import type { TicketStore } from '../tickets/ports.ts';
import type { TicketService } from '../tickets/service.ts';
import type { Clock } from '../time/clock.ts';
import { deskForDomain, routeRecipient, subjectWithToken, ticketIdInSubject } from './addresses.ts';
import { detectAutomatedMail } from './automated.ts';
import { rejectBannedSender, senderAddresses } from './banned-sender.ts';
import {
  DEFAULT_MAIL_LIMITS,
  type InboundMail,
  inboundDedupeKey,
  type MailLimits,
  parseInboundMail,
} from './parse.ts';
import type { InboundMailRecord, MailObjects, MailStore } from './ports.ts';
import { extractNewTicketText, extractReply } from './reply-text.ts';
import { authenticateSender, type SenderAuthentication } from './sender-auth.ts';
import { judgeVerdicts, type SesReceiptNotification } from './ses-notification.ts';
import type { ThreadKeySource } from './thread-token.ts';
import { messageIdKey, threadEvidence } from './threading.ts';

export interface MailIntakeDeps {
  mailStore: MailStore;
  ticketStore: TicketStore;
  tickets: Pick<TicketService, 'openTicketFromEmail' | 'addEmailReply'>;
  /** The desk's ban list: a banned sender's mail is rejected before anything else is done with it. */
  bans: BanCheck;
  objects: MailObjects;
  clock: Clock;
  newId: (at: Date) => string;
  /** The bucket the receipt rule writes to; an event naming any other bucket is refused. */
  mailBucket: string;
  /** Bucket for attachments and HTML bodies (the bodies bucket). */
  bodyBucket: string;
  limits?: MailLimits;
  /** Verifies the signed thread tokens in reply addresses and our Message-IDs. */
  threadKeys: ThreadKeySource;
}

export interface IntakeOutcome {
  desk: string;
  status: 'ticket-created' | 'reply-added' | 'ignored' | 'rejected' | 'suspended' | 'duplicate';
  reason?: string;
  ticketId?: string;
  messageId?: string;
}

/** Pseudo-desk for mail that reached no desk (recorded all the same, under its own key prefix). */
export const UNROUTED_DESK = 'unrouted';

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 40);

/**
 * Turns one SES receipt (S3 action notification) into ticket changes: per desk among the envelope
 * recipients, the verdicts are checked, the raw MIME is read from S3, parsed, checked for loops,
 * deduplicated, threaded, trimmed, and the ticket opened or continued. Every outcome (including
 * ignored and rejected mail) is recorded with its reason. Infrastructure errors are thrown, so the
 * invocation is retried; the record's claim makes the retry finish the same work, never repeat it.
 */
export async function receiveInboundMail(
  deps: MailIntakeDeps,
  notification: SesReceiptNotification,
): Promise<IntakeOutcome[]> {
  const { receipt, mail: sesMail } = notification;
  const action = receipt.action;
  const rawObject = { bucket: action.bucketName, key: action.objectKey };
  const receivedAt = deps.clock.now().toISOString();

  const byDesk = new Map<string, string[]>();
  for (const recipient of receipt.recipients) {
    const desk = deskForDomain(recipient)?.desk ?? UNROUTED_DESK;
    byDesk.set(desk, [...(byDesk.get(desk) ?? []), recipient]);
  }

  const outcomes: IntakeOutcome[] = [];
  for (const [desk, recipients] of byDesk) {
    // Before the content is known, the SES message id keys the record.
    const early = (status: 'ignored' | 'rejected', reason: string) =>
      recordEarly(deps, {
        desk,
        dedupeKey: `ses-${sha(sesMail.messageId)}`,
        status,
        reason,
        ...(sesMail.commonHeaders?.from ? { from: sesMail.commonHeaders.from.join(', ') } : {}),
        ...(sesMail.commonHeaders?.subject ? { subject: sesMail.commonHeaders.subject } : {}),
        rawObject,
        receivedAt,
      });
    if (desk === UNROUTED_DESK) {
      outcomes.push(await early('rejected', `no desk receives mail for ${recipients.join(', ')}`));
      continue;
    }
    const ban = await deps.bans.findBan(desk, senderAddresses(sesMail));
    if (ban) {
      outcomes.push(await rejectBannedSender(ban, deps.bans, early));
      continue;
    }
    if (action.bucketName !== deps.mailBucket || !action.objectKey.startsWith('inbound/')) {
      outcomes.push(
        await early(
          'rejected',
          `raw mail at ${action.bucketName}/${action.objectKey} is outside the inbound mail store`,
        ),
      );
      continue;
    }
    const verdict = judgeVerdicts(receipt);
    if (!verdict.accept) {
      outcomes.push(await early('rejected', verdict.reason));
      continue;
    }
    const route = recipients.map((r) => routeRecipient(r)).find((r) => r !== undefined);
    if (!route) {
      outcomes.push(await early('rejected', `no queue at ${recipients.join(', ')}`));
      continue;
    }
    const limits = deps.limits ?? DEFAULT_MAIL_LIMITS;
    const size = await deps.objects.size(rawObject.bucket, rawObject.key);
    if (size === undefined)
      throw new Error(`raw mail ${rawObject.key} not found (SES writes it before notifying)`);
    if (size > limits.maxRawBytes) {
      outcomes.push(
        await early('rejected', `message of ${size} bytes exceeds the ${limits.maxRawBytes}-byte limit`),
      );
      continue;
    }
    const parsed = await parseInboundMail(await deps.objects.get(rawObject.bucket, rawObject.key), limits);
    if (!parsed.ok) {
      outcomes.push(await early('rejected', `malformed mail: ${parsed.reason}`));
      continue;
    }
    const mail = parsed.mail;
    const automated = detectAutomatedMail({
      headers: mail.headers,
      from: mail.from.address,
      envelopeSender: sesMail.source,
      contentType: mail.contentType,
    });
    const dedupeKey = inboundDedupeKey(mail);
    const base = {
      desk,
      dedupeKey,
      from: mail.from.address,
      subject: mail.subject,
      ...(mail.messageId ? { emailMessageId: mail.messageId } : {}),
      rawObject,
      receivedAt,
      updatedAt: receivedAt,
    };
    if (automated.automated) {
      const claim = await deps.mailStore.claimInbound({
        ...base,
        status: 'ignored',
        reason: automated.reason,
      });
      outcomes.push(
        claim.claimed
          ? { desk, status: 'ignored', reason: automated.reason }
          : { desk, status: 'duplicate', reason: `already recorded as ${claim.existing.status}` },
      );
      continue;
    }
    // Only an aligned SPF, DKIM or DMARC pass proves From; unproven mail never threads onto a
    // ticket, never speaks as a requester and never steers where replies go: staff decide.
    const sender = authenticateSender({
      from: mail.from.address,
      envelopeSender: sesMail.source,
      verdicts: {
        spf: receipt.spfVerdict?.status,
        dkim: receipt.dkimVerdict?.status,
        dmarc: receipt.dmarcVerdict?.status,
      },
      headers: sesMail.headers ?? [],
    });
    if (!sender.authenticated) {
      outcomes.push(await suspendMail(deps, mail, { ...base, route }, sender, sesMail.source));
      continue;
    }
    outcomes.push(await acceptMail(deps, mail, { ...base, route }, sender));
  }
  return outcomes;
}

async function recordEarly(
  deps: MailIntakeDeps,
  record: Omit<InboundMailRecord, 'updatedAt'>,
): Promise<IntakeOutcome> {
  const claim = await deps.mailStore.claimInbound({ ...record, updatedAt: record.receivedAt });
  return claim.claimed
    ? {
        desk: record.desk,
        status: record.status as 'ignored' | 'rejected',
        ...(record.reason ? { reason: record.reason } : {}),
      }
    : { desk: record.desk, status: 'duplicate', reason: `already recorded as ${claim.existing.status}` };
}

export interface Decision {
  ticketId: string;
  messageId: string;
  reply: boolean;
  threading: string;
}

/** Records mail whose sender was not authenticated as suspended: nothing reaches a ticket. */
async function suspendMail(
  deps: MailIntakeDeps,
  mail: InboundMail,
  base: Omit<InboundMailRecord, 'status'> & { route: NonNullable<ReturnType<typeof routeRecipient>> },
  sender: SenderAuthentication,
  envelopeSender: string,
): Promise<IntakeOutcome> {
  const { route, ...record } = base;
  const tokenId = route.ticketToken?.split('.')[0]?.toUpperCase();
  const subjectId = ticketIdInSubject(mail.subject);
  const replyId = [...mail.inReplyTo, ...mail.references].find((id) => /^<t\./i.test(id));
  // What the mail claims to continue, unverified, as a hint for staff (never used to thread it).
  const mappedId = mail.inReplyTo[0] ? messageIdKey(mail.inReplyTo[0]) : undefined;
  const mapped = mappedId ? await deps.mailStore.ticketForMessageId(record.desk, mappedId) : undefined;
  const claimed = tokenId
    ? { ticketId: tokenId, via: 'reply-address' }
    : replyId
      ? { ticketId: replyId.split('.')[1]?.toUpperCase() ?? '', via: 'in-reply-to' }
      : mapped
        ? { ticketId: mapped, via: 'in-reply-to' }
        : subjectId
          ? { ticketId: subjectId, via: 'subject' }
          : undefined;
  // Claim the record first (a mail recorded as anything else stays that), then store the item; a
  // redelivery of a suspension that died half-way stores it then (the put is conditional).
  const claim = await deps.mailStore.claimInbound({
    ...record,
    status: 'suspended',
    reason: sender.reason,
    threading: 'suspended: sender not authenticated (no thread evidence considered)',
  });
  if (!claim.claimed && claim.existing.status !== 'suspended')
    return { desk: record.desk, status: 'duplicate', reason: `already recorded as ${claim.existing.status}` };
  await deps.mailStore.putSuspended({
    desk: record.desk,
    id: record.dedupeKey,
    status: 'suspended',
    reason: sender.reason,
    from: mail.from.address,
    to: route.ticketToken ? `${route.address.replace('@', `+${route.ticketToken}@`)}` : route.address,
    queueAddress: route.address,
    subject: mail.subject.slice(0, 1000),
    envelopeSender,
    ...(mail.messageId ? { emailMessageId: mail.messageId } : {}),
    ...(mail.replyTo && mail.replyTo.address !== mail.from.address ? { replyTo: mail.replyTo.address } : {}),
    verdicts: sender.verdicts,
    ...(sender.fromDomain ? { fromDomain: sender.fromDomain } : {}),
    ...(sender.spfDomain ? { spfDomain: sender.spfDomain } : {}),
    dkimDomains: sender.dkimDomains,
    ...(claimed?.ticketId ? { claimedTicket: claimed } : {}),
    rawObject: record.rawObject,
    receivedAt: claim.claimed ? record.receivedAt : claim.existing.receivedAt,
  });
  return claim.claimed
    ? { desk: record.desk, status: 'suspended', reason: sender.reason }
    : { desk: record.desk, status: 'duplicate', reason: 'already recorded as suspended' };
}

/** Which ticket the mail continues, if any: the first piece of evidence that names a ticket of this desk whose requester sent it. */
async function decideThread(
  deps: MailIntakeDeps,
  desk: string,
  mail: InboundMail,
  token: string | undefined,
): Promise<Decision> {
  const now = deps.clock.now();
  const notes: string[] = [];
  const found = threadEvidence(mail, token, await deps.threadKeys.keyring(), desk);
  if (token && !found.some((e) => e.via === 'reply-address'))
    notes.push('reply-address token did not verify');
  for (const evidence of found) {
    const ticketId =
      evidence.ticketId ??
      ('messageId' in evidence
        ? await deps.mailStore.ticketForMessageId(desk, messageIdKey(evidence.messageId))
        : undefined);
    if (!ticketId) continue;
    const stored = await deps.ticketStore.getTicket(desk, ticketId);
    if (!stored) {
      notes.push(`${evidence.via} names ${ticketId}, not a ticket of this desk`);
      continue;
    }
    if (stored.ticket.requester.email !== mail.from.address) {
      notes.push(`${evidence.via} names ${ticketId}, but ${mail.from.address} is not its requester`);
      continue;
    }
    if (stored.ticket.status === 'closed') {
      const id = deps.newId(now);
      return {
        ticketId: id,
        messageId: id,
        reply: false,
        threading: `follow-up to closed ticket ${ticketId}`,
      };
    }
    return { ticketId, messageId: deps.newId(now), reply: true, threading: evidence.via };
  }
  const id = deps.newId(now);
  return {
    ticketId: id,
    messageId: id,
    reply: false,
    threading: notes.length ? `new ticket (${notes.join('; ')})` : 'new ticket',
  };
}

function bodyOf(mail: InboundMail, reply: boolean) {
  const trimmed = reply ? extractReply(mail.text) : extractNewTicketText(mail.text);
  let text = trimmed.text;
  if (!text) {
    text = mail.attachments.length
      ? '(The email had no text; see its attachments.)'
      : '(The email had no text.)';
  }
  const truncated = text.length > MAX_MESSAGE_CHARS;
  if (truncated) {
    const note =
      '\n\n[… cut here: the message was longer than a ticket message may be; the original email is kept.]';
    text = text.slice(0, MAX_MESSAGE_CHARS - note.length) + note;
  }
  return { text, trimmed: trimmed.removed, truncated };
}

function ticketSubject(subject: string): string {
  const clean = subject
    .replace(/\s*\[#[0-9A-HJKMNP-TV-Z]{26}\]\s*/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const s = clean || '(no subject)';
  return s.length > 250 ? `${s.slice(0, 249)}…` : s;
}

async function acceptMail(
  deps: MailIntakeDeps,
  mail: InboundMail,
  base: Omit<InboundMailRecord, 'status'> & { route: NonNullable<ReturnType<typeof routeRecipient>> },
  sender: SenderAuthentication,
): Promise<IntakeOutcome> {
  const { route, ...record } = base;
  const desk = record.desk;
  const fresh = await decideThread(deps, desk, mail, route.ticketToken);
  const claim = await deps.mailStore.claimInbound({
    ...record,
    status: 'processing',
    ticketId: fresh.ticketId,
    messageId: fresh.messageId,
    threading: fresh.threading,
    ...(mail.refusedAttachments.length
      ? {
          refusedAttachments: mail.refusedAttachments.map((a) => ({
            filename: a.filename,
            reason: a.reason,
          })),
        }
      : {}),
  });
  let decision = fresh;
  if (!claim.claimed) {
    const existing = claim.existing;
    if (existing.status !== 'processing' || !existing.ticketId || !existing.messageId) {
      return {
        desk,
        status: 'duplicate',
        reason: `already recorded as ${existing.status}`,
        ...(existing.ticketId ? { ticketId: existing.ticketId } : {}),
      };
    }
    // A retry of a delivery that died half-way: finish it with the ids it claimed.
    decision = {
      ticketId: existing.ticketId,
      messageId: existing.messageId,
      reply: existing.ticketId !== existing.messageId,
      threading: existing.threading ?? fresh.threading,
    };
  }
  const written = await writeMailToTicket(deps, mail, desk, route.address, route.queue.queue, decision, {
    senderVerified: true,
    senderCheck: sender.reason,
  });
  await deps.mailStore.completeInbound(desk, record.dedupeKey, {
    status: written.status,
    ticketId: written.ticketId,
    messageId: written.messageId,
    threading: written.threading,
    updatedAt: deps.clock.now().toISOString(),
  });
  return { desk, status: written.status, ticketId: written.ticketId, messageId: written.messageId };
}

/** How the mail reached the ticket: checked by SES (threading allowed) or released by staff. */
export interface MailTrust {
  senderVerified: boolean;
  senderCheck: string;
  releasedBy?: string;
  /** Released mail: its original received time. */
  receivedAt?: string;
}

/**
 * Writes a mail onto the ticket a decision names (attachments, HTML body, the message, the ticket
 * change) and returns what happened. The Message-ID is remembered for threading only for mail whose
 * sender was authenticated, so an unauthenticated mail's id can never become evidence later.
 */
export async function writeMailToTicket(
  deps: Pick<MailIntakeDeps, 'objects' | 'bodyBucket' | 'tickets' | 'mailStore' | 'clock'>,
  mail: InboundMail,
  desk: string,
  queueAddress: string,
  queueName: string,
  initial: Decision,
  trust: MailTrust,
): Promise<{
  status: 'ticket-created' | 'reply-added';
  ticketId: string;
  messageId: string;
  threading: string;
}> {
  let decision = initial;
  const body = bodyOf(mail, decision.reply);
  const attachments: MessageAttachment[] = [];
  for (const [i, a] of mail.attachments.entries()) {
    const key = blobKeys.attachment(desk, decision.ticketId, decision.messageId, i, a.filename);
    await deps.objects.put(deps.bodyBucket, key, a.content, a.contentType);
    attachments.push({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      key,
      sha256: a.sha256,
    });
  }
  for (const r of mail.refusedAttachments) {
    attachments.push({ filename: r.filename, contentType: r.contentType, size: r.size, refused: r.reason });
  }
  let htmlKey: string | undefined;
  if (mail.html) {
    htmlKey = blobKeys.messageHtml(desk, decision.ticketId, decision.messageId);
    await deps.objects.put(deps.bodyBucket, htmlKey, mail.html, 'text/html; charset=utf-8');
  }
  const email: MessageEmail = {
    from: mail.from.address,
    to: queueAddress,
    subject: mail.subject.slice(0, 1000),
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.replyTo && mail.replyTo.address !== mail.from.address ? { replyTo: mail.replyTo.address } : {}),
    ...(mail.language ? { language: mail.language } : {}),
    ...(htmlKey ? { htmlKey } : {}),
    ...(body.trimmed.length ? { trimmed: body.trimmed } : {}),
    ...(body.truncated ? { truncated: true } : {}),
    senderVerified: trust.senderVerified,
    senderCheck: trust.senderCheck.slice(0, 500),
    ...(trust.releasedBy ? { releasedBy: trust.releasedBy } : {}),
  };
  const input = {
    desk,
    requester: { email: mail.from.address, name: mail.from.name },
    subject: ticketSubject(mail.subject),
    body: body.text,
    tags: [`queue-${queueName}`],
    attachments,
    email,
    ...(trust.receivedAt ? { receivedAt: trust.receivedAt } : {}),
  };

  let status: 'ticket-created' | 'reply-added' = decision.reply ? 'reply-added' : 'ticket-created';
  if (decision.reply) {
    try {
      await deps.tickets.addEmailReply({
        ...input,
        ticketId: decision.ticketId,
        messageId: decision.messageId,
      });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'conflict') throw error;
      // Closed between threading and writing: a follow-up ticket, under the id already claimed.
      decision = {
        ...decision,
        ticketId: decision.messageId,
        reply: false,
        threading: `follow-up to closed ticket ${decision.ticketId}`,
      };
      status = 'ticket-created';
      await deps.tickets.openTicketFromEmail({
        ...input,
        body: bodyOf(mail, false).text,
        id: decision.ticketId,
      });
    }
  } else {
    await deps.tickets.openTicketFromEmail({ ...input, id: decision.ticketId });
  }
  if (mail.messageId && trust.senderVerified) {
    await deps.mailStore.mapMessageId(
      desk,
      messageIdKey(mail.messageId),
      decision.ticketId,
      deps.clock.now().toISOString(),
    );
  }
  return {
    status,
    ticketId: decision.ticketId,
    messageId: decision.messageId,
    threading: decision.threading,
  };
}

export { subjectWithToken };
