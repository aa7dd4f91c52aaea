import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseAddress,
  replyAddressFor,
  routeRecipient,
  subjectWithToken,
  ticketIdInSubject,
} from '#shared/mail/addresses.ts';
import { detectAutomatedMail } from '#shared/mail/automated.ts';
import { rawMailRetentionDays } from '#shared/mail/desk-mail.ts';
import { parseInboundMail } from '#shared/mail/parse.ts';
import {
  extractReply,
  REPLY_ABOVE_MARKER,
  stripQuotedHistory,
  stripSignature,
} from '#shared/mail/reply-text.ts';
import { judgeVerdicts } from '#shared/mail/ses-notification.ts';
import { signThreadToken, verifyThreadToken } from '#shared/mail/thread-token.ts';
import {
  outboundMessageId,
  referencesHeader,
  threadEvidence,
  ticketIdInMessageId,
} from '#shared/mail/threading.ts';

const TICKET = '01JH0000000000000000000000';

async function verdictOf(name: string, envelopeSender = 'pat@example.com') {
  const r = await parseInboundMail(readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url)));
  if (!r.ok) throw new Error(r.reason);
  return detectAutomatedMail({
    headers: r.mail.headers,
    from: r.mail.from.address,
    envelopeSender,
    contentType: r.mail.contentType,
  });
}

describe('loop and bulk detection (RFC 3834 and friends)', () => {
  it.each([
    ['auto-reply-auto-submitted.eml', 'Auto-Submitted: auto-replied'],
    ['auto-reply-x-autoreply.eml', 'X-Autoreply header (an auto-reply)'],
    ['bulk-precedence.eml', 'Precedence: bulk'],
    ['mailing-list.eml', 'mailing-list message (List-Id: <announce.lists.example.com>)'],
    ['own-address.eml', 'mail from our own address support@techflowsolutions.com (a loop)'],
  ])('%s is automated: %s', async (name, reason) => {
    expect(await verdictOf(name)).toEqual({ automated: true, reason });
  });

  it('a person’s mail is not automated; Auto-Submitted: no is a person', async () => {
    expect(await verdictOf('multipart-alternative.eml')).toEqual({ automated: false });
    const headers = new Map([['auto-submitted', 'no']]);
    expect(
      detectAutomatedMail({
        headers,
        from: 'pat@example.com',
        envelopeSender: 'pat@example.com',
        contentType: 'text/plain',
      }),
    ).toEqual({ automated: false });
  });

  it('a null envelope sender, a delivery report and MAILER-DAEMON are automated', async () => {
    expect((await verdictOf('multipart-alternative.eml', '')).automated).toBe(true);
    const none = new Map<string, string>();
    expect(
      detectAutomatedMail({
        headers: none,
        from: 'pat@example.com',
        envelopeSender: 'pat@example.com',
        contentType: 'multipart/report; report-type=delivery-status',
      }).automated,
    ).toBe(true);
    expect(
      detectAutomatedMail({
        headers: none,
        from: 'MAILER-DAEMON@mx.example.com',
        envelopeSender: 'x@y.z',
        contentType: 'text/plain',
      }).automated,
    ).toBe(true);
  });
});

const KEYS = { current: 'k'.repeat(40) };

describe('routing by recipient', () => {
  it('desk and queue from the address; plus tag carries the ticket id', () => {
    expect(routeRecipient('Billing@TechFlowSolutions.com')).toMatchObject({
      desk: 'techflow',
      queue: { queue: 'billing' },
      address: 'billing@techflowsolutions.com',
      ticketToken: undefined,
    });
    // The tag is taken as a claimed token (the intake verifies its signature), never trusted here.
    expect(routeRecipient(`support+${TICKET.toLowerCase()}.0a1b@techflowsolutions.com`)).toMatchObject({
      desk: 'techflow',
      ticketToken: `${TICKET.toLowerCase()}.0a1b`,
    });
    expect(routeRecipient('support+newsletter@techflowsolutions.com')?.ticketToken).toBeUndefined();
    expect(routeRecipient('security@spyfocus-example.com')).toMatchObject({
      desk: 'rch-spyfocus',
      queue: { queue: 'security' },
    });
    expect(routeRecipient('nobody@techflowsolutions.com')).toBeUndefined();
    expect(routeRecipient('support@elsewhere.example')).toBeUndefined();
    expect(parseAddress('no-at-sign')).toBeUndefined();
    expect(replyAddressFor('billing@techflowsolutions.com', `${TICKET}.00ff`)).toBe(
      `billing+${TICKET}.00ff@techflowsolutions.com`,
    );
  });

  it('raw mail is kept as long as the pack keeps tickets (TechFlow: 2 years), else a year', () => {
    expect(rawMailRetentionDays('techflow')).toBe(730);
    expect(rawMailRetentionDays('rarelogic')).toBe(365);
  });
});

