import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMail } from '#shared/notices/compose.ts';
import { missingIntakeFields } from '#shared/notices/intake-check.ts';
import { outboundForAgentReply, outboundForSlaActions } from '#shared/notices/outbound.ts';
import { renderTemplate } from '#shared/notices/render.ts';
import {
  type NoticeContext,
  noticeKind,
  resolveTemplate,
  TEMPLATE_KINDS,
} from '#shared/notices/templates.ts';
import { getPolicyPack, loadPolicyPacks } from '#shared/policy/packs.ts';

const ctx = (over: Partial<NoticeContext> = {}): NoticeContext => ({
  lang: 'en',
  deskName: 'TechFlow Solutions',
  queueName: 'TechFlow Support',
  ticketId: '01JH0000000000000000000000',
  subject: 'Printer on fire',
  priorityLabel: 'P1 - Critical',
  requesterName: 'Pat',
  promise: undefined,
  missingIntake: [],
  surveyUrl: undefined,
  replyBody: undefined,
  summary: undefined,
  escalation: undefined,
  audience: 'customer',
  ...over,
});

describe('templates', () => {
  it('every template id the four packs use has a kind (and so a rendering)', () => {
    const used = new Set<string>();
    for (const pack of loadPolicyPacks().values()) {
      for (const n of pack.notices) used.add(n.template);
      for (const t of pack.escalation.triggers) if (t.template) used.add(t.template);
    }
    expect([...used].filter((id) => !(id in TEMPLATE_KINDS))).toEqual([]);
  });

  it('falls back by language: the customer’s language, then the desk’s, then English', () => {
    expect(resolveTemplate('techflow-acknowledgement', 'acknowledgement', 'fr-CA', 'en').lang).toBe('fr');
    expect(resolveTemplate('techflow-acknowledgement', 'acknowledgement', 'ja', 'en').lang).toBe('en');
    expect(resolveTemplate('techflow-escalation', 'staff-alert', 'fr', 'en').lang).toBe('en'); // no French staff alerts
    expect(noticeKind('techflow-satisfaction-survey', 'customer', false)).toBe('closure');
    expect(noticeKind('unknown-template', 'lead', false)).toBe('staff-alert');
  });

  it('states the promised time only when given one (promiseToCustomer), in both alternatives', () => {
    const { template } = resolveTemplate('techflow-acknowledgement', 'acknowledgement', 'en', 'en');
    const promised = renderTemplate(
      template,
      ctx({ promise: { by: 'Tue, Mar 4, 2031, 10:00 AM EST', business: true } }),
      { replyMarker: true },
    );
    expect(promised.text).toContain('You will hear from us by Tue, Mar 4, 2031, 10:00 AM EST');
    expect(promised.html).toContain('You will hear from us by Tue, Mar 4, 2031, 10:00 AM EST');
    const none = renderTemplate(template, ctx(), { replyMarker: true });
    expect(none.text).not.toMatch(/hear from us by|within/);
  });

  it('RareLogic’s acknowledgement states no response time (its pack promises none)', () => {
    const rarelogic = getPolicyPack('rarelogic');
    const ack = rarelogic.notices.find((n) => n.when === 'ticket-created' && n.audience === 'customer')!;
    expect(ack.promiseToCustomer).toBe(false);
    const { template } = resolveTemplate(ack.template, 'acknowledgement', 'en', 'en');
    const text = renderTemplate(template, ctx({ deskName: 'RareLogic' }), { replyMarker: true }).text;
    expect(text).not.toMatch(/\b(\d+\s*(hours?|minutes?)|by \w{3},)/i);
  });

  it('escapes customer text in HTML and keeps the plain text identical in words', () => {
    const { template } = resolveTemplate(undefined, 'reply', 'en', 'en');
    const out = renderTemplate(template, ctx({ replyBody: 'Use <b>bold</b> & "quotes"' }), {
      replyMarker: true,
    });
    expect(out.html).toContain('Use &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(out.text).toContain('Use <b>bold</b> & "quotes"');
    expect(out.text.startsWith('##- Please type your reply above this line -##')).toBe(true);
  });
});

describe('required intake fields', () => {
  it('TechFlow: lists the essential items a short mail lacks, not the ones it has', () => {
    const missing = missingIntakeFields(
      getPolicyPack('techflow'),
      'Printer on fire\nAccount ACME-42, 12 users affected since 9am. Error E42. Phone +1 555 0100',
    );
    expect(missing).toContain('Steps to reproduce');
    expect(missing).toContain('Urgency level');
    expect(missing).not.toContain('Number of users affected');
    expect(missing).not.toContain('Account name and ID');
    expect(missing).not.toContain('Contact person and phone');
  });

  it('conditional items only when their condition applies (Acentus: invoice for billing mail)', () => {
    const acentus = getPolicyPack('acentus');
    expect(missingIntakeFields(acentus, 'The dashboard is slow')).not.toContain('Invoice or transaction ID');
    expect(missingIntakeFields(acentus, 'I was charged twice on my card')).toContain(
      'Invoice or transaction ID',
    );
  });
});

describe('outbound queue entries', () => {
  it('one entry per applied notice action, keyed by the action id', () => {
    const entries = outboundForSlaActions(
      [
        {
          id: 'notify:acknowledgement:ticket-created',
          kind: 'notify',
          at: '2031-03-03T15:00:00.000Z',
          appliedAt: '',
          rule: 'acknowledgement',
          summary: 's',
          notice: { template: 'techflow-acknowledgement', audience: 'customer', promiseToCustomer: true },
        },
        {
          id: 'breach:first-response:1',
          kind: 'breach',
          at: '2031-03-03T16:00:00.000Z',
          appliedAt: '',
          rule: 'r',
          summary: 's',
        },
      ],
      new Date('2031-03-03T15:00:01Z'),
    );
    expect(entries).toEqual([
      expect.objectContaining({
        id: 'notify:acknowledgement:ticket-created',
        audience: 'customer',
        status: 'pending',
        promiseToCustomer: true,
      }),
    ]);
  });

  it('agent replies are mailed on email tickets only, and never internal notes', () => {
    const reply = { messageId: 'M1', visibility: 'public' as const, at: '2031-03-03T15:00:00.000Z' };
    expect(outboundForAgentReply({ channel: 'email' }, reply)).toHaveLength(1);
    expect(outboundForAgentReply({ channel: 'api' }, reply)).toHaveLength(0);
    expect(outboundForAgentReply({ channel: 'email' }, { ...reply, visibility: 'internal' })).toHaveLength(0);
  });
});

describe('composed MIME', () => {
  it('threading headers, a plain-text alternative first, RFC 3834 marking, no List-Unsubscribe', async () => {
    const raw = await composeMail({
      from: { name: 'TechFlow Support', address: 'support@techflowsolutions.com' },
      to: ['pat@example.com'],
      replyTo: 'support+01JH0000000000000000000000@techflowsolutions.com',
      subject: 'We received your request: Printer on fire [#01JH0000000000000000000000]',
      text: 'Plain words',
      html: '<p>Plain words</p>',
      messageId: '<t.01JH0000000000000000000000.abc@techflowsolutions.com>',
      actionId: 'notify:acknowledgement:ticket-created',
      inReplyTo: '<pat-first@mail.example.com>',
      references: ['<pat-first@mail.example.com>'],
      date: new Date('2031-03-03T15:00:00Z'),
      language: 'en',
      autoSubmitted: 'auto-replied',
      ticketId: '01JH0000000000000000000000',
    });
    const text = raw.toString('utf8');
    expect(text).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(text.indexOf('Content-Type: text/plain')).toBeLessThan(text.indexOf('Content-Type: text/html'));
    expect(text).not.toMatch(/^List-Unsubscribe/im);
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<t.01JH0000000000000000000000.abc@techflowsolutions.com>');
    expect(parsed.inReplyTo).toBe('<pat-first@mail.example.com>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.headers.get('x-tierdesk-action-id')).toBe('notify:acknowledgement:ticket-created');
    expect(parsed.text?.trim()).toBe('Plain words');
  });
});