describe('threading evidence', () => {
  it('orders reply address, In-Reply-To, References (newest first), then the subject token', () => {
    const other = '02JH0000000000000000000000';
    const evidence = threadEvidence(
      {
        inReplyTo: ['<ses-id@email.amazonses.com>'],
        references: [
          '<root@customer.example>',
          outboundMessageId(KEYS, 'techflow', other, 'reply:x', 'techflowsolutions.com'),
          '<ses-id@email.amazonses.com>',
        ],
        subject: `Re: Printer on fire [#${other}]`,
      },
      signThreadToken(KEYS, 'techflow', TICKET),
      KEYS,
      'techflow',
    );
    expect(evidence.map((e) => e.via)).toEqual([
      'reply-address',
      'in-reply-to',
      'references',
      'references',
      'subject',
    ]);
    expect(evidence[0]).toEqual({ via: 'reply-address', ticketId: TICKET });
    expect(evidence[2]).toMatchObject({ via: 'references', ticketId: other });
    expect(evidence[3]).toEqual({ via: 'references', messageId: '<root@customer.example>' });
  });

  it('our Message-IDs carry the ticket id and are stable per outbound entry', () => {
    const id = outboundMessageId(
      KEYS,
      'techflow',
      TICKET,
      'notify:acknowledgement:ticket-created',
      'techflowsolutions.com',
    );
    expect(id).toBe(
      outboundMessageId(
        KEYS,
        'techflow',
        TICKET,
        'notify:acknowledgement:ticket-created',
        'techflowsolutions.com',
      ),
    );
    expect(ticketIdInMessageId(KEYS, 'techflow', id)).toBe(TICKET);
    expect(ticketIdInMessageId(KEYS, 'techflow', '<abc@example.com>')).toBeUndefined();
  });

  it('a forged or stale token names no ticket; the previous key verifies during a rotation', () => {
    const token = signThreadToken(KEYS, 'techflow', TICKET);
    expect(verifyThreadToken(KEYS, 'techflow', token)).toBe(TICKET);
    expect(verifyThreadToken(KEYS, 'techflow', token.toLowerCase())).toBe(TICKET);
    // Same ticket, another desk; a made-up mac; an unsigned id; a key nobody holds any more.
    expect(verifyThreadToken(KEYS, 'acentus', token)).toBeUndefined();
    expect(verifyThreadToken(KEYS, 'techflow', `${TICKET}.${'0'.repeat(20)}`)).toBeUndefined();
    expect(verifyThreadToken(KEYS, 'techflow', TICKET)).toBeUndefined();
    const rotated = { current: 'n'.repeat(40), previous: KEYS.current };
    expect(verifyThreadToken(rotated, 'techflow', token)).toBe(TICKET);
    expect(verifyThreadToken({ current: 'n'.repeat(40) }, 'techflow', token)).toBeUndefined();
    // Our Message-ID shape with a forged mac threads nothing (and is not looked up as a customer id).
    const forged = `<t.${TICKET}.${'1'.repeat(20)}.abcdef0123456789@techflowsolutions.com>`;
    expect(ticketIdInMessageId(KEYS, 'techflow', forged)).toBeUndefined();
    expect(
      threadEvidence({ inReplyTo: [forged], references: [], subject: 'x' }, undefined, KEYS, 'techflow'),
    ).toEqual([]);
    expect(
      threadEvidence(
        { inReplyTo: [], references: [], subject: 'x' },
        `${TICKET}.${'2'.repeat(20)}`,
        KEYS,
        'techflow',
      ),
    ).toEqual([]);
  });

  it('subject token: found anywhere, written once', () => {
    expect(ticketIdInSubject(`RE: Fwd: [#${TICKET.toLowerCase()}] x`)).toBe(TICKET);
    expect(subjectWithToken(`Re: Printer on fire [#${TICKET}]`, TICKET)).toBe(
      `Re: Printer on fire [#${TICKET}]`,
    );
  });

  it('References keep the root and the newest ids when long', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `<${i}@x>`);
    const refs = referencesHeader(ids, 5);
    expect(refs).toEqual(['<0@x>', '<26@x>', '<27@x>', '<28@x>', '<29@x>']);
  });
});

describe('trimming quoted history and signatures', () => {
  it('Gmail: "On … wrote:" and > lines go, so does "Sent from my iPhone"', () => {
    const text =
      'Still smoking.\n\nPat\n\nSent from my iPhone\n\nOn Mon, 7 Jan 2030 at 17:00, TechFlow <support@techflowsolutions.com> wrote:\n> Please reboot.\n';
    expect(extractReply(text)).toEqual({
      text: 'Still smoking.\n\nPat',
      removed: ['quoted-history', 'signature'],
    });
  });

  it('a wrapped quote header, French and German headers, Outlook blocks and our own marker', () => {
    expect(
      stripQuotedHistory(
        'Yes.\n\nOn Tue, 8 Jan 2030 at 09:00, A Very Long Name <a@example.com>\nwrote:\n> old',
      ).text,
    ).toBe('Yes.');
    expect(
      stripQuotedHistory('Oui.\n\nLe mar. 8 janv. 2030 à 09:00, Support <s@x.com> a écrit :\n> old').text,
    ).toBe('Oui.');
    expect(stripQuotedHistory('Ja.\n\nAm 08.01.2030 um 09:00 schrieb Support <s@x.com>:\n> old').text).toBe(
      'Ja.',
    );
    expect(
      stripQuotedHistory(
        'Done.\n\n________________________________\nFrom: Support\nSent: Monday\nTo: Kim\n\nold',
      ).text,
    ).toBe('Done.');
    expect(stripQuotedHistory(`Answer\n${REPLY_ABOVE_MARKER}\nold notice`).text).toBe('Answer');
  });

  it('an RFC 3676 signature goes; text that would vanish entirely is kept whole', () => {
    expect(stripSignature('Thanks\n-- \nPat, ACME').text).toBe('Thanks');
    expect(extractReply('> only a quote\n> nothing else').text).toBe('> only a quote\n> nothing else');
  });
});

describe('SES verdicts', () => {
  const receipt = (v: Record<string, string>, dmarcPolicy?: string) =>
    ({
      timestamp: '',
      recipients: ['a@b.c'],
      action: { type: 'S3', bucketName: 'bkt', objectKey: 'k' },
      spamVerdict: { status: v.spam ?? 'PASS' },
      virusVerdict: { status: v.virus ?? 'PASS' },
      spfVerdict: { status: v.spf ?? 'PASS' },
      dkimVerdict: { status: v.dkim ?? 'PASS' },
      dmarcVerdict: { status: v.dmarc ?? 'PASS' },
      ...(dmarcPolicy ? { dmarcPolicy } : {}),
    }) as Parameters<typeof judgeVerdicts>[0];
  it('virus, spam, DMARC reject/quarantine and SPF+DKIM failure reject; GRAY and one failure pass', () => {
    expect(judgeVerdicts(receipt({ virus: 'FAIL' }))).toEqual({
      accept: false,
      reason: 'SES virus verdict FAIL',
    });
    expect(judgeVerdicts(receipt({ spam: 'FAIL' }))).toEqual({
      accept: false,
      reason: 'SES spam verdict FAIL',
    });
    expect(judgeVerdicts(receipt({ dmarc: 'FAIL' }, 'REJECT')).accept).toBe(false);
    expect(judgeVerdicts(receipt({ dmarc: 'FAIL' }, 'NONE')).accept).toBe(true);
    expect(judgeVerdicts(receipt({ spf: 'FAIL', dkim: 'FAIL' })).accept).toBe(false);
    expect(judgeVerdicts(receipt({ spf: 'FAIL' })).accept).toBe(true);
    expect(judgeVerdicts(receipt({ spam: 'GRAY', spf: 'PROCESSING_FAILED' })).accept).toBe(true);
  });
});
